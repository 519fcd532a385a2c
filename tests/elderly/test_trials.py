"""The `elderly_capability` and `disabled_elder_care` contracts (assess-lines.md) answered through the one
dispatcher (`assess`) that the CLI, the API and the trial page use: golden cases cover every level
boundary, coma, diagnosis, the risk events, the single raise, the cap and every range error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from minzheng.assistance.assess import assess

GOLDEN = Path(__file__).parent / "golden"
CASES = [
    *json.loads((GOLDEN / "capability_cases.json").read_text(encoding="utf-8")),
    *json.loads((GOLDEN / "care_share_cases.json").read_text(encoding="utf-8")),
]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_each_golden_case_answers_as_the_contract_says(case: dict[str, Any]) -> None:
    if "expect_error" in case:
        with pytest.raises(ValidationError) as e:
            assess(case["input"])
        assert case["expect_error"] in e.value.messages[0]
        return
    out = assess(case["input"])
    assert {k: out[k] for k in case["expect"]} == case["expect"]
    assert out["programme"] == case["input"]["programme"]
    assert out["rule_version"] and all(r["detail"] for r in out["reasons"])


def test_the_cli_answers_the_capability_contract_with_exit_code_2_on_bad_input(tmp_path: Path) -> None:
    from django.core.management import call_command

    bad = dict(CASES[0]["input"], capability={"self_care": {}})
    path = tmp_path / "case.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(SystemExit) as e:
        call_command("assess", str(path))
    assert e.value.code == 2
