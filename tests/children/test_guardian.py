"""The guardian is kept in one record: the child's file. The decision letter, the case page and the file
read the same name, from intake (the declared guardian) through the file's later edits."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from minzheng.children import services as svc
from minzheng.children.models import ChildFile
from tests.children.conftest import parent
from tests.conftest import TOWN_A, VILLAGE_A

ON = dt.date(2025, 7, 10)


def _decided(make_user, child, guardian="王秀兰"):
    clerk = make_user("township_clerk", TOWN_A)
    case = svc.category_case_intake(
        actor=clerk,
        child=child,
        father=parent("imprisoned"),
        mother=parent("lost_contact"),
        guardian_name=guardian,
    )
    svc.category_case_verify(actor=clerk, case=case)
    svc.category_case_decide(actor=make_user("township_approver", TOWN_A), case=case, on=ON)
    return case


def _pages(user, case):
    c = Client()
    c.force_login(user)
    letter = c.get(reverse("children-case-letter", args=[case.pk])).content.decode()
    page = c.get(reverse("children-case", args=[case.pk])).content.decode()
    return letter, page


def test_the_letter_the_case_and_the_file_name_the_same_guardian_after_the_file_changes(make_user, child):
    case = _decided(make_user, child)
    director = make_user("child_director", VILLAGE_A)
    file = svc.child_file_open(actor=director, person=child, left_behind=False, in_difficulty=True)
    assert file.guardian_name == "王秀兰"  # the file starts from the guardian declared at intake
    svc.child_file_update(actor=director, file=file, values={"guardian_name": "李建国"})
    officer = make_user("child_welfare_officer", VILLAGE_A[:6])
    letter, page = _pages(officer, case)
    assert "监护人/抚养人：李建国" in letter and "王秀兰" not in letter
    assert '<span id="case-guardian">李建国</span>' in page
    c = Client()
    c.force_login(director)
    assert "监护人：李建国" in c.get(reverse("children-file", args=[child.pk])).content.decode()


def test_a_guardian_declared_at_a_later_intake_updates_the_file_and_is_audited(make_user, child):
    from minzheng.audit.models import AuditLog

    director = make_user("child_director", VILLAGE_A)
    file = svc.child_file_open(actor=director, person=child, left_behind=True, in_difficulty=False)
    svc.child_file_update(actor=director, file=file, values={"guardian_name": "张桂芝"})
    case = _decided(make_user, child, guardian="赵铁柱")
    assert ChildFile.objects.get(pk=file.pk).guardian_name == "赵铁柱"
    assert AuditLog.objects.filter(target_type="children.child_file", detail__contains="监护人").exists()
    letter, page = _pages(make_user("child_welfare_officer", VILLAGE_A[:6]), case)
    assert "赵铁柱" in letter and "张桂芝" not in letter and "赵铁柱" in page
