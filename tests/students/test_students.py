from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.benefits.models import Enrolment, PayrollLine
from minzheng.benefits.services import first_of_month, payroll_generate
from minzheng.policy.selectors import policy_resolve
from minzheng.students import services as svc
from minzheng.students.models import AwardStatus, Student, StudentStatus, TermCheck
from minzheng.students.selectors import todo_to_approve, todo_unchecked, todo_undecided
from tests.students.conftest import enrol as _enrol

pytestmark = pytest.mark.django_db


def test_a_student_of_a_family_without_dibao_or_tekun_is_refused(make_household, staff, this_year):
    hh = make_household(size=2)
    person = hh.memberships.exclude(relation="head").get().person
    with pytest.raises(ValidationError, match="不在低保或特困保障中"):
        _enrol(staff, person, this_year)
    assert not Student.objects.exists()


def test_a_dibao_familys_student_is_enrolled_with_the_family_programme_and_audited(
    dibao_student, staff, this_year
):
    s = _enrol(staff, dibao_student, this_year)
    assert s.family_programme == "dibao" and s.status == StudentStatus.STUDYING
    assert AuditLog.objects.filter(target_type="students.student", target_id=str(s.pk)).exists()
    with pytest.raises(ValidationError, match="已登记"):
        _enrol(staff, dibao_student, this_year)


def test_the_yearly_aid_follows_the_policy_cap_and_is_paid_once_after_a_second_person_approves(
    dibao_student, staff, this_year
):
    s = _enrol(staff, dibao_student, this_year)
    policy = policy_resolve(on=timezone.localdate(), region_code=s.region_code, hukou_type="urban")
    cap, living = int(policy.get("students.tuition_cap")), int(policy.get("students.living_aid"))
    award = svc.award_propose(
        actor=staff["county"], student=s, academic_year=this_year, tuition_fee=cap + 1500
    )
    assert (award.tuition_aid, award.living_aid) == (cap, living)
    with pytest.raises(ValidationError, match="另一人"):
        svc.award_approve(actor=staff["county"], award=award, approve=True)
    assert not Enrolment.objects.filter(programme="students").exists()
    award = svc.award_approve(actor=staff["finance"], award=award, approve=True)
    assert award.status == AwardStatus.APPROVED
    month = first_of_month(timezone.localdate())
    enrolment = Enrolment.objects.get(programme="students")
    assert (enrolment.first_month, enrolment.last_month, enrolment.monthly_amount) == (
        month,
        month,
        cap + living,
    )
    run = payroll_generate(actor=staff["county"], county_code="370811", month=month)
    line = PayrollLine.objects.get(run=run, programme="students")
    assert line.amount == cap + living and line.person_id == dibao_student.pk
    # the next month's roll does not pay the year again
    nxt = payroll_generate(actor=staff["county"], county_code="370811", month=svc_next(month))
    assert not PayrollLine.objects.filter(run=nxt, programme="students").exists()


def svc_next(month: dt.date) -> dt.date:
    from minzheng.benefits.services import add_months

    return add_months(month, 1)


def test_a_year_cannot_be_decided_twice_nor_outside_the_course(dibao_student, staff, this_year):
    s = _enrol(staff, dibao_student, this_year)
    svc.award_propose(actor=staff["county"], student=s, academic_year=this_year, tuition_fee=4000)
    with pytest.raises(ValidationError, match="已有资助决定"):
        svc.award_propose(actor=staff["county2"], student=s, academic_year=this_year, tuition_fee=4000)
    with pytest.raises(ValidationError, match="入学至毕业"):
        svc.award_propose(actor=staff["county"], student=s, academic_year=this_year - 1, tuition_fee=4000)


def test_a_township_clerk_may_not_decide_the_year(dibao_student, staff, this_year):
    s = _enrol(staff, dibao_student, this_year)
    with pytest.raises(ValidationError):
        svc.award_propose(actor=staff["clerk"], student=s, academic_year=this_year, tuition_fee=4000)


def test_a_term_check_that_finds_the_student_left_stops_the_aid_and_is_on_the_file(
    dibao_student, staff, this_year
):
    s = _enrol(staff, dibao_student, this_year)
    pending = svc.award_propose(actor=staff["county"], student=s, academic_year=this_year, tuition_fee=4000)
    svc.term_check_record(actor=staff["clerk"], student=s, finding="left", note="本人退学")
    s.refresh_from_db()
    pending.refresh_from_db()
    assert s.status == StudentStatus.LEFT and "退学" in s.stop_reason
    assert pending.status == AwardStatus.REFUSED
    with pytest.raises(ValidationError, match="已复核"):
        svc.award_approve(actor=staff["finance"], award=pending, approve=True)
    with pytest.raises(ValidationError, match="不能决定"):
        svc.award_propose(actor=staff["county2"], student=s, academic_year=this_year, tuition_fee=1)


