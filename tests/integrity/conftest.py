from __future__ import annotations

from typing import Any

import pytest

from minzheng.assistance import services as assistance
from minzheng.verification.models import VerificationReport
from tests.conftest import TOWN_A


@pytest.fixture
def staff(make_user: Any) -> dict[str, Any]:
    return {
        "cunxieli": make_user("village_assistant", "370811001001"),
        "clerk": make_user("township_clerk", TOWN_A),
        "approver": make_user("township_approver", TOWN_A),
        "county": make_user("county_officer", "370811"),
        "finance": make_user("county_finance", "370811"),
    }


@pytest.fixture
def case(make_household: Any, staff: dict[str, Any]) -> Any:
    """A temporary-assistance case of a household in 任城区 (granted, paid this month)."""
    hh = make_household(size=2)
    head = hh.memberships.get(relation="head").person
    app = assistance.application_create(
        actor=staff["clerk"],
        programme="temporary",
        household=hh,
        applicant=head,
        declared={"members": [{"person_id": head.pk}]},
        amount_requested=800,
        emergency_kind="urgent",
    )
    return app


def report(app: Any, actor: Any, *, income: tuple[float, float], financial: tuple[float, float]) -> Any:
    """A 核对 report row as verification writes it (only its comparison is read here)."""
    return VerificationReport.objects.create(
        application=app,
        region_code=app.region_code,
        snapshot_month="2026-10",
        snapshot_sha="0" * 64,
        rule_version="x",
        conclusion="manual",
        members=[],
        totals={},
        tests=[],
        declared_vs_verified=[
            {"item": "月收入", "declared": income[0], "verified": income[1], "under_declared": False},
            {"item": "金融资产", "declared": financial[0], "verified": financial[1], "under_declared": False},
        ],
        created_by=actor,
    )
