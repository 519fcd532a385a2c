from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.benefits.models import Enrolment, PayrollLine
from minzheng.benefits.services import payroll_generate
from minzheng.specialfamilies import services
from minzheng.specialfamilies.models import CondolenceRun

from .conftest import certify, enrol, member, this_month


@pytest.fixture
def county(make_user: Any) -> Any:
    return make_user("county_officer", "370811")


@pytest.fixture
def finance(make_user: Any) -> Any:
    return make_user("county_finance", "370811")


def _severe_dibao_member(make_household: Any, clerk: Any) -> Any:
    hh = make_household(size=2)
    enrol("dibao", hh)
    person = member(hh)
    certify(clerk, person, 1)
    return person


def test_the_condolence_list_holds_the_severely_disabled_at_the_policy_figure(
    make_household: Any, clerk: Any, county: Any
) -> None:
    severe = _severe_dibao_member(make_household, clerk)
    mild_hh = make_household(size=2)
    enrol("dibao", mild_hh)
    certify(clerk, member(mild_hh), 4)
    run = services.condolence_prepare(
        actor=county, county_code="370811", festival="spring", year=this_month().year, month=this_month()
    )
    assert [(x.person_id, x.amount, x.categories) for x in run.lines.all()] == [(severe.pk, 300, "1")]


def test_the_one_who_prepared_the_condolence_list_cannot_decide_it(
    make_household: Any, clerk: Any, county: Any
) -> None:
    _severe_dibao_member(make_household, clerk)
    run = services.condolence_prepare(
        actor=county, county_code="370811", festival="spring", year=this_month().year, month=this_month()
    )
    with pytest.raises(ValidationError, match="编制人不能审定"):
        services.condolence_decide(actor=county, run=run)
    assert not Enrolment.objects.filter(programme="sf_festival").exists()


def test_a_decided_condolence_list_is_paid_with_the_months_county_payroll(
    make_household: Any, clerk: Any, county: Any, finance: Any
) -> None:
    severe = _severe_dibao_member(make_household, clerk)
    run = services.condolence_prepare(
        actor=county, county_code="370811", festival="mid_autumn", year=this_month().year, month=this_month()
    )
    services.condolence_decide(actor=finance, run=run)
    run.refresh_from_db()
    assert run.state == "decided" and run.decided_by == finance
    with pytest.raises(ValidationError, match="已审定"):
        services.condolence_prepare(
            actor=county,
            county_code="370811",
            festival="mid_autumn",
            year=this_month().year,
            month=this_month(),
        )
    roll = payroll_generate(actor=county, county_code="370811", month=this_month())
    paid = PayrollLine.objects.filter(run=roll, programme="sf_festival")
    assert [(x.person_id, x.amount) for x in paid] == [(severe.pk, 300)]


def test_student_aid_goes_to_a_student_of_a_special_family_once_a_school_year(
    make_household: Any, make_person: Any, county: Any
) -> None:
    from minzheng.accounts.system import system_actor
    from minzheng.people.services import household_add_member

    hh = make_household(size=1)
    enrol("dibao", hh)
    today = timezone.localdate()
    pupil = make_person(birth=today.replace(year=today.year - 12, day=1), name="小红")
    household_add_member(
        actor=system_actor(purpose="测试数据"), household=hh, person=pupil, relation="child", start_date=today
    )
    e = services.student_aid_grant(actor=county, person=pupil, month=this_month(), school_year=_year())
    assert (e.programme, e.monthly_amount, e.first_month, e.last_month) == (
        "sf_student",
        1250,
        this_month(),
        this_month(),
    )
    with pytest.raises(ValidationError, match="不能重复发放"):
        services.student_aid_grant(actor=county, person=pupil, month=this_month(), school_year=_year())
    with pytest.raises(ValidationError, match="不是特殊困难家庭在校生"):
        services.student_aid_grant(
            actor=county, person=member(hh, "head"), month=this_month(), school_year=_year()
        )


