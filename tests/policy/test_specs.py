"""Parameter specs as data: every policy key declares its unit and range, the shipped fixture lies within
them, and the loader refuses a fixture that does not."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from minzheng.policy.models import PolicyParameter
from minzheng.policy.services import DEFAULT_FIXTURE, policy_load_fixture
from minzheng.policy.specs import SPECS_FIXTURE, specs_load

FIXTURE = json.loads(DEFAULT_FIXTURE.read_text(encoding="utf-8"))


def test_every_fixture_key_has_a_spec_and_every_fixture_value_lies_within_it():
    specs = specs_load()
    rows = FIXTURE["parameters"]
    assert {r["key"] for r in rows} <= set(specs)
    for row in rows:
        spec = specs[row["key"]]
        assert spec.min <= Decimal(str(row["value"])) <= spec.max, row
        assert row["unit"] == spec.unit, row


def test_the_specs_file_is_a_json_object_with_one_key_per_line():
    lines = [line for line in SPECS_FIXTURE.read_text(encoding="utf-8").splitlines() if line not in "{}"]
    specs = json.loads(SPECS_FIXTURE.read_text(encoding="utf-8"))
    assert len(lines) == len(specs)
    for line in lines:
        assert set(json.loads("{" + line.rstrip(",") + "}").popitem()[1]) >= {"unit", "min", "max"}


def test_every_spec_is_a_sensible_range():
    for spec in specs_load().values():
        assert spec.min <= spec.max < 10**10
        assert spec.unit


def test_every_fixture_row_cites_a_regulation_not_a_seed_number():
    for row in FIXTURE["parameters"]:
        source = row["source"]
        assert "《" in source and "》" in source, row["key"]
        assert "seed" not in source.lower() and not source.startswith("默认"), row["key"]


def _fixture_with(tmp_path: Path, **changes: object) -> Path:
    data = json.loads(DEFAULT_FIXTURE.read_text(encoding="utf-8"))
    data["parameters"] = [
        {**data["parameters"][0], "effective_from": "2010-01-01", "effective_to": "2010-12-31", **changes}
    ]
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": 99_999_999_999}, "应在100至5,000元/人·月之间"),
        ({"value": 5}, "应在100至5,000元/人·月之间"),
        ({"value": "NaN"}, "有限的数字"),
        ({"unit": "元/年"}, "与规格“元/人·月”不符"),
        ({"key": "dibao.unknown"}, "没有规格"),
        ({"region_prefix": "999999"}, "区划999999不存在"),
        ({"hukou_type": "city"}, "城乡类别不正确"),
        ({"effective_to": "2009-01-01"}, "起止日期不正确"),
    ],
)
def test_the_loader_refuses_a_fixture_row_outside_its_spec(db, tmp_path, changes, message):
    before = PolicyParameter.objects.count()
    with pytest.raises(ValidationError) as refused:
        policy_load_fixture(path=_fixture_with(tmp_path, **changes))
    assert any(message in m for m in refused.value.messages)
    assert PolicyParameter.objects.count() == before


def test_the_loader_still_loads_a_row_within_its_spec(db, tmp_path):
    assert policy_load_fixture(path=_fixture_with(tmp_path, value=450)) == 1
    assert PolicyParameter.objects.get(effective_from="2010-01-01").value == 450
