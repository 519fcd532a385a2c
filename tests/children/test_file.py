"""一人一档: the village child director opens and keeps the file of a child in difficulty or a rural
left-behind child (guardian, school, health, 1+1+2+N), scores the guardianship checklist against the
policy thresholds (history kept), records visits; the file is region-scoped and every read audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.permissions import Denied
from minzheng.audit.models import AuditLog
from minzheng.children import services as svc
from minzheng.children.models import ChildFile, GuardianshipAssessment
from minzheng.children.rules import GUARDIANSHIP_ITEMS
from minzheng.children.selectors import follow_ups_due
from minzheng.policy.selectors import policy_resolve
from tests.conftest import VILLAGE_A, VILLAGE_B

ALL = {code: True for code, _, _ in GUARDIANSHIP_ITEMS}


@pytest.fixture
def director(make_user):
    return make_user("child_director", VILLAGE_A)


@pytest.fixture
def kid(make_person):
    today = timezone.localdate()
    return make_person(birth=today.replace(year=today.year - 9), name="王小花", hukou_type="rural")


@pytest.fixture
def file(director, kid):
    return svc.child_file_open(actor=director, person=kid, left_behind=True, in_difficulty=False)


def _points(*codes: str) -> int:
    return sum(p for c, _, p in GUARDIANSHIP_ITEMS if c in codes)


def test_the_checklist_is_worth_a_hundred_points():
    assert sum(p for _, _, p in GUARDIANSHIP_ITEMS) == 100


def test_the_guardianship_result_follows_the_policy_thresholds(director, file):
    today = timezone.localdate()
    ps = policy_resolve(on=today, region_code=VILLAGE_A, hukou_type="rural")
    full_min = int(ps.get("child.guardianship_full_min"))
    partial_min = int(ps.get("child.guardianship_partial_min"))
    follow = today + dt.timedelta(days=90)
    a = svc.guardianship_assess(
        actor=director, file=file, answers=ALL, assessed_on=today, follow_up_on=follow
    )
    assert (a.score, a.result) == (100, "full")
    # Drop items until the score falls below each threshold: the result follows the policy, not a constant.
    answers = dict(ALL)
    for code, _, _ in GUARDIANSHIP_ITEMS:
        answers[code] = False
        score = sum(p for c, _, p in GUARDIANSHIP_ITEMS if answers[c])
        if score < partial_min:
            break
    b = svc.guardianship_assess(
        actor=director,
        file=file,
        answers=answers,
        assessed_on=today,
        follow_up_on=follow,
        note="监护人外出务工",
    )
    assert b.score < partial_min and b.result == "none"
    assert full_min > partial_min
    # History kept: both assessments are on the file, the latest first.
    assert list(file.assessments.values_list("result", flat=True)) == ["none", "full"]


def test_a_weak_result_needs_a_note_and_a_follow_up_within_a_year(director, file):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="评估意见"):
        svc.guardianship_assess(
            actor=director,
            file=file,
            answers={},
            assessed_on=today,
            follow_up_on=today + dt.timedelta(days=30),
        )
    with pytest.raises(ValidationError, match="复评日期"):
        svc.guardianship_assess(actor=director, file=file, answers=ALL, assessed_on=today, follow_up_on=today)
    with pytest.raises(ValidationError, match="项目无效"):
        svc.guardianship_assess(
            actor=director,
            file=file,
            answers={"bogus": True},
            assessed_on=today,
            follow_up_on=today.replace(year=today.year + 1) - dt.timedelta(days=1),
        )
    assert not GuardianshipAssessment.objects.exists()


def test_a_left_behind_child_must_be_rural_and_a_file_is_opened_once(director, make_person, kid, file):
    urban = make_person(birth=kid.birth_date, name="城镇儿童", hukou_type="urban")
    with pytest.raises(ValidationError, match="农业户口"):
        svc.child_file_open(actor=director, person=urban, left_behind=True, in_difficulty=False)
    with pytest.raises(ValidationError, match="已建档"):
        svc.child_file_open(actor=director, person=kid, left_behind=False, in_difficulty=True)


def test_a_director_elsewhere_cannot_open_or_read_the_file(make_user, kid, file):
    other = make_user("child_director", VILLAGE_B)
    with pytest.raises(Denied):
        svc.child_file_update(actor=other, file=file, values={"school_name": "某校"})
    c = Client()
    c.force_login(other)
    assert c.get(reverse("children-file", args=[kid.pk])).status_code == 404


def test_health_is_shown_only_on_an_audited_reveal_and_never_written_to_the_audit(director, kid, file):
    svc.child_file_update(actor=director, file=file, values={"health_conditions": "先天性心脏病"})
    assert not AuditLog.objects.filter(new__icontains="先天性心脏病").exists()
    c = Client()
    c.force_login(director)
    page = c.get(reverse("children-file", args=[kid.pk])).content.decode()
    assert "先天性心脏病" not in page and "查看健康状况" in page
    before = AuditLog.objects.filter(detail="查阅儿童健康状况").count()
    page = c.get(reverse("children-file", args=[kid.pk]) + "?health=1").content.decode()
    assert "先天性心脏病" in page
    assert AuditLog.objects.filter(detail="查阅儿童健康状况").count() == before + 1


def test_the_director_keeps_the_file_on_its_pages_and_bad_input_changes_nothing(
    director, kid, file, make_person
):
    guardian = make_person(name="王奶奶", birth=dt.date(1955, 3, 3), hukou_type="rural")
    c = Client()
    c.force_login(director)
    r = c.post(
        reverse("children-file-edit", args=[kid.pk]),
        {
            "left_behind": "1",
            "guardian_id_number": guardian.id_number,
            "guardian_relation": "grandparent",
            "school_name": "唐口街道中心小学",
            "school_grade": "三年级",
            "school_status": "enrolled",
            "social_worker": "李社工",
            "youth_volunteer": "张志愿",
        },
    )
    assert r.status_code == 302
    file.refresh_from_db()
    assert file.guardian == guardian and file.guardian_name == "王奶奶" and file.school_status == "enrolled"
    r = c.post(reverse("children-file-edit", args=[kid.pk]), {"left_behind": "1", "school_status": "走读"})
    assert r.status_code == 400 and "就学状态无效" in r.content.decode()
    r = c.post(
        reverse("children-file-assess", args=[kid.pk]),
        {"assessed_on": "9999-01-01", "follow_up_on": "2027-01-01", **{k: "1" for k in ALL}},
    )
    assert r.status_code == 400 and "评估日期" in r.content.decode()
    assert not GuardianshipAssessment.objects.exists()
    today = timezone.localdate()
    r = c.post(
        reverse("children-file-visit", args=[kid.pk]),
        {"visited_on": today.isoformat(), "kind": "home", "note": "入户看望，生活正常"},
    )
    assert r.status_code == 302
    page = c.get(reverse("children-file", args=[kid.pk])).content.decode()
    assert (
        "唐口街道中心小学" in page and "祖父母/外祖父母" in page and "入户看望" in page and "李社工" in page
    )
    assert guardian.id_number not in page and kid.id_number not in page
    printed = c.get(reverse("children-file-print", args=[kid.pk])).content.decode()
    assert "<nav" not in printed and "唐口街道中心小学" in printed


def test_a_due_follow_up_is_the_directors_to_do(director, file):
    today = timezone.localdate()
    svc.guardianship_assess(
        actor=director,
        file=file,
        answers=ALL,
        assessed_on=today - dt.timedelta(days=40),
        follow_up_on=today - dt.timedelta(days=1),
    )
    assert list(follow_ups_due(actor=director, on=today)) == [file]
    assert not follow_ups_due(actor=director, on=today - dt.timedelta(days=2)).exists()


def test_the_file_list_takes_a_fixed_number_of_queries(director, make_person, django_assert_max_num_queries):
    today = timezone.localdate()
    for i in range(6):
        p = make_person(birth=today.replace(year=today.year - 8), name=f"儿童{i}", hukou_type="rural")
        svc.child_file_open(actor=director, person=p, left_behind=True, in_difficulty=False)
    c = Client()
    c.force_login(director)
    c.get(reverse("children-files"))
    with django_assert_max_num_queries(14):
        r = c.get(reverse("children-files"))
    assert r.status_code == 200 and r.content.decode().count("儿童") >= 6
    assert ChildFile.objects.count() == 6
