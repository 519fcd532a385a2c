"""The category case: the township clerk takes in the parents' situations with their evidence, checks
them; the township approver decides from them (not the clerk), the decision keeps the rule version,
inputs and why, and the child is on that month's payroll; the charity fund is totalled apart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from minzheng.accounts.permissions import Denied
from minzheng.audit.models import AuditLog
from minzheng.benefits.services import payroll_generate
from minzheng.children import services as svc
from minzheng.children.models import CaseState
from minzheng.children.selectors import category_case_get, payroll_by_funding
from tests.children.conftest import parent
from tests.conftest import TOWN_A

ON = dt.date(2025, 7, 10)


def intake(clerk, child, father="imprisoned", mother="lost_contact", **kw):
    return svc.category_case_intake(
        actor=clerk, child=child, father=parent(father), mother=parent(mother), **kw
    )


def test_a_de_facto_unsupported_child_is_decided_from_the_parents_and_paid_that_month(make_user, child):
    clerk = make_user("township_clerk", TOWN_A)
    approver = make_user("township_approver", TOWN_A)
    case = intake(clerk, child)
    svc.category_case_verify(actor=clerk, case=case)
    decision = svc.category_case_decide(actor=approver, case=case, on=ON)
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert decision.category == "de_facto_unsupported" and decision.monthly_amount == 1540
    assert decision.rule_version and decision.inputs["members"][0]["parents"][0]["situation"] == "imprisoned"
    assert "id_number" not in decision.inputs["members"][0]
    assert any("服刑在押、失联" in r["detail"] for r in decision.reasons)
    assert decision.document_number.endswith("〔2025〕1号") and decision.funding == "budget"
    run = payroll_generate(
        actor=make_user("county_officer", "370811"), county_code="370811", month=ON.replace(day=1)
    )
    line = run.lines.get(person=child)
    assert line.programme == "child" and line.amount == 1540


def test_the_clerk_who_took_the_case_in_cannot_decide_it(make_user, child):
    officer = make_user("child_welfare_officer", "370811")
    case = intake(officer, child)
    svc.category_case_verify(actor=officer, case=case)
    with pytest.raises(Denied):
        svc.category_case_decide(actor=officer, case=case, on=ON)
    case.refresh_from_db()
    assert case.state == CaseState.VERIFIED


def test_a_clerk_may_not_decide_and_a_case_is_decided_only_after_verification(make_user, child):
    clerk = make_user("township_clerk", TOWN_A)
    case = intake(clerk, child)
    with pytest.raises(Denied):
        svc.category_case_decide(actor=clerk, case=case, on=ON)
    with pytest.raises(ValidationError, match="不能转为"):
        svc.category_case_decide(actor=make_user("township_approver", TOWN_A), case=case, on=ON)


def test_a_parent_in_a_situation_without_evidence_is_refused_and_nothing_is_written(make_user, child):
    clerk = make_user("township_clerk", TOWN_A)
    with pytest.raises(
        ValidationError, match="父亲“服刑在押”须登记证明材料的材料名称、编号、出具日期、出具机关"
    ):
        svc.category_case_intake(
            actor=clerk, child=child, father={"situation": "imprisoned"}, mother=parent("dead")
        )
    from minzheng.children.models import CategoryCase

    assert not CategoryCase.objects.exists()


def test_one_parent_at_home_is_not_eligible_and_the_case_is_rejected(make_user, child):
    clerk = make_user("township_clerk", TOWN_A)
    case = intake(clerk, child, mother="none")
    svc.category_case_verify(actor=clerk, case=case)
    decision = svc.category_case_decide(actor=make_user("township_approver", TOWN_A), case=case, on=ON)
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED and not decision.approved and decision.enrolment is None


def test_the_guardianship_lacking_fund_is_totalled_apart_from_the_budget(make_user, make_person, child):
    clerk = make_user("township_clerk", TOWN_A)
    approver = make_user("township_approver", TOWN_A)
    other = make_person(birth=dt.date(2016, 1, 1), name="王小红", hukou_type="rural")
    for c, kw in ((child, {}), (other, {"declared_category": "guardianship_lacking"})):
        case = intake(clerk, c, mother="none", **kw) if kw else intake(clerk, c)
        svc.category_case_verify(actor=clerk, case=case)
        svc.category_case_decide(actor=approver, case=case, on=ON)
    county = make_user("county_officer", "370811")
    run = payroll_generate(actor=county, county_code="370811", month=ON.replace(day=1))
    totals = {t["funding"]: (t["count"], t["total"]) for t in payroll_by_funding(actor=county, run=run)}
    assert totals == {"budget": (1, 1540), "charity": (1, 500)}


def test_reading_a_childs_case_is_audited_and_out_of_scope_is_missing(make_user, child):
    from django.http import Http404

    clerk = make_user("township_clerk", TOWN_A)
    case = intake(clerk, child)
    assert category_case_get(actor=clerk, case_id=case.pk) == case
    assert AuditLog.objects.filter(event_type="reveal", target_type="children.category_case").exists()
    with pytest.raises(Http404):
        category_case_get(actor=make_user("township_clerk", "370812001"), case_id=case.pk)
