"""Point rules (township template, village copy within limits) and point records (make-and-check)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from minzheng.audit.models import AuditLog
from minzheng.credit import services as svc
from minzheng.credit.models import Account, PointRecord
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.credit.conftest import earn


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")


def test_a_village_copies_the_township_template_once_and_adjusts_only_within_its_range(village):
    assert svc.rules_copy(actor=village["assistant"], village_code=VILLAGE_A) == 0
    rule = svc.rule_adjust(
        actor=village["assistant"], rule=village["good"], points=15, active=True, evidence_required=False
    )
    assert rule.points == 15
    with pytest.raises(ValidationError, match="分值应在5至20之间"):
        svc.rule_adjust(
            actor=village["assistant"], rule=village["good"], points=25, active=True, evidence_required=False
        )


def test_a_deduction_template_must_be_negative(village):
    with pytest.raises(ValidationError, match="扣分项"):
        svc.rule_template_create(
            actor=village["clerk"],
            township_code=village["template"].region_code,
            category="deduction",
            name="加分的扣分项",
            points=5,
            min_points=1,
            max_points=10,
            evidence_required=False,
        )


def test_points_count_only_after_a_different_person_approves_them(village, make_household):
    hh = make_household()
    rec = svc.point_record(
        actor=village["clerk"], household=hh, rule=village["good"], occurred_on=village["today"]
    )
    assert not Account.objects.filter(household=hh).exists()
    with pytest.raises(ValidationError, match="不同人员"):
        svc.point_decide(actor=village["clerk"], record=rec, approve=True)
    svc.point_decide(actor=village["approver"], record=rec, approve=True)
    account = Account.objects.get(household=hh)
    assert (account.earned, account.balance) == (10, 10)
    with pytest.raises(ValidationError, match="已审核"):
        svc.point_decide(actor=village["clerk"], record=rec, approve=True)


def test_a_rejection_needs_a_reason_and_adds_nothing(village, make_household):
    hh = make_household()
    rec = svc.point_record(
        actor=village["assistant"], household=hh, rule=village["good"], occurred_on=village["today"]
    )
    with pytest.raises(ValidationError, match="理由"):
        svc.point_decide(actor=village["approver"], record=rec, approve=False)
    svc.point_decide(actor=village["approver"], record=rec, approve=False, note="无佐证")
    assert PointRecord.objects.get().status == "rejected"
    assert not Account.objects.filter(household=hh).exists()


def test_a_deduction_takes_the_balance_to_zero_at_most_but_counts_in_full_in_the_ranking(
    village, make_household
):
    hh = make_household()
    rec = svc.point_record(
        actor=village["assistant"], household=hh, rule=village["bad"], occurred_on=village["today"]
    )
    svc.point_decide(actor=village["approver"], record=rec, approve=True)
    account = Account.objects.get(household=hh)
    assert (account.earned, account.balance) == (-5, 0)
    assert PointRecord.objects.get().applied == 0


def test_a_rule_that_requires_evidence_refuses_a_record_without_a_photo_and_keeps_a_clean_one(
    village, make_household
):
    svc.rule_adjust(
        actor=village["assistant"], rule=village["good"], points=10, active=True, evidence_required=True
    )
    village["good"].refresh_from_db()
    hh = make_household()
    with pytest.raises(ValidationError, match="佐证照片"):
        svc.point_record(
            actor=village["assistant"],
            household=hh,
            rule=village["good"],
            occurred_on=village["today"],
            evidence="x",
        )
    bad = SimpleUploadedFile("p.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError, match="JPG或PNG"):
        svc.point_record(
            actor=village["assistant"],
            household=hh,
            rule=village["good"],
            occurred_on=village["today"],
            evidence="拾到钱包交还失主",
            photo=bad,
        )
    rec = svc.point_record(
        actor=village["assistant"],
        household=hh,
        rule=village["good"],
        occurred_on=village["today"],
        evidence="拾到钱包交还失主",
        photo=_png(),
    )
    assert rec.photo.name.endswith(".png")
    c = Client()
    c.force_login(village["approver"])
    assert c.get(f"/credit/records/{rec.pk}/photo/").status_code == 200
    assert AuditLog.objects.filter(target_type="credit.record_photo", target_id=str(rec.pk)).exists()


def test_a_village_assistant_cannot_record_for_another_villages_household(village, make_household):
    other = make_household(village=VILLAGE_B)
    with pytest.raises(ValidationError):
        svc.point_record(
            actor=village["assistant"], household=other, rule=village["good"], occurred_on=village["today"]
        )


def test_the_household_page_records_points_and_the_approve_page_approves_them(village, make_household):
    hh = make_household()
    c = Client()
    c.force_login(village["assistant"])
    page = c.get(f"/credit/households/{hh.pk}/")
    assert page.status_code == 200 and "拾金不昧" in page.content.decode()
    r = c.post(
        f"/credit/households/{hh.pk}/record/",
        {"rule": village["good"].pk, "occurred_on": village["today"].isoformat(), "evidence": "交还钱包"},
    )
    assert r.status_code == 302
    bad = c.post(
        f"/credit/households/{hh.pk}/record/", {"rule": "x", "occurred_on": "2026-13-01"}, follow=True
    )
    assert "积分事项应为整数" in bad.content.decode()
    assert PointRecord.objects.count() == 1
    c.force_login(village["approver"])
    assert "交还钱包" in c.get("/credit/approve/").content.decode()
    c.post(f"/credit/records/{PointRecord.objects.get().pk}/decide/", {"approve": "1"})
    assert Account.objects.get(household=hh).balance == 10


def test_the_ranking_orders_households_by_points_and_exports_excel(
    village, make_household, django_assert_max_num_queries
):
    low, high = make_household(), make_household()
    earn(village, low, 1)
    earn(village, high, 3)
    for _ in range(3):
        earn(village, make_household(), 2)
    c = Client()
    c.force_login(village["clerk"])
    with django_assert_max_num_queries(12):
        page = c.get("/credit/ranking/").content.decode()
    assert page.index(high.number) < page.index(low.number)
    xlsx = c.get("/credit/ranking/?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditLog.objects.filter(target_type="credit.ranking", event_type="export").exists()


def test_the_person_page_panel_shows_the_households_balance(village, make_household):
    from minzheng.credit.selectors import person_panel

    hh = make_household()
    earn(village, hh, 2)
    head = hh.memberships.get(relation="head").person
    ctx = person_panel(actor=village["clerk"], person=head)
    assert ctx is not None and (ctx["earned"], ctx["balance"]) == (20, 20)
    assert (
        person_panel(
            actor=village["assistant"], person=make_household(village=VILLAGE_B).memberships.first().person
        )
        is None
    )


def test_the_approvers_home_page_lists_points_to_approve_in_a_few_queries(
    village, make_household, django_assert_max_num_queries
):
    from minzheng.credit.selectors import todo_fund, todo_points

    for _ in range(7):
        svc.point_record(
            actor=village["assistant"],
            household=make_household(),
            rule=village["good"],
            occurred_on=village["today"],
        )
    with django_assert_max_num_queries(2):
        todo = todo_points(village["approver"], village["today"])
    assert todo.count == 7 and len(todo.items) == 5 and "拾金不昧" in todo.items[0].label
    with django_assert_max_num_queries(2):
        assert todo_fund(village["approver"], village["today"]).count == 0
    assert todo_points(village["assistant"], village["today"]).count == 0  # not the assistant's to approve
    c = Client()
    c.force_login(village["approver"])
    assert "待审核的信用积分" in c.get("/").content.decode()


def test_the_api_ranks_the_actors_households_only(village, make_household, make_user):
    earn(village, make_household(), 2)
    c = Client()
    c.force_login(village["clerk"])
    assert [r["earned"] for r in c.get("/api/v1/credit/ranking").json()] == [20]
    c.force_login(make_user("township_clerk", "370812001"))
    assert c.get("/api/v1/credit/ranking").json() == []


def test_points_recorded_for_one_member_name_that_member_and_a_stranger_is_refused(village, make_household):
    hh = make_household(size=2)
    child = hh.memberships.get(relation="child").person
    stranger = make_household(size=1).memberships.get().person
    c = Client()
    c.force_login(village["assistant"])
    url = f"/credit/households/{hh.pk}/record/"
    day = village["today"].isoformat()
    refused = c.post(
        url, {"rule": village["good"].pk, "occurred_on": day, "person": stranger.pk}, follow=True
    )
    assert "该人员不是本户现有成员" in refused.content.decode()
    c.post(url, {"rule": village["good"].pk, "occurred_on": day, "person": child.pk})
    assert PointRecord.objects.get().person == child


def test_a_dead_member_is_neither_offered_nor_accepted_for_points(village, make_household):
    """The walk was offered a member who had died (李萍春) on the household's points form."""
    from minzheng.people.services import person_record_death

    hh = make_household(size=2)
    child = hh.memberships.get(relation="child").person
    person_record_death(actor=village["assistant"], person=child, death_date=village["today"])
    c = Client()
    c.force_login(village["assistant"])
    page = c.get(f"/credit/households/{hh.pk}/").content.decode()
    assert child.name not in page.split('name="person"')[1].split("</select>")[0]
    day = village["today"].isoformat()
    refused = c.post(
        f"/credit/households/{hh.pk}/record/",
        {"rule": village["good"].pk, "occurred_on": day, "person": child.pk},
        follow=True,
    )
    assert "该人员不是本户现有成员" in refused.content.decode()
    assert not PointRecord.objects.exists()
