from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from minzheng.accounts.scoping import scope

from .models import VerificationReport


def reports_for_application(*, actor: Any, application_id: int) -> QuerySet[VerificationReport]:
    return scope(VerificationReport.objects.filter(application_id=application_id), actor)


def report_get_for_actor(*, actor: Any, report_id: int) -> VerificationReport:
    report = (
        scope(VerificationReport.objects.select_related("application"), actor).filter(pk=report_id).first()
    )
    if report is None:
        raise Http404("未找到该核对报告")
    return report
