"""/api/v1/students/: the yearly aid list, scoped like the desk (read-only: decisions are the desk's)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from minzheng.core.api_schemas import with_errors

from . import selectors
from .services import year_label

router = Router(tags=["大学生全程资助"])


class AwardOut(Schema):
    id: int
    student: str
    school: str
    academic_year: int
    year_label: str
    tuition_aid: int
    living_aid: int
    total: int
    status: str
    status_label: str
    region_code: str


@router.get("/awards", response=with_errors(list[AwardOut]), summary="大学生学年资助")
def awards(request: HttpRequest, year: int = 0, status: str = "") -> list[dict[str, Any]]:
    qs = selectors.awards(actor=request.user, year=year if 1990 <= year <= 2100 else None, status=status[:16])
    return [
        {
            "id": a.pk,
            "student": a.student.person.name,
            "school": a.student.school,
            "academic_year": a.academic_year,
            "year_label": year_label(a.academic_year),
            "tuition_aid": a.tuition_aid,
            "living_aid": a.living_aid,
            "total": a.total,
            "status": a.status,
            "status_label": a.get_status_display(),
            "region_code": a.region_code,
        }
        for a in qs[:1000]
    ]
