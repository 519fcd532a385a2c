"""Reads of 大学生全程资助, region-scoped under `students.read`: out of scope reads as missing (404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from minzheng.accounts.permissions import can, scoped
from minzheng.core.todos import Item, Todo
from minzheng.people.models import Person

from .models import AwardStatus, Student, StudentStatus, TermCheck, TermImport, YearAward
from .services import academic_term, year_label

READ = "students.read"
FIRST = 5


def students(*, actor: Any, region_code: str = "", status: str = "", q: str = "") -> QuerySet[Student]:
    qs = scoped(READ, Student.objects.select_related("person"), actor)
    if region_code:
        qs = qs.filter(region_code__startswith=region_code)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(person__name__contains=q)
    return qs


def student_get(*, actor: Any, student_id: int) -> Student:
    found = students(actor=actor).select_related("household").filter(pk=student_id).first()
    if found is None:
        raise Http404("未找到该学生")
    return found


def awards(
    *, actor: Any, year: int | None = None, region_code: str = "", status: str = ""
) -> QuerySet[YearAward]:
    qs = scoped(
        READ, YearAward.objects.select_related("student__person", "proposed_by", "approved_by"), actor
    )
    if year:
        qs = qs.filter(academic_year=year)
    if region_code:
        qs = qs.filter(region_code__startswith=region_code)
    if status:
        qs = qs.filter(status=status)
    return qs


def award_get(*, actor: Any, award_id: int) -> YearAward:
    found = awards(actor=actor).filter(pk=award_id).first()
    if found is None:
        raise Http404("未找到该学年资助")
    return found


def unchecked(*, actor: Any, on: dt.date) -> QuerySet[Student]:
    """Students still studying without a check of the current term."""
    year, term = academic_term(on)
    done = TermCheck.objects.filter(student=OuterRef("pk"), academic_year=year, term=term)
    return students(actor=actor, status=StudentStatus.STUDYING).filter(~Exists(done)).order_by("pk")


def undecided(*, actor: Any, on: dt.date) -> QuerySet[Student]:
    """Students studying in the current academic year with no decision for it yet (a refused one counts as
    decided)."""
    year = academic_term(on)[0]
    decided = YearAward.objects.filter(student=OuterRef("pk"), academic_year=year)
    return (
        students(actor=actor, status=StudentStatus.STUDYING)
        .filter(entry_year__lte=year, graduation_year__gt=year)
        .filter(~Exists(decided))
        .order_by("pk")
    )


def to_approve(*, actor: Any) -> QuerySet[YearAward]:
    return awards(actor=actor, status=AwardStatus.PROPOSED).exclude(proposed_by=actor).order_by("pk")


def student_actions(*, actor: Any, student: Student, on: dt.date) -> dict[str, Any]:
    """What the page offers this actor now (the template shows exactly these)."""
    studying = student.status == StudentStatus.STUDYING
    year, term = academic_term(on)
    checked = student.checks.filter(academic_year=year, term=term).exists()
    decided = student.awards.filter(academic_year=year).exclude(status=AwardStatus.REFUSED).exists()
    in_course = student.entry_year <= year < student.graduation_year
    return {
        "check": studying and not checked and can(actor, "students.check", region_code=student.region_code),
        "decide": studying
        and in_course
        and not decided
        and can(actor, "students.decide", region_code=student.region_code),
        "year": year,
        "year_label": year_label(year),
        "term_label": _("秋季学期") if term == 1 else _("春季学期"),
    }


def award_actions(*, actor: Any, award: YearAward) -> bool:
    return (
        award.status == AwardStatus.PROPOSED
        and award.proposed_by_id != actor.pk
        and can(actor, "students.approve", region_code=award.region_code)
    )


def person_panel(*, actor: Any, person: Person) -> dict[str, Any]:
    found = students(actor=actor).filter(person=person).first()
    if found is None:
        can_enrol = can(actor, "students.enrol", region_code=person.region_code)
        return {"student": None, "can_enrol": can_enrol, "person_id": person.pk}
    return {
        "student": found,
        "awards": list(found.awards.all()[:6]),
        "checks": list(found.checks.all()[:4]),
    }


def _todo(key: str, title: str, qs: QuerySet[Student], url: str, empty: str) -> Todo:
    first = list(qs[:FIRST])
    n = len(first) if len(first) < FIRST else qs.count()
    items = [
        Item(label=s.person.name, url=reverse("students-student", args=[s.pk]), note=s.school) for s in first
    ]
    return Todo(key, title, n, url, items, empty)


def todo_unchecked(actor: Any, on: dt.date) -> Todo:
    return _todo(
        "students_unchecked",
        _("大学生本学期学籍未核查"),
        unchecked(actor=actor, on=on),
        reverse("students-list") + "?todo=unchecked",
        _("本学期均已核查"),
    )


def todo_undecided(actor: Any, on: dt.date) -> Todo:
    return _todo(
        "students_undecided",
        _("大学生本学年资助待决定"),
        undecided(actor=actor, on=on),
        reverse("students-list") + "?todo=undecided",
        _("本学年均已决定"),
    )


def todo_to_approve(actor: Any, on: dt.date) -> Todo:
    qs = to_approve(actor=actor)
    first = list(qs[:FIRST])
    n = len(first) if len(first) < FIRST else qs.count()
    items = [
        Item(
            label=a.student.person.name,
            url=reverse("students-award", args=[a.pk]),
            note=year_label(a.academic_year),
        )
        for a in first
    ]
    return Todo(
        "students_approve", _("大学生学年资助待复核"), n, reverse("students-awards"), items, _("无待复核")
    )


def term_imports(*, actor: Any) -> QuerySet[TermImport]:
    return scoped(READ, TermImport.objects.select_related("imported_by"), actor)


def term_import_get(*, actor: Any, import_id: int) -> TermImport:
    found = term_imports(actor=actor).filter(pk=import_id).first()
    if found is None:
        raise Http404("未找到该导入记录")
    return found
