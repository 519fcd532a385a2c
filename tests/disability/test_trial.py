"""The `disability_subsidy` trial (assess-lines.md) against golden cases (data, hand-computed from
policy.md "Disability") through assess(), the API and the CLI."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from minzheng.assistance.assess import assess
from tests.conftest import TOWN_A

CASES = json.loads((Path(__file__).parent / "golden" / "subsidy_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_subsidy_case(db, case):
    result = assess(case["input"])
    for key, value in case["expect"].items():
        assert result[key] == value, (key, result)
    assert result["programme"] == "disability_subsidy"
    assert result["rule_version"]
    assert all({"test", "passed", "detail"} <= set(r) for r in result["reasons"])


def test_the_reasons_name_the_grade_and_the_amounts_in_chinese(db):
    result = assess(CASES[1]["input"])
    text = " ".join(r["detail"] for r in result["reasons"])
    assert "视力残疾二级" in text and "每月110元" in text and "每月80元" in text


def test_a_changed_figure_moves_the_amount(db, monkeypatch):
    from minzheng.assistance import rules as arules

    real = arules.Policy.__call__

    def bumped(self, key):
        return real(self, key) + (5 if key == "disability.care.grade1" else 0)

    monkeypatch.setattr(arules.Policy, "__call__", bumped)
    assert assess(CASES[0]["input"])["care_subsidy"] == 115


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(household_dibao="yes"), "household_dibao"),
        (lambda d: d["members"][0].update(tekun=1), "tekun"),
        (lambda d: d["members"][0].update(work_injury_care="no"), "work_injury_care"),
        (lambda d: d["members"][0].update(disability_grade=5), "残疾等级"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(db, mutate, message):
    data = copy.deepcopy(CASES[0]["input"])
    mutate(data)
    with pytest.raises(ValidationError, match=message):
        assess(data)


def test_the_api_answers_the_same_as_assess(db, make_user):
    c = Client()
    c.force_login(make_user("township_clerk", TOWN_A))
    for case in CASES[:4]:
        r = c.post("/api/v1/disability/assess", case["input"], content_type="application/json")
        assert r.status_code == 200, r.content
        assert r.json() == assess(case["input"])
        shared = c.post("/api/v1/assistance/assess", case["input"], content_type="application/json").json()
        assert shared["monthly_amount"] == r.json()["monthly_amount"]


def test_the_cli_answers_a_subsidy_case(tmp_path):
    ok = tmp_path / "case.json"
    ok.write_text(json.dumps(CASES[1]["input"]), encoding="utf-8")
    # this checkout's sources first (the venv's editable install points at the main checkout)
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {"MINZHENG_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin", "PYTHONPATH": src}
    exe = [sys.executable, "-m", "minzheng.cli", "assess", str(ok)]
    run = subprocess.run(exe, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert (out["living_subsidy"], out["care_subsidy"], out["monthly_amount"]) == (110, 80, 190)