def _year(offset: int = 0) -> str:
    m = this_month()
    first = (m.year if m.month >= 9 else m.year - 1) + offset
    return f"{first}-{first + 1}学年"


def test_the_school_year_must_be_a_year_and_the_same_year_written_twice_differently_is_paid_once(
    make_household: Any, make_person: Any, county: Any
) -> None:
    from minzheng.accounts.system import system_actor
    from minzheng.benefits.models import Enrolment
    from minzheng.people.services import household_add_member

    hh = make_household(size=1)
    enrol("dibao", hh)
    today = timezone.localdate()
    pupil = make_person(birth=today.replace(year=today.year - 12, day=1), name="小红")
    household_add_member(
        actor=system_actor(purpose="测试数据"), household=hh, person=pupil, relation="child", start_date=today
    )
    first = _year()[:4]
    for bad, message in (
        ("abc", "请按四位年份填写学年"),
        (f"{first}-{int(first) + 3}", "两个年份应相连"),
        (str(int(first) + 1), "只能发放本学年"),
        (str(int(first) - 5), "只能发放本学年"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.student_aid_grant(actor=county, person=pupil, month=this_month(), school_year=bad)
    assert not Enrolment.objects.filter(programme="sf_student").exists()
    e = services.student_aid_grant(actor=county, person=pupil, month=this_month(), school_year=first)
    assert e.tier == _year()
    with pytest.raises(ValidationError, match="不能重复发放"):
        services.student_aid_grant(actor=county, person=pupil, month=this_month(), school_year=_year())
    services.student_aid_grant(actor=county, person=pupil, month=this_month(), school_year=_year(-1))
    assert Enrolment.objects.filter(programme="sf_student", person=pupil).count() == 2


def test_the_same_hospital_stay_is_paid_once_and_another_stay_is_paid(
    client: Any, make_household: Any, clerk: Any, county: Any
) -> None:
    from minzheng.benefits.models import Enrolment

    severe = _severe_dibao_member(make_household, clerk)
    services.medical_aid_grant(
        actor=county, person=severe, month=this_month(), out_of_pocket=Decimal("8000"), note="市一院 JS001"
    )
    client.force_login(county)
    form = {"kind": "medical", "out_of_pocket": "8000", "note": " 市一院  JS001 "}
    r = client.post(f"/specialfamilies/person/{severe.pk}/grant/", form)  # the double submit
    assert r.status_code == 302
    assert Enrolment.objects.filter(programme="sf_medical", person=severe).count() == 1
    with pytest.raises(ValidationError, match="不能重复发放"):
        services.medical_aid_grant(
            actor=county,
            person=severe,
            month=this_month(),
            out_of_pocket=Decimal("8000"),
            note="市一院 JS001",
        )
    services.medical_aid_grant(
        actor=county, person=severe, month=this_month(), out_of_pocket=Decimal("500"), note="市一院 JS002"
    )
    assert Enrolment.objects.filter(programme="sf_medical", person=severe).count() == 2


def test_medical_aid_pays_the_compliant_out_of_pocket_share_and_refuses_outsiders(
    make_household: Any, clerk: Any, county: Any
) -> None:
    severe = _severe_dibao_member(make_household, clerk)
    e = services.medical_aid_grant(
        actor=county, person=severe, month=this_month(), out_of_pocket=Decimal("2345.50"), note="市一院"
    )
    assert e.monthly_amount == 2346
    outsider = member(make_household(size=2))
    with pytest.raises(ValidationError, match="不属于特殊困难家庭人员"):
        services.medical_aid_grant(
            actor=county, person=outsider, month=this_month(), out_of_pocket=Decimal("100"), note="市一院"
        )


def test_the_condolence_pages_prepare_and_decide_by_two_officers(
    client: Any, make_household: Any, clerk: Any, county: Any, finance: Any
) -> None:
    severe = _severe_dibao_member(make_household, clerk)
    client.force_login(county)
    month = this_month()
    r = client.post(
        "/specialfamilies/condolence/",
        {"county": "370811", "festival": "spring", "year": month.year, "month": f"{month:%Y-%m}"},
    )
    run = CondolenceRun.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/specialfamilies/condolence/{run.pk}/"
    page = client.get(f"/specialfamilies/condolence/{run.pk}/").content.decode()
    assert severe.name in page and "condolence-decide" not in page
    client.force_login(finance)
    page = client.get(f"/specialfamilies/condolence/{run.pk}/").content.decode()
    assert "condolence-decide" in page
    client.post(f"/specialfamilies/condolence/{run.pk}/", {"action": "decide"})
    assert Enrolment.objects.filter(programme="sf_festival", person=severe).count() == 1


def test_a_bad_condolence_form_answers_in_chinese_and_writes_nothing(client: Any, county: Any) -> None:
    client.force_login(county)
    r = client.post("/specialfamilies/condolence/", {"county": "370811", "festival": "spring", "year": "abc"})
    assert r.status_code == 200 and "年度应为整数" in r.content.decode()
    assert not CondolenceRun.objects.exists()


def test_the_family_list_page_and_its_excel_export(
    client: Any, make_household: Any, clerk: Any, county: Any
) -> None:
    severe = _severe_dibao_member(make_household, clerk)
    client.force_login(county)
    page = client.get("/specialfamilies/?category=1").content.decode()
    assert severe.name in page and "低保家庭失能人员" in page and severe.id_number not in page
    r = client.post("/specialfamilies/export/", {"category": "1"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert r["Cache-Control"] == "no-store" and 'filename="special-families-' in r["Content-Disposition"]


def test_the_person_page_shows_the_categories_and_the_entitlements(
    client: Any, make_household: Any, clerk: Any, county: Any
) -> None:
    severe = _severe_dibao_member(make_household, clerk)
    services.medical_aid_grant(
        actor=county, person=severe, month=this_month(), out_of_pocket=Decimal("800"), note="市一院"
    )
    client.force_login(county)
    page = client.get(f"/people/{severe.pk}/").content.decode()
    assert "sf-panel" in page and "低保家庭失能人员" in page and "节日慰问金" in page
    assert "特殊困难家庭住院医疗费用救助" in page


def test_a_village_assistant_cannot_prepare_a_condolence_list(client: Any, make_user: Any) -> None:
    client.force_login(make_user("village_assistant", "370811001001"))
    r = client.post(
        "/specialfamilies/condolence/",
        {"county": "370811", "festival": "spring", "year": "2026", "month": "2026-01"},
    )
    assert r.status_code == 403
    assert not CondolenceRun.objects.exists()


def test_a_person_who_dies_after_the_condolence_list_is_prepared_leaves_the_pending_list(
    client: Any, make_household: Any, clerk: Any, county: Any, finance: Any
) -> None:
    from minzheng.accounts.system import system_actor
    from minzheng.people.services import person_record_death
    from minzheng.specialfamilies import selectors

    living = _severe_dibao_member(make_household, clerk)
    dead = _severe_dibao_member(make_household, clerk)
    run = services.condolence_prepare(
        actor=county, county_code="370811", festival="spring", year=this_month().year, month=this_month()
    )
    assert run.lines.count() == 2
    person_record_death(actor=system_actor(purpose="测试数据"), person=dead, death_date=this_month())
    assert [x.person_id for x in selectors.condolence_lines(run=run)] == [living.pk]
    assert selectors.condolence_runs(actor=county).get(pk=run.pk).n == 1
    client.force_login(finance)
    page = client.get(f"/specialfamilies/condolence/{run.pk}/").content.decode()
    assert dead.id_masked not in page and living.id_masked in page
    services.condolence_decide(actor=finance, run=run)
    assert list(Enrolment.objects.filter(programme="sf_festival").values_list("person_id", flat=True)) == [
        living.pk
    ]
    assert [x.person_id for x in run.lines.all()] == [living.pk]
