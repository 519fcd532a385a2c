"""Trial calculation against golden cases (data, hand-computed from policy.md) through the rules, the
API and the CLI — one rules module behind all three."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from minzheng.assistance.assess import assess
from tests.conftest import TOWN_A

CASES = json.loads((Path(__file__).parent / "golden" / "assess_cases.json").read_text(encoding="utf-8"))
# assess-lines.md `tekun`: self-care from the six daily activities (adl_unable)
ADL_CASES = json.loads(
    (Path(__file__).parent / "golden" / "tekun_adl_cases.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_case(db, case):
    result = assess(case["input"])
    for key, value in case["expect"].items():
        assert result[key] == value, (key, result)
    assert result["rule_version"]
    assert all({"test", "passed", "detail"} <= set(r) for r in result["reasons"])


@pytest.mark.parametrize("case", ADL_CASES, ids=[c["name"] for c in ADL_CASES])
def test_tekun_takes_self_care_from_the_six_daily_activities(db, case):
    result = assess(case["input"])
    for key, value in case["expect"].items():
        assert result[key] == value, (key, result)


@pytest.mark.parametrize(
    ("adl", "message"),
    [(["eating", "flying"], "flying"), ("eating", "列表"), ([1], "列表")],
)
def test_an_unknown_daily_activity_is_refused_in_chinese(db, adl, message):
    case = json.loads(json.dumps(ADL_CASES[0]["input"]))
    case["members"][0]["adl_unable"] = adl
    with pytest.raises(ValidationError) as err:
        assess(case)
    assert message in "".join(err.value.messages)


def test_the_result_explains_every_test_in_chinese_with_figures(db):
    result = assess(CASES[0]["input"])
    details = [r["detail"] for r in result["reasons"]]
    assert "人均收入320元 < 标准719元" in details[0]
    assert any("1197" in d for d in details)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c.update(programme="welfare"), "programme"),
        (lambda c: c.update(date="2021-02-30"), "日期"),
        (lambda c: c.update(region="110105"), "不是本市"),
        (lambda c: c.update(hukou_type="city"), "户口性质"),
        (lambda c: c.update(members=[]), "不能为空"),
        (lambda c: c["members"][0].update(id_number="370811198001011230"), "校验位"),
        (lambda c: c["members"][0].update(monthly_wage=-5), "负数"),
        (lambda c: c["members"][0].update(monthly_wage="abc"), "数字"),
        (lambda c: c["members"][1].update(relation="head"), "户主"),
        (lambda c: c["members"][0].update(self_care="some"), "自理"),
        (lambda c: c["members"][0].update(disability_grade=7), "残疾等级"),
        (lambda c: c["assets"].update(vehicles=[{"kind": "plane", "value": 1}]), "车的类型"),
        (lambda c: c.update(date="2015-06-01"), "没有有效的政策参数"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(db, mutate, message):
    case = json.loads(json.dumps(CASES[0]["input"]))
    mutate(case)
    with pytest.raises(ValidationError) as err:
        assess(case)
    assert message in "".join(err.value.messages)


def test_temporary_assistance_requires_an_amount(db):
    case = json.loads(json.dumps(CASES[0]["input"]))
    case["programme"] = "temporary"
    with pytest.raises(ValidationError, match="申请金额"):
        assess(case)


def test_the_api_answers_the_same_as_the_rules(db, make_user):
    c = Client()
    c.force_login(make_user("township_clerk", TOWN_A))
    for case in CASES[:5]:
        r = c.post("/api/v1/assistance/assess", case["input"], content_type="application/json")
        assert r.status_code == 200, r.content
        assert r.json() == assess(case["input"])
    bad = c.post("/api/v1/assistance/assess", {"programme": "x"}, content_type="application/json")
    assert bad.status_code == 400 and "programme" in bad.json()["detail"]


def test_the_cli_prints_one_json_object_and_exits_2_with_a_chinese_error(tmp_path):
    ok = tmp_path / "case.json"
    ok.write_text(json.dumps(CASES[0]["input"]), encoding="utf-8")
    env = {"MINZHENG_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    exe = [sys.executable, "-m", "minzheng.cli", "assess"]
    run = subprocess.run([*exe, str(ok)], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["monthly_amount"] == 1197 and out["per_capita_income"] == 320
    bad = tmp_path / "bad.json"
    bad.write_text('{"programme": "dibao", "date": "2021-03-15"', encoding="utf-8")
    run = subprocess.run([*exe, str(bad)], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert run.returncode == 2 and run.stdout == ""
    assert "JSON" in run.stderr and "错误" in run.stderr
