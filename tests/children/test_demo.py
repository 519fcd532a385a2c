"""The children demo seeds decided and waiting category cases and part of the month's checks through
the line's services, once."""

from __future__ import annotations

import datetime as dt

from minzheng.benefits.models import Enrolment
from minzheng.children.models import CategoryCase, MonthlyCheck
from minzheng.demo.lines.children import seed
from tests.conftest import TOWN_A, VILLAGE_A


def test_the_demo_decides_children_and_leaves_two_waiting(make_user, make_person):
    make_user("township_clerk", TOWN_A, username="xiangzhen")
    make_user("township_approver", TOWN_A, username="shenpi")
    make_user("child_director", VILLAGE_A, username="ertongzhuren")
    for i in range(8):
        make_person(birth=dt.date(2014, 3, 1 + i), name=f"演示儿童{i}", hukou_type="rural")
    make_person(birth=dt.date(1985, 3, 1), name="演示父亲", sex="M")
    out = seed(actor=None, seed=7)
    assert "6件类别认定已决定" in out and "重新认定1件在办、1件待发起" in out
    # the two waiting and a re-decision (a mother's disability certificate revoked)
    assert CategoryCase.objects.filter(state__in=["submitted", "verified"]).count() == 3
    assert CategoryCase.objects.filter(previous__isnull=False).count() == 1
    assert Enrolment.objects.filter(programme="child").count() == 6  # the guardianship-lacking child too
    assert MonthlyCheck.objects.exists()
    assert "已存在" in seed(actor=None, seed=7)


def test_the_demo_opens_files_appoints_the_workforce_and_a_childrens_home(make_user, make_person):
    from minzheng.children.models import ChildFile, ChildrenHome, ChildWorker, GuardianshipAssessment

    make_user("township_clerk", TOWN_A, username="xiangzhen")
    make_user("township_approver", TOWN_A, username="shenpi")
    make_user("child_director", VILLAGE_A, username="ertongzhuren")
    make_user("child_welfare_officer", TOWN_A[:6], username="ertong")
    make_user("child_supervisor", TOWN_A, username="dudao")
    for i in range(8):
        make_person(birth=dt.date(2014, 3, 1 + i), name=f"演示儿童{i}", hukou_type="rural")
    out = seed(actor=None, seed=7)
    assert "份儿童档案" in out
    decided = Enrolment.objects.filter(programme="child").values_list("person_id", flat=True)
    assert set(decided) <= set(
        ChildFile.objects.filter(in_difficulty=True).values_list("person_id", flat=True)
    )
    assert ChildFile.objects.filter(left_behind=True).exists()
    assert GuardianshipAssessment.objects.count() == ChildFile.objects.count()
    assert sorted(ChildWorker.objects.values_list("position", flat=True)) == ["director", "supervisor"]
    assert ChildrenHome.objects.get().activities.count() == 3


def test_the_demo_names_each_decided_childs_guardian_alike_on_the_case_and_the_file(make_user, make_person):
    from minzheng.children.models import ChildFile
    from minzheng.children.selectors import guardian_name

    make_user("township_clerk", TOWN_A, username="xiangzhen")
    make_user("township_approver", TOWN_A, username="shenpi")
    make_user("child_director", VILLAGE_A, username="ertongzhuren")
    make_user("child_welfare_officer", TOWN_A[:6], username="ertong")
    for i in range(8):
        make_person(birth=dt.date(2014, 3, 1 + i), name=f"演示儿童{i}", hukou_type="rural")
    seed(actor=None, seed=7)
    files = {f.person_id: f.guardian_name for f in ChildFile.objects.all()}
    decided = CategoryCase.objects.filter(decision__approved=True, child_id__in=files)
    assert decided.exists()
    for case in decided:
        assert guardian_name(case) == case.guardian_name == files[case.child_id] != ""


def test_the_demo_decides_a_guardianship_lacking_child_so_the_payroll_draws_on_the_charity_fund(
    make_user, make_person
):
    """The walk: the rolls froze without a draw, the demo's only guardianship-lacking child was waiting."""
    make_user("township_clerk", TOWN_A, username="xiangzhen")
    make_user("township_approver", TOWN_A, username="shenpi")
    make_user("child_director", VILLAGE_A, username="ertongzhuren")
    for i in range(8):
        make_person(birth=dt.date(2014, 3, 1 + i), name=f"演示儿童{i}", hukou_type="rural")
    seed(actor=None, seed=7)
    assert Enrolment.objects.filter(programme="child", tier="guardianship_lacking", last_month=None).exists()


def test_the_demo_files_put_a_toddler_at_no_school_and_a_ten_year_old_in_primary_school(
    make_user, make_person
):
    """The walk: demo children of one or two years were at primary school."""
    from django.utils import timezone

    from minzheng.children.models import ChildFile

    make_user("township_clerk", TOWN_A, username="xiangzhen")
    make_user("township_approver", TOWN_A, username="shenpi")
    make_user("child_director", VILLAGE_A, username="ertongzhuren")
    make_user("child_welfare_officer", TOWN_A[:6], username="ertong")
    today = timezone.localdate()
    toddler = make_person(
        birth=today.replace(year=today.year - 2, day=1), name="两岁幼儿", hukou_type="rural"
    )
    pupil = make_person(birth=dt.date(today.year - 10, 3, 1), name="十岁学生", hukou_type="rural")
    for i in range(6):
        make_person(birth=dt.date(2014, 3, 1 + i), name=f"演示儿童{i}", hukou_type="rural")
    seed(actor=None, seed=7)
    files = {f.person_id: f for f in ChildFile.objects.filter(person__in=[toddler, pupil])}
    assert files[toddler.pk].school_status == "preschool" and files[toddler.pk].school_name == ""
    assert files[pupil.pk].school_name == "中心小学" and files[pupil.pk].school_status == "enrolled"
    expected = 4 if today.month >= 9 else 3  # born in March ten years ago: started school at six
    assert files[pupil.pk].school_grade == f"{'一二三四五六'[expected]}年级"
