"""The line's own trial page takes every input of elderly_capability (26 items, adjustments) and
disabled_elder_care (identity, level, setting) and answers exactly as the contract's golden cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from minzheng.elderly.capability import PARTS
from tests.conftest import TOWN_A

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden"


def _case(name: str) -> list[dict[str, Any]]:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def _base(case: dict[str, Any]) -> dict[str, str]:
    i = case["input"]
    return {
        "programme": i["programme"],
        "date": i["date"],
        "place_county": i["region"][:6],
        "region_code": i["region"] if len(i["region"]) == 12 else "",
        "hukou_type": i["hukou_type"],
        "id_number": i["members"][0]["id_number"],
    }


def test_the_capability_trial_page_answers_every_golden_case_from_its_26_items(client, make_user):
    client.force_login(make_user("township_clerk", TOWN_A))
    form_page = client.get("/elderly/trial/").content.decode()
    assert all(f'name="{code}"' in form_page for rows in PARTS.values() for code, _n, _h in rows)
    for case in _case("capability_cases.json"):
        cap = case["input"].get("capability")
        if not isinstance(cap, dict) or "level" not in case.get("expect", {}):
            continue
        form = _base(case)
        for part, rows in PARTS.items():
            for code, _n, _h in rows:
                form[code] = str(cap[part][code])
        if cap.get("coma"):
            form["coma"] = "on"
        if cap.get("diagnosis"):
            form["diagnosis"] = "on"
        for k, v in (cap.get("risk_events_30d") or {}).items():
            form[f"risk_{k}"] = str(v)
        html = client.post("/elderly/trial/", form).content.decode()
        result = html.split('id="trial-result"')[1]
        assert f"{case['expect']['total']}分" in result, case["name"]
        assert f"（{case['expect']['level']}级）" in result, case["name"]


def test_the_care_share_trial_page_answers_every_golden_case_from_identity_level_and_setting(
    client, make_user
):
    client.force_login(make_user("township_clerk", TOWN_A))
    assert 'name="identity"' in client.get("/elderly/trial/?programme=disabled_elder_care").content.decode()
    for case in _case("care_share_cases.json"):
        i, expect = case["input"], case.get("expect", {})
        if "government_share" not in expect and "free_hours" not in expect:
            continue
        form = {**_base(case), "identity": i["identity"], "capability_level": str(i["capability_level"])}
        form["mode"] = i["mode"]
        if "monthly_fee" in i:
            form["monthly_fee"] = str(i["monthly_fee"])
        html = client.post("/elderly/trial/", form).content.decode()
        result = html.split('id="trial-result"')[1]
        if "government_share" in expect and i["mode"] == "institution":
            assert f"{expect['government_share']}元" in result, case["name"]
        if "free_hours" in expect:
            assert f"{expect['free_hours']}小时" in result, case["name"]


def test_bad_trial_input_gets_a_chinese_message_not_a_500(client, make_user):
    client.force_login(make_user("township_clerk", TOWN_A))
    page = client.post(
        "/elderly/trial/",
        {
            "programme": "disabled_elder_care",
            "date": "9999-01-01",
            "id_number": "x",
            "capability_level": "abc",
        },
    )
    assert page.status_code == 200 and 'id="trial-error"' in page.content.decode()


def test_the_trial_page_is_refused_to_a_role_without_assessment(client, make_user):
    client.force_login(make_user("carer", TOWN_A))
    assert client.get("/elderly/trial/").status_code == 403


def test_the_capability_trial_pages_error_names_the_item_not_its_code(client, make_user):
    import re

    client.force_login(make_user("township_clerk", TOWN_A))
    case = next(c for c in _case("capability_cases.json") if "level" in c.get("expect", {}))
    form = {**_base(case), **{code: "0" for rows in PARTS.values() for code, _n, _h in rows}, "eating": "9"}
    html = client.post("/elderly/trial/", form).content.decode()
    error = re.search(r'id="trial-error">([^<]*)<', html)
    assert error and error.group(1) == "“进食”应在0–4之间，收到9"
