"""Re-decision when a parent's situation changes: new evidence re-runs the same rule; a changed category
opens a re-decision case for the township; deciding it ends the old allowance and starts the new one. A
parent's death in the people registry that the decision does not know is the township's to-do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.benefits.models import Enrolment
from minzheng.children import services as svc
from minzheng.children.models import CaseState, CategoryCase, ParentChange
from minzheng.children.selectors import redecisions_due
from minzheng.children.todos import redecisions_due as redecisions_todo
from minzheng.people.services import person_record_death
from tests.children.conftest import EVIDENCE, parent
from tests.conftest import TOWN_A, TOWN_B

RELEASE = {
    "evidence_kind": "刑满释放证明书",
    "evidence_number": "SF2025-0009",
    "evidence_date": dt.date(2025, 6, 1),
    "evidence_issuer": "济宁监狱",
}


def decided(clerk, approver, child, father, mother, on=None, **kw):
    case = svc.category_case_intake(actor=clerk, child=child, father=father, mother=mother, **kw)
    svc.category_case_verify(actor=clerk, case=case)
    svc.category_case_decide(actor=approver, case=case, on=on or timezone.localdate().replace(day=1))
    case.refresh_from_db()
    return case


@pytest.fixture
def staff(make_user):
    return make_user("township_clerk", TOWN_A), make_user("township_approver", TOWN_A)


def test_a_father_released_from_prison_ends_the_de_facto_unsupported_allowance(staff, child):
    clerk, approver = staff
    first = decided(
        clerk, approver, child, parent("imprisoned"), parent("lost_contact"), on=dt.date(2025, 1, 5)
    )
    change = svc.parent_change_record(
        actor=clerk, child=child, parent="father", situation="none", evidence=RELEASE
    )
    again = change.redecision
    assert again is not None and again.previous == first and again.state == CaseState.SUBMITTED
    assert sorted(again.parents.values_list("parent", "situation")) == [
        ("father", "none"),
        ("mother", "lost_contact"),
    ]
    svc.category_case_verify(actor=clerk, case=again)
    decision = svc.category_case_decide(actor=approver, case=again, on=dt.date(2025, 8, 3))
    assert not decision.approved
    old = Enrolment.objects.get(pk=first.decision.enrolment_id)
    assert old.last_month == dt.date(2025, 7, 1) and "重新认定" in old.end_reason


def test_a_change_that_keeps_the_category_is_recorded_without_a_case(staff, child):
    clerk, approver = staff
    decided(clerk, approver, child, parent("imprisoned"), parent("lost_contact"), on=dt.date(2025, 1, 5))
    change = svc.parent_change_record(
        actor=clerk, child=child, parent="father", situation="drug_rehab", evidence=EVIDENCE
    )
    assert change.redecision is None and CategoryCase.objects.count() == 1


def test_a_change_needs_its_document_and_a_real_change(staff, child):
    clerk, approver = staff
    decided(clerk, approver, child, parent("imprisoned"), parent("lost_contact"), on=dt.date(2025, 1, 5))
    with pytest.raises(ValidationError, match="须登记证明材料"):
        svc.parent_change_record(actor=clerk, child=child, parent="father", situation="none", evidence={})
    with pytest.raises(ValidationError, match="情形与原认定相同"):
        svc.parent_change_record(
            actor=clerk, child=child, parent="father", situation="imprisoned", evidence=EVIDENCE
        )
    assert not ParentChange.objects.exists()


def test_an_orphan_category_is_reached_when_the_second_parent_dies(staff, child):
    clerk, approver = staff
    decided(clerk, approver, child, parent("dead"), parent("imprisoned"), on=dt.date(2025, 1, 5))
    change = svc.parent_change_record(
        actor=clerk, child=child, parent="mother", situation="dead", evidence=EVIDENCE
    )
    svc.category_case_verify(actor=clerk, case=change.redecision)
    decision = svc.category_case_decide(actor=approver, case=change.redecision, on=dt.date(2025, 8, 3))
    assert decision.approved and decision.category == "scattered_orphan"
    open_ = Enrolment.objects.filter(person=child, programme="child", last_month__isnull=True)
    assert [e.tier for e in open_] == ["scattered_orphan"]


def test_a_parents_death_in_the_registry_is_a_re_decision_to_do_for_the_township(
    staff, child, make_person, make_user
):
    clerk, approver = staff
    mother = make_person(name="母亲", birth=dt.date(1985, 2, 2))
    decided(
        clerk,
        approver,
        child,
        parent("dead"),
        parent("imprisoned", parent_person=mother),
        on=dt.date(2025, 1, 5),
    )
    assert not redecisions_due(actor=clerk).exists()
    person_record_death(actor=approver, person=mother, death_date=dt.date(2025, 7, 1))
    due = list(redecisions_due(actor=clerk))
    assert [s.parent for s in due] == ["mother"]
    assert redecisions_todo(clerk, timezone.localdate()).count == 1
    assert not redecisions_due(actor=make_user("township_clerk", TOWN_B)).exists()
    c = Client()
    c.force_login(clerk)
    r = c.post(reverse("children-redecision-open", args=[due[0].case_id]), {"parent": "mother"})
    assert r.status_code == 302
    again = CategoryCase.objects.get(previous=due[0].case)
    assert again.parents.get(parent="mother").situation == "dead"
    assert not redecisions_due(actor=clerk).exists()


def test_the_clerk_records_the_change_on_the_case_page_and_lands_on_the_re_decision(staff, child):
    clerk, approver = staff
    first = decided(
        clerk, approver, child, parent("imprisoned"), parent("lost_contact"), on=dt.date(2025, 1, 5)
    )
    c = Client()
    c.force_login(clerk)
    assert "登记父母情形变化" in c.get(reverse("children-case", args=[first.pk])).content.decode()
    form = {
        "parent": "father",
        "new_situation": "none",
        "new_evidence_kind": "刑满释放证明书",
        "new_evidence_number": "SF-1",
        "new_evidence_date": "2025-06-01",
        "new_evidence_issuer": "济宁监狱",
    }
    bad = c.post(
        reverse("children-case-change", args=[first.pk]), {**form, "new_evidence_date": "9999-01-01"}
    )
    assert bad.status_code == 400 and "出具日期" in bad.content.decode()
    assert not ParentChange.objects.exists()
    r = c.post(reverse("children-case-change", args=[first.pk]), form)
    again = CategoryCase.objects.get(previous=first)
    assert r.status_code == 302 and r["Location"] == reverse("children-case", args=[again.pk])
    page = c.get(reverse("children-case", args=[again.pk])).content.decode()
    assert "重新认定" in page
    # The old case offers no second change while the re-decision is open.
    old_page = c.get(reverse("children-case", args=[first.pk])).content.decode()
    assert 'id="action-change"' not in old_page and "已有更新的认定申请" in old_page
