from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from minzheng.accounts.models import Role
from minzheng.accounts.scoping import actor_prefix

from .models import AuditLog


def audit_log_list(
    *, actor: Any, event_type: str = "", target: str = "", user: str = ""
) -> QuerySet[AuditLog]:
    """Auditors (and city officers) read the log of their subtree; the system admin may not read it."""
    prefix = actor_prefix(actor)
    if prefix is None or actor.role not in (Role.AUDITOR, Role.CITY_OFFICER, Role.COUNTY_OFFICER):
        return AuditLog.objects.none()
    qs = AuditLog.objects.filter(actor_region__startswith=prefix) | AuditLog.objects.filter(
        region_code__startswith=prefix
    )
    if event_type:
        qs = qs.filter(event_type=event_type)
    if target:
        qs = qs.filter(target_id=target)
    if user:
        qs = qs.filter(actor_name=user)
    return qs.order_by("-seq")
