"""The child's category from the parents' situations (assess-lines.md `child`), against golden cases
hand-computed from policy.md, through assess() (the CLI, the API and the trial page share it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from minzheng.assistance.assess import assess
from minzheng.children.rules import category_from_parents

CASES = json.loads((Path(__file__).parent / "golden" / "child_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_child_case(db, case):
    out = assess(case["input"])
    for key, value in case["expect"].items():
        assert out[key] == value, (key, out)
    assert out["rule_version"] and out["reasons"]


def test_orphan_needs_both_parents_dead_or_missing_and_one_parent_present_is_not_enough():
    assert category_from_parents(("dead", "missing"), False) == "scattered_orphan"
    assert category_from_parents(("dead", "lost_contact"), True) == "de_facto_unsupported"
    assert category_from_parents(("dead", "none"), True) is None


def test_the_why_names_each_parents_situation(db):
    out = assess(CASES[0]["input"] | {"date": "2022-03-01"})
    assert any("父母情形：死亡、死亡" in r["detail"] for r in out["reasons"])


@pytest.mark.parametrize(
    ("parents", "message"),
    [
        ([{"situation": "dead"}], "父母情形parents应为两项"),
        ([{"situation": "dead"}, {"situation": "jailed"}], "第2位父母情形situation取值“jailed”无效"),
        ("dead", "父母情形parents应为两项"),
    ],
)
def test_bad_parents_get_a_chinese_message(db, parents, message):
    case = json.loads(json.dumps(CASES[0]["input"]))
    case["members"][1]["parents"] = parents
    with pytest.raises(ValidationError, match=message):
        assess(case)


def test_in_institution_must_be_a_boolean(db):
    case = json.loads(json.dumps(CASES[0]["input"]))
    case["members"][1]["in_institution"] = "yes"
    with pytest.raises(ValidationError, match="in_institution应为 true 或 false"):
        assess(case)


def test_the_api_answers_the_category_from_the_parents(make_user):
    c = Client()
    c.force_login(make_user("county_officer", "370811"))
    r = c.post("/api/v1/children/assess", CASES[0]["input"], content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["child_category"] == CASES[0]["expect"]["child_category"]
