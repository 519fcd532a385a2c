"""The cost shares and free hours of 失能老年人照护 read the policy tables: the shares move when the
figures move, and a missing figure is an error."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from minzheng.elderly.shares import care_share, home_free_hours

FIXTURE = Path(__file__).parents[2] / "src/minzheng/policy/fixtures/policy_default.json"


def _figures(**override: str) -> dict[str, Decimal]:
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))["parameters"]
    values = {r["key"]: Decimal(str(r["value"])) for r in rows if r["key"].startswith("elderly_care.")}
    values.update({k.replace("__", "."): Decimal(v) for k, v in override.items()})
    return values


def _lookup(values: dict[str, Decimal]):  # type: ignore[no-untyped-def]
    def figure(key: str) -> Decimal:
        if key not in values:
            raise KeyError(key)
        return values[key]

    return figure


def test_a_tekun_elder_in_an_institution_pays_nothing_at_any_level() -> None:
    f = _lookup(_figures())
    share = care_share(f, identity="tekun", level=0, mode="institution", monthly_fee=Decimal(2500))
    assert (share.eligible, share.government_share, share.self_share) == (True, 2500, 0)


def test_a_dibao_elder_with_moderate_disability_splits_by_the_tables_share_rounded_half_up() -> None:
    values = _figures()
    share = care_share(
        _lookup(values), identity="dibao", level=2, mode="institution", monthly_fee=Decimal(2417)
    )
    gov = int((Decimal(2417) * values["elderly_care.gov_share.dibao_poor"] + Decimal("0.5")) // 1)
    assert (share.government_share, share.self_share) == (gov, 2417 - gov)


def test_below_the_starting_level_the_elder_pays_the_whole_fee() -> None:
    share = care_share(
        _lookup(_figures()), identity="other", level=1, mode="institution", monthly_fee=Decimal(3000)
    )
    assert (share.eligible, share.government_share, share.self_share) == (False, 0, 3000)


def test_home_hours_follow_the_table_and_move_with_it() -> None:
    values = _figures()
    hours = home_free_hours(_lookup(values), identity="poor", level=3)
    assert hours == int(values["elderly_care.home_hours.dibao_poor.level3"])
    changed = _figures(elderly_care__home_hours__dibao_poor__level3="33")
    assert home_free_hours(_lookup(changed), identity="poor", level=3) == 33


def test_a_missing_figure_is_an_error_not_a_default() -> None:
    values = _figures()
    del values["elderly_care.gov_share.other"]
    with pytest.raises(KeyError):
        care_share(_lookup(values), identity="other", level=4, mode="institution", monthly_fee=Decimal(100))


def test_an_unknown_identity_or_mode_is_refused_in_chinese() -> None:
    with pytest.raises(ValidationError, match="身份"):
        care_share(_lookup(_figures()), identity="rich", level=2, mode="home")
    with pytest.raises(ValidationError, match="照护方式"):
        care_share(_lookup(_figures()), identity="other", level=2, mode="boat")