def test_the_education_source_check_records_each_students_finding(make_household, staff, this_year):
    from minzheng.accounts.system import system_actor
    from minzheng.benefits.services import enrolment_create

    studying, left = [], []
    for i in range(2):
        hh = make_household(size=2)
        head = hh.memberships.get(relation="head").person
        enrolment_create(
            actor=system_actor(purpose="测试数据"),
            programme="dibao",
            person=head,
            household=hh,
            amount=300,
            first_month=first_of_month(timezone.localdate()),
        )
        (studying if i == 0 else left).append(
            _enrol(staff, hh.memberships.exclude(relation="head").get().person, this_year)
        )
    rows = {studying[0].person.id_number: {"enrolled": True, "level": "university"}}
    counts = svc.terms_check_from_education(actor=staff["clerk"], rows=rows, students=studying + left)
    assert counts["studying"] == 1 and counts["left"] == 1
    assert TermCheck.objects.get(student=studying[0]).source == "education"
    left[0].refresh_from_db()
    assert left[0].status == StudentStatus.LEFT
    with pytest.raises(ValidationError, match="没有教育部门"):
        svc.terms_check_from_education(actor=staff["clerk"], rows=None, students=[])


def test_the_home_todos_count_terms_to_check_years_to_decide_and_to_approve(dibao_student, staff, this_year):
    s = _enrol(staff, dibao_student, this_year)
    today = timezone.localdate()
    assert todo_unchecked(staff["clerk"], today).count == 1
    assert todo_undecided(staff["county"], today).count == 1
    svc.term_check_record(actor=staff["clerk"], student=s, finding="studying")
    svc.award_propose(actor=staff["county"], student=s, academic_year=this_year, tuition_fee=3000)
    assert todo_unchecked(staff["clerk"], today).count == 0
    assert todo_undecided(staff["county"], today).count == 0
    assert todo_to_approve(staff["county"], today).count == 0  # not one's own decision
    assert todo_to_approve(staff["finance"], today).count == 1


def test_the_desk_flow_enrol_decide_approve_through_the_pages(dibao_student, staff, this_year):
    c = Client()
    c.force_login(staff["clerk"])
    r = c.post(
        f"/students/new/?person={dibao_student.pk}",
        {
            "person": dibao_student.pk,
            "school": "济宁学院",
            "major": "数学",
            "entry_year": this_year,
            "graduation_year": "四年后",
            "student_number": "1",
        },
    )
    assert r.status_code == 200 and "预计毕业年份" in r.content.decode()
    assert not Student.objects.exists()
    r = c.post(
        "/students/new/",
        {
            "person": dibao_student.pk,
            "school": "济宁学院",
            "major": "数学",
            "entry_year": this_year,
            "graduation_year": this_year + 4,
            "student_number": "1",
        },
    )
    s = Student.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/students/{s.pk}/"
    c.force_login(staff["county"])
    r = c.post(f"/students/{s.pk}/", {"action": "decide", "academic_year": this_year, "tuition_fee": "-5"})
    assert r.status_code == 200 and not s.awards.exists()
    r = c.post(f"/students/{s.pk}/", {"action": "decide", "academic_year": this_year, "tuition_fee": "4500"})
    award = s.awards.get()
    assert r.status_code == 302
    assert "复核同意并发放" not in c.get(f"/students/awards/{award.pk}/").content.decode()
    c.force_login(staff["finance"])
    assert "复核同意并发放" in c.get(f"/students/awards/{award.pk}/").content.decode()
    r = c.post(f"/students/awards/{award.pk}/", {"approve": "1"})
    award.refresh_from_db()
    assert r.status_code == 302 and award.status == AwardStatus.APPROVED


def test_the_lists_are_scoped_query_bounded_exported_masked_and_refused_to_others(
    dibao_student, staff, this_year, make_user, django_assert_max_num_queries
):
    s = _enrol(staff, dibao_student, this_year)
    svc.award_propose(actor=staff["county"], student=s, academic_year=this_year, tuition_fee=3000)
    c = Client()
    c.force_login(staff["county"])
    with django_assert_max_num_queries(25):
        body = c.get("/students/").content.decode()
    assert dibao_student.name in body
    with django_assert_max_num_queries(25):
        body = c.get(f"/students/awards/?year={this_year}").content.decode()
    assert "曲阜师范大学" in body
    r = c.get("/students/awards/?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert r["Cache-Control"] == "no-store" and 'filename="students-aid-' in r["Content-Disposition"]
    assert AuditLog.objects.filter(event_type="export", target_type="students.award").exists()
    other = make_user("county_officer", "370812")
    c.force_login(other)
    assert dibao_student.name not in c.get("/students/").content.decode()
    assert c.get(f"/students/{s.pk}/").status_code == 404
    c.force_login(make_user("carer", "370811001"))
    assert c.get("/students/").status_code == 403
    api = Client()
    api.force_login(staff["county"])
    assert api.get("/api/v1/students/awards").json()[0]["total"] == 3000 + s.awards.get().living_aid


def test_the_education_check_without_a_snapshot_says_so_and_records_nothing(dibao_student, staff, this_year):
    _enrol(staff, dibao_student, this_year)
    c = Client()
    c.force_login(staff["clerk"])
    r = c.post("/students/check/", follow=True)
    assert "没有教育部门的在校数据" in r.content.decode()
    assert not TermCheck.objects.exists()
    c.force_login(staff["finance"])
    assert c.post("/students/check/").status_code == 403
