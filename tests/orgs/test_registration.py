"""成立、变更、注销登记 on the case engine: the checklist must be complete to grant, a refusal states its
reasons, the decision carries a 文号, and the organisation's record follows the decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.casework.models import CaseEvent
from minzheng.core.idnumber import make_id_number
from minzheng.orgs import services
from minzheng.orgs.models import Organisation, OrgCase
from tests.conftest import TOWN_A

from .conftest import credit_code

REP_ID = make_id_number("370811", dt.date(1980, 1, 1), 1, "M")


def _apply(actor, documents=("application", "supervisor", "premises", "capital", "people", "charter")):
    return services.org_apply(
        actor=actor,
        region_code=TOWN_A,
        name="任城区青少年足球协会",
        kind="group",
        authority_level="county",
        supervisor="任城区教育和体育局",
        legal_rep_name="李强",
        legal_rep_id=REP_ID,
        address="任城区体育中心",
        registered_capital=Decimal("50000"),
        party_org="instructor",
        applied_on=timezone.localdate(),
        documents=list(documents),
    )


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_a_registration_granted_with_all_documents_makes_an_active_organisation_with_its_code(officer):
    case = _apply(officer)
    assert case.state == "applied" and case.org.status == "pending"
    code = credit_code("group")
    services.org_case_decide(
        actor=officer,
        case=case,
        approve=True,
        decision_no="济任民社登〔2026〕1号",
        decided_on=timezone.localdate(),
        credit_code=code.lower(),
    )
    org = Organisation.objects.get(pk=case.org_id)
    assert (org.status, org.credit_code, org.registered_on) == ("active", code, timezone.localdate())
    assert (
        org.legal_rep_id_masked.startswith("3708")
        and REP_ID not in org.legal_rep_id_masked
        and REP_ID[6:14] not in org.legal_rep_id_masked
    )
    assert list(CaseEvent.objects.filter(case_id=case.pk).values_list("to_state", flat=True)) == [
        "applied",
        "approved",
    ]
    assert AuditLog.objects.filter(target_type="orgs.orgcase", event_type="decision").exists()


def test_a_registration_with_a_missing_document_cannot_be_granted_and_nothing_changes(officer):
    case = _apply(officer, documents=("application", "charter"))
    with pytest.raises(ValidationError, match=r"材料不全.*业务主管单位"):
        services.org_case_decide(
            actor=officer,
            case=case,
            approve=True,
            decision_no="济任民社登〔2026〕2号",
            decided_on=timezone.localdate(),
            credit_code=credit_code("group"),
        )
    case.refresh_from_db()
    assert case.state == "applied" and case.org.status == "pending"


def test_a_refusal_needs_its_reasons_and_ends_the_application(officer):
    case = _apply(officer)
    with pytest.raises(ValidationError, match="理由"):
        services.org_case_decide(
            actor=officer,
            case=case,
            approve=False,
            decision_no="济任民社不登〔2026〕1号",
            decided_on=timezone.localdate(),
        )
    services.org_case_decide(
        actor=officer,
        case=case,
        approve=False,
        decision_no="济任民社不登〔2026〕1号",
        decided_on=timezone.localdate(),
        note="名称与已登记组织重名",
    )
    case.refresh_from_db()
    assert case.state == "refused" and case.org.status == "cancelled"


def test_an_invalid_or_taken_credit_code_is_refused(officer, make_org):
    other = make_org(name="已登记协会")
    case = _apply(officer)
    for code, msg in (("51370811MJ0000001X", "校验位"), (other.credit_code, "已被其他组织使用")):
        with pytest.raises(ValidationError, match=msg):
            services.org_case_decide(
                actor=officer,
                case=case,
                approve=True,
                decision_no="济任民社登〔2026〕3号",
                decided_on=timezone.localdate(),
                credit_code=code,
            )


def test_a_change_registration_changes_only_the_listed_items_once_granted(officer, make_org):
    org = make_org()
    case = services.org_case_open(
        actor=officer,
        org=org,
        kind="change",
        applied_on=timezone.localdate(),
        documents=["application", "supervisor", "resolution", "proof"],
        changes={"name": "任城区志愿服务联合会", "address": "", "party_org": "own"},
    )
    assert case.changes == {"name": "任城区志愿服务联合会", "party_org": "own"}
    org.refresh_from_db()
    assert org.name != "任城区志愿服务联合会"
    services.org_case_decide(
        actor=officer,
        case=case,
        approve=True,
        decision_no="济任民社变〔2026〕1号",
        decided_on=timezone.localdate(),
    )
    org.refresh_from_db()
    assert (org.name, org.party_org, org.address) == ("任城区志愿服务联合会", "own", "任城区建设路1号")


def test_a_change_with_nothing_to_change_is_refused(officer, make_org):
    org = make_org()
    with pytest.raises(ValidationError, match="至少一项"):
        services.org_case_open(
            actor=officer,
            org=org,
            kind="change",
            applied_on=timezone.localdate(),
            documents=[],
            changes={"name": org.name},
        )
    assert not OrgCase.objects.filter(org=org, kind="change").exists()


def test_a_cancellation_granted_ends_the_organisation_and_its_certificate(officer, make_org):
    org = make_org()
    c = _client(officer)
    assert c.get(f"/orgs/{org.pk}/certificate/").status_code == 200
    case = services.org_case_open(
        actor=officer,
        org=org,
        kind="cancel",
        applied_on=timezone.localdate(),
        documents=["application", "supervisor", "liquidation", "certificate"],
    )
    services.org_case_decide(
        actor=officer,
        case=case,
        approve=True,
        decision_no="济任民社注〔2026〕1号",
        decided_on=timezone.localdate(),
    )
    org.refresh_from_db()
    assert org.status == "cancelled" and org.ended_on == timezone.localdate()
    assert c.get(f"/orgs/{org.pk}/certificate/").status_code == 404


def test_the_certificate_names_the_authority_the_decision_number_and_the_appeal_route(officer, make_org):
    org = make_org()
    html = _client(officer).get(f"/orgs/{org.pk}/certificate/").content.decode()
    assert "社会团体法人登记证书" in html and org.credit_code in html
    assert "民政局" in html and "济任民社登〔2025〕" in html and "行政复议" in html
    assert "css/document.css" in html


def test_the_desk_registers_an_organisation_through_its_pages(officer):
    c = _client(officer)
    r = c.post(
        "/orgs/new/",
        {
            "name": "任城区书画研究会",
            "kind": "group",
            "authority_level": "county",
            "legal_rep_name": "赵敏",
            "legal_rep_id": REP_ID,
            "place_county": "370811",
            "place_township": TOWN_A,
            "address": "文化路8号",
            "registered_capital": "30000",
            "party_org": "none",
            "applied_on": timezone.localdate().isoformat(),
            "doc": ["application", "supervisor", "premises", "capital", "people", "charter"],
        },
    )
    case = OrgCase.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/orgs/case/{case.pk}/"
    page = c.get(f"/orgs/case/{case.pk}/").content.decode()
    assert "登记决定期限" in page and "准予登记" in page and REP_ID not in page
    r = c.post(
        f"/orgs/case/{case.pk}/approve/",
        {
            "decision_no": "济任民社登〔2026〕9号",
            "decided_on": timezone.localdate().isoformat(),
            "credit_code": credit_code(),
        },
    )
    case.refresh_from_db()
    assert case.state == "approved" and case.org.status == "active"


@pytest.mark.parametrize("bad", ["abc", "NaN", "9223372036854775808", "-5"])
def test_bad_capital_is_refused_with_a_chinese_message_and_nothing_is_written(officer, bad):
    r = _client(officer).post(
        "/orgs/new/",
        {"name": "某协会", "kind": "group", "registered_capital": bad, "applied_on": "2026-01-01"},
        follow=True,
    )
    assert r.status_code == 200 and "注册资金" in r.content.decode()
    assert not Organisation.objects.exists()


def test_a_decision_date_in_the_far_future_is_refused(officer):
    case = _apply(officer)
    r = _client(officer).post(
        f"/orgs/case/{case.pk}/approve/",
        {"decision_no": "济任民社登〔2026〕9号", "decided_on": "9999-01-01", "credit_code": credit_code()},
        follow=True,
    )
    assert "决定日期" in r.content.decode()
    case.refresh_from_db()
    assert case.state == "applied"
