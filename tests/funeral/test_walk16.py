"""Issue #16 walk through the death flow: the family's receipt says plainly what happens to the household
benefit (no clerk's note, no review number), and one death certificate number serves one death only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.assistance import services as assist
from minzheng.assistance.models import Review
from minzheng.benefits.models import Enrolment
from minzheng.funeral import services
from minzheng.funeral.models import FuneralCase
from tests.assistance.test_workflow import _granted
from tests.conftest import TOWN_A, VILLAGE_A

TODAY = timezone.localdate()
DIED = TODAY - dt.timedelta(days=3)


@pytest.fixture
def staff(make_user):
    return {
        "clerk": make_user("township_clerk", TOWN_A),
        "verifier": make_user("township_clerk", TOWN_A),
        "recorder": make_user("township_clerk", TOWN_A),
        "approver": make_user("township_approver", TOWN_A),
    }


def _open(clerk, person, certificate, died=DIED):
    return services.funeral_case_open(
        actor=clerk,
        person=person,
        death_date=died,
        death_place="家中",
        certificate_number=certificate,
        family_name="王小二",
        family_relation="儿子",
    )


def test_the_family_receipt_says_the_household_benefit_will_be_re_decided_then_its_new_amount(
    staff, make_household, home
):
    hh = make_household(size=2)
    _granted(hh, staff)
    dibao = Enrolment.objects.get(programme="dibao")
    member = hh.memberships.exclude(relation="head").get().person
    case = _open(staff["clerk"], member, "J370811202616001")
    case = services.funeral_cremation_record(
        actor=staff["clerk"], case=case, funeral_home=home, cremated_on=DIED
    )
    case = services.funeral_hukou_notice(actor=staff["clerk"], case=case)
    case = services.funeral_subsidy_decide(actor=staff["clerk"], case=case, urn_price=800)
    case = services.funeral_benefits_stop(actor=staff["clerk"], case=case)
    review = Review.objects.get(enrolment=dibao, outcome="")
    c = Client()
    c.force_login(staff["clerk"])

    receipt = c.get(f"/funeral/{case.pk}/letter/receipt/").content.decode()
    assert "家庭待遇将重新核定" in receipt
    for internal in ("已发起家庭待遇复核（", f"复核#{review.pk}", "现每月", "预计每月", "待复核决定"):
        assert internal not in receipt
    assert f"复核#{review.pk}" in c.get(f"/funeral/{case.pk}/").content.decode()  # the clerk still reads it

    desk = Client()
    desk.force_login(staff["approver"])
    listing = desk.get("/assistance/reviews/").content.decode()
    assert "家庭成员死亡" in listing and "预警触发" not in listing  # the review's source, as people read it

    assist.review_decide(
        actor=staff["approver"], review=review, outcome="adjust", reasons="成员死亡", on=dibao.first_month
    )
    review.refresh_from_db()
    receipt = c.get(f"/funeral/{case.pk}/letter/receipt/").content.decode()
    assert f"家庭待遇已重新核定为每月{review.new_amount}元" in receipt
    assert f"复核#{review.pk}" not in receipt and "复核已决定" not in receipt


def test_a_death_certificate_number_already_on_another_case_is_refused_naming_no_one(clerk, make_person):
    first = make_person(village=VILLAGE_A, birth=dt.date(1940, 1, 1), name="李大爷")
    second = make_person(village=VILLAGE_A, birth=dt.date(1942, 1, 1), name="赵奶奶")
    _open(clerk, first, "J370811202616002")
    with pytest.raises(ValidationError) as refused:
        _open(clerk, second, " j370811202616002 ")
    assert refused.value.messages == ["该死亡证明编号已登记，请核对死亡证明"]
    second.refresh_from_db()
    assert second.is_alive and FuneralCase.objects.count() == 1
    assert _open(clerk, second, "J370811202616003").person == second


def test_the_new_case_form_refuses_a_used_certificate_number_with_the_chinese_message(clerk, make_person):
    first = make_person(village=VILLAGE_A, birth=dt.date(1940, 1, 1), name="李大爷")
    second = make_person(village=VILLAGE_A, birth=dt.date(1942, 1, 1), name="赵奶奶")
    _open(clerk, first, "J370811202616004")
    c = Client()
    c.force_login(clerk)
    r = c.post(
        f"/funeral/new/?person={second.pk}",
        {
            "person": second.pk,
            "death_date": f"{DIED:%Y-%m-%d}",
            "death_place": "家中",
            "certificate_number": "J370811202616004",
            "family_name": "赵小二",
            "family_relation": "儿子",
        },
    )
    html = r.content.decode()
    assert r.status_code == 200 and "该死亡证明编号已登记" in html and "李大爷" not in html
    assert FuneralCase.objects.count() == 1


def test_the_database_itself_holds_one_case_per_death_certificate_number_whatever_its_case(
    clerk, make_person
):
    from django.db import IntegrityError, transaction

    first = make_person(village=VILLAGE_A, birth=dt.date(1940, 1, 1), name="李大爷")
    second = make_person(village=VILLAGE_A, birth=dt.date(1942, 1, 1), name="赵奶奶")
    case = _open(clerk, first, "J370811202616005")
    # a second desk that got past the service's check at the same moment: the row itself is refused
    with pytest.raises(IntegrityError), transaction.atomic():
        FuneralCase.objects.create(
            state="new",
            state_since=TODAY,
            region_code=second.region_code,
            person=second,
            family_name="赵小二",
            family_relation="儿子",
            death_date=DIED,
            death_place="家中",
            certificate_number="j370811202616005",
            opened_by=case.opened_by,
        )
    assert FuneralCase.objects.count() == 1


def test_a_refused_new_case_keeps_the_typed_phone_and_a_death_before_birth_names_the_birth_date(
    clerk, make_person
):
    person = make_person(village=VILLAGE_A, birth=dt.date(1940, 3, 5), name="孙大爷")
    c = Client()
    c.force_login(clerk)
    form = {
        "person": person.pk,
        "death_place": "家中",
        "certificate_number": "J370811202616006",
        "family_name": "孙小二",
        "family_relation": "儿子",
        "family_phone": "13912345678",
    }
    for typed in ("1899-05-01", "1930-05-01"):
        html = c.post(f"/funeral/new/?person={person.pk}", {**form, "death_date": typed}).content.decode()
        assert "死亡日期不能早于出生日期1940年03月05日" in html and "1900年" not in html, typed
        assert 'value="13912345678"' in html
    assert not FuneralCase.objects.exists()
