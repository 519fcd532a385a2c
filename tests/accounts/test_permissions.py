from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from minzheng.accounts import permissions
from minzheng.accounts.models import Role
from minzheng.accounts.permissions import PERMISSIONS, SYSTEM, Denied, can, flush_denials, require
from minzheng.audit.models import AuditEvent, AuditLog

from ..conftest import TOWN_A, TOWN_B


@pytest.fixture(autouse=True)
def _no_denials_from_earlier_tests() -> None:
    permissions._pending.rows = []  # rows kept by an earlier test (rolled back with it) are not this test's


def test_a_refused_permission_is_audited_as_denied_after_the_refused_transaction_rolls_back(
    make_user: Any,
) -> None:
    clerk = make_user(Role.TOWNSHIP_CLERK, TOWN_A)
    with pytest.raises(Denied), transaction.atomic():
        require(clerk, "payroll.bank_file", region_code=TOWN_A, target="payroll:1")
    assert flush_denials() == 1
    row = AuditLog.objects.get(event_type=AuditEvent.DENIED)
    assert (row.actor_id, row.target_type, row.target_id, row.outcome) == (
        clerk.pk,
        "payroll.bank_file",
        "payroll:1",
        "denied",
    )


def test_a_holder_out_of_region_is_refused_with_a_scope_message(make_user: Any) -> None:
    approver = make_user(Role.TOWNSHIP_APPROVER, TOWN_A)
    assert can(approver, "assistance.decide", region_code=TOWN_A)
    with pytest.raises(Denied, match="管辖范围"):
        require(approver, "assistance.decide", region_code=TOWN_B)
    assert AuditLog.objects.filter(event_type=AuditEvent.DENIED, actor=approver).count() == 1


def test_an_unknown_permission_name_is_an_error_not_a_refusal(make_user: Any) -> None:
    with pytest.raises(LookupError):
        can(make_user(Role.SYSADMIN, "370800"), "payroll.typo")


def test_every_permission_names_only_known_roles_or_the_system() -> None:
    assert all(roles and roles <= {*Role.values, SYSTEM} for roles in PERMISSIONS.values())


def test_a_denial_rolled_back_is_written_again_even_when_another_row_took_its_key(make_user: Any) -> None:
    from minzheng.audit.services import audit_record

    clerk = make_user(Role.TOWNSHIP_CLERK, TOWN_A)
    with pytest.raises(Denied), transaction.atomic():
        require(clerk, "payroll.bank_file", region_code=TOWN_A, target="payroll:2")
    audit_record(actor=clerk, event_type=AuditEvent.UPDATE, target_type="other")  # may reuse the key
    assert flush_denials() == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.DENIED, target_id="payroll:2").count() == 1


def test_every_permission_has_a_chinese_label_for_the_people_who_read_the_log() -> None:
    from minzheng.accounts.permissions import LABELS

    assert set(LABELS) == set(PERMISSIONS)


def test_the_roles_that_need_a_second_factor_in_production_exist_and_cover_the_child_case_workers() -> None:
    from minzheng.settings import base

    required = set(base.OTP_REQUIRED_ROLES)
    assert required <= set(Role.values)  # a typo would silently exempt a role
    assert {Role.SYSADMIN, Role.AUDITOR} | set(PERMISSIONS["child.case_read"]) <= required


def test_a_refused_page_is_a_403_and_leaves_a_denied_row(make_user: Any) -> None:
    from django.test import Client

    county = make_user(Role.COUNTY_OFFICER, "370811")
    c = Client()
    c.force_login(county)
    assert c.get("/exchange/").status_code == 403
    assert c.get("/monitoring/").status_code == 200 and not c.get("/monitoring/").context["runs"]
    row = AuditLog.objects.get(event_type=AuditEvent.DENIED, actor=county)
    assert (row.target_type, row.target_id, row.outcome) == ("exchange.view", "/exchange/", "denied")
