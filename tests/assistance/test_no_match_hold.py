"""A 核对 report of 不符合 holds the case at 核对 (《最低生活保障审核确认办法》: the applicant is told, may
bring proof, and the township re-verifies): it does not go on to 民主评议 as if the family matched. The
township either re-verifies, records its 复核意见 and then goes on, or refuses; the page offers these."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.assistance import selectors as sel
from minzheng.assistance import services as svc
from minzheng.assistance.models import Decision, State
from minzheng.audit.models import AuditLog
from minzheng.casework.models import CaseEvent
from tests.conftest import TOWN_A, verified

TODAY = timezone.localdate()


@pytest.fixture
def staff(make_user):
    return {
        "clerk": make_user("township_clerk", TOWN_A),
        "verifier": make_user("township_clerk", TOWN_A),
        "approver": make_user("township_approver", TOWN_A),
    }


@pytest.fixture
def held(make_household, staff):
    """A dibao case at 核对 with its home visit and a 不符合 report."""
    hh = make_household(size=2)
    head = hh.memberships.get(relation="head").person
    members = [{"person_id": m.person_id} for m in hh.memberships.order_by("id")]
    app = svc.application_create(
        actor=staff["clerk"],
        programme="dibao",
        household=hh,
        applicant=head,
        declared={
            "members": members,
            "assets": {"financial": 0, "vehicles": [], "residential_properties": 1},
        },
    )
    svc.application_sign_authorisation(actor=staff["clerk"], application=app, signed_on=TODAY)
    svc.application_submit(actor=staff["clerk"], application=app)
    svc.application_start_verification(actor=staff["verifier"], application=app)
    svc.application_record_home_visit(
        actor=staff["verifier"], application=app, visited_on=TODAY, visitors="王、李", findings="属实"
    )
    verified(app, staff["verifier"], "no_match")
    app.refresh_from_db()
    return app


def _page(user, app):
    c = Client()
    c.force_login(user)
    return c, c.get(f"/assistance/{app.pk}/").content.decode()


def test_a_no_match_report_does_not_go_on_to_village_review_without_a_recheck_opinion(held, staff):
    with pytest.raises(ValidationError, match="核对结论为不符合"):
        svc.application_to_village_review(actor=staff["verifier"], application=held)
    held.refresh_from_db()
    assert held.state == State.VERIFYING


def test_the_township_goes_on_after_recording_its_recheck_opinion_which_is_kept_and_audited(held, staff):
    svc.application_to_village_review(
        actor=staff["verifier"], application=held, recheck_reason="申请人提供了工资一次性补发的证明"
    )
    held.refresh_from_db()
    assert held.state == State.VILLAGE_REVIEW
    event = CaseEvent.objects.get(case_id=held.pk, to_state=State.VILLAGE_REVIEW)
    assert "不符合" in event.note and "一次性补发" in event.note
    assert AuditLog.objects.filter(target_type="application.recheck", target_id=str(held.pk)).exists()


def test_a_re_verification_that_matches_lets_the_case_go_on_as_usual(held, staff):
    verified(held, staff["verifier"], "match")
    assert "to_review" in sel.application_actions(actor=staff["verifier"], application=held)
    svc.application_to_village_review(actor=staff["verifier"], application=held)
    held.refresh_from_db()
    assert held.state == State.VILLAGE_REVIEW


def test_the_case_page_offers_the_recheck_and_the_refusal_not_the_plain_village_review(held, staff):
    actions = sel.application_actions(actor=staff["verifier"], application=held)
    assert "to_review" not in actions and "to_review_disputed" in actions
    _c, page = _page(staff["verifier"], held)
    assert 'id="do-recheck"' in page and 'id="do-to-review"' not in page
    assert "核对结论为不符合：请告知申请人" in page
    assert "decide_no_match" in sel.application_actions(actor=staff["approver"], application=held)
    _c, page = _page(staff["approver"], held)
    assert 'id="do-refuse-no-match"' in page


def test_the_approver_refuses_at_verification_with_reasons_and_cannot_grant(held, staff):
    with pytest.raises(ValidationError, match="不能批准"):
        svc.application_decide(actor=staff["approver"], application=held, outcome="grant")
    c, _page_text = _page(staff["approver"], held)
    r = c.post(
        f"/assistance/{held.pk}/decide/",
        {"outcome": "refuse", "reasons": "", "version": held.version},
        follow=True,
    )
    assert "不予批准必须说明理由" in r.content.decode() and not Decision.objects.exists()
    svc.application_decide(
        actor=staff["approver"], application=held, outcome="refuse", reasons="家庭人均收入高于低保标准"
    )
    held.refresh_from_db()
    assert held.state == State.CLOSED and Decision.objects.get().outcome == "refuse"


def test_a_matching_case_at_verification_is_not_offered_a_refusal(held, staff):
    verified(held, staff["verifier"], "manual")
    assert "decide_no_match" not in sel.application_actions(actor=staff["approver"], application=held)
    with pytest.raises(ValidationError):
        svc.application_decide(actor=staff["approver"], application=held, outcome="refuse", reasons="x")
