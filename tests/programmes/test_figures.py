"""Every figure of the programme rules is resolved per county × hukou type for the month, on both paths;
a missing figure is an error with a Chinese message, never a default in code."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from minzheng.assistance.assess import assess
from minzheng.assistance.eligibility import FIGURE_KEYS
from minzheng.monitoring.engine import Policy, policy_from_fixture, runner
from minzheng.monitoring.engine import rules as R
from minzheng.monitoring.services import screening_policy
from minzheng.policy.models import ParameterStatus, PolicyParameter

CASE = {
    "programme": "dibao",
    "date": "2025-07-15",
    "region": "370811",
    "hukou_type": "urban",
    "members": [
        {"id_number": "370811198001010036", "relation": "head", "monthly_wage": 800, "employed": True}
    ],
    "assets": {"financial": 5000, "residential_properties": 1},
}


def _withdraw(key: str) -> None:
    PolicyParameter.objects.filter(key=key).update(status=ParameterStatus.WITHDRAWN)


def test_a_missing_figure_stops_the_desk_with_a_chinese_message(db: Any) -> None:
    assert assess(CASE)["eligible"] is True
    _withdraw("dibao.single_person_income_factor")
    with pytest.raises(ValidationError, match=r"dibao\.single_person_income_factor"):
        assess(CASE)


def test_a_missing_figure_stops_the_city_screening_policy(db: Any) -> None:
    screening_policy(month="2025-07")
    _withdraw("dibao.business_capital_max")
    with pytest.raises(ValidationError, match=r"dibao\.business_capital_max"):
        screening_policy(month="2025-07")


def test_a_county_override_of_a_non_standard_figure_reaches_the_engine(db: Any) -> None:
    """The engine used to read every figure but the standard at city level only."""
    PolicyParameter.objects.create(
        key="dibao.financial_assets_months",
        value=6,
        region_prefix="370811",
        effective_from=dt.date(2025, 1, 1),
        source="测试：任城区金融资产月数",
        status=ParameterStatus.APPROVED,
    )
    policy = screening_policy(month="2025-07")
    assert policy.figures[("370811", "urban")]["dibao.financial_assets_months"] == Decimal(6)
    assert policy.figures[("370811", "rural")]["dibao.financial_assets_months"] == Decimal(6)
    assert policy.figures[("370812", "urban")]["dibao.financial_assets_months"] == Decimal(24)
    assert set(policy.figures[("370811", "urban")]) >= set(FIGURE_KEYS)


def test_a_figure_missing_from_the_fixture_is_an_error_not_a_default(tmp_path: Path) -> None:
    fixture = json.loads(runner.FIXTURE.read_text(encoding="utf-8"))
    fixture["parameters"] = [r for r in fixture["parameters"] if r["key"] != "dibao.margin_factor"]
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(runner.ScreeningError, match=r"dibao\.margin_factor"):
        policy_from_fixture("2025-07", ["370811"], fixture=path)


def test_the_engine_has_no_default_for_a_city_wide_figure() -> None:
    policy = policy_from_fixture("2025-07", ["370811"])
    params = {k: v for k, v in policy.params.items() if k != "monitoring.medical_threshold"}
    bare = Policy(month="2025-07", figures=policy.figures, params=params)
    with pytest.raises(runner.ScreeningError, match=r"monitoring\.medical_threshold"):
        bare.param("monitoring.medical_threshold")
    assert not hasattr(R, "DEFAULT_PARAMS")


def test_screening_refuses_figures_missing_a_key(tmp_path: Path) -> None:
    policy = policy_from_fixture("2025-07", ["370811"])
    figures = {k: {**f} for k, f in policy.figures.items()}
    del figures[("370811", "rural")]["tekun.care.none"]
    with pytest.raises(runner.ScreeningError, match=r"tekun\.care\.none"):
        runner.screen(
            snapshot=tmp_path,
            enrolments=tmp_path / "e.parquet",
            policy=Policy(month="2025-07", figures=figures, params=policy.params),
            out_dir=tmp_path / "out",
        )


def test_every_stage_and_rule_transpiles_to_spark() -> None:
    """The province runs the same SQL through sqlglot (the Spark run itself is marked `spark`)."""
    pytest.importorskip("sqlglot")
    policy = policy_from_fixture("2025-07", ["370811", "370812"])
    texts = [st.sql for st in (*R.FACTS, *R.STAGES, R.DIFFICULTY_STAGE)] + [r.sql for r in R.RULES]
    texts += [R.TEKUN_APPLICANTS_ALL_SQL, runner._figures_sql(policy, runner.figure_keys())]
    for text in texts:
        spark_sql = runner._Spark.sql(None, runner.render(text, policy))  # type: ignore[arg-type]
        assert "SELECT" in spark_sql.upper()


def test_a_high_age_figure_missing_for_one_county_stops_the_engine_naming_it(tmp_path: Path) -> None:
    """The high-age tiers are read per county × hukou type: a county without one is an error, not the
    city's figure."""
    policy = policy_from_fixture("2025-07", ["370811", "370812"])
    assert "high_age.tier90" in runner.figure_keys()
    figures = {
        k: {key: v for key, v in f.items() if not (k[0] == "370812" and key == "high_age.tier90")}
        for k, f in policy.figures.items()
    }
    with pytest.raises(runner.ScreeningError, match=r"370812.*high_age\.tier90"):
        runner.screen(
            snapshot=tmp_path,
            enrolments=tmp_path / "none.parquet",
            policy=Policy(month=policy.month, figures=figures, params=policy.params),
            out_dir=tmp_path / "out",
        )
