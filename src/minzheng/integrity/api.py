"""/api/v1/integrity/: the false-declaration findings, scoped like the desk (read-only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from minzheng.core.api_schemas import with_errors

from . import selectors

router = Router(tags=["诚信救助"])


class FindingOut(Schema):
    id: int
    application_id: int
    person: str
    item: str
    item_label: str
    declared: float
    verified: float
    found_on: str
    wait_until: str
    status: str
    status_label: str
    recovery_amount: int | None
    region_code: str


@router.get("/findings", response=with_errors(list[FindingOut]), summary="虚报认定")
def findings(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    qs = selectors.findings(actor=request.user, status=status[:16])
    out = []
    for f in qs[:1000]:
        recovery = getattr(f, "recovery", None)
        out.append(
            {
                "id": f.pk,
                "application_id": f.application_id,
                "person": f.person.name,
                "item": f.item,
                "item_label": f.get_item_display(),
                "declared": float(f.declared),
                "verified": float(f.verified),
                "found_on": f.found_on.isoformat(),
                "wait_until": f.wait_until.isoformat() if f.wait_until else "",
                "status": f.status,
                "status_label": f.get_status_display(),
                "recovery_amount": recovery.amount if recovery else None,
                "region_code": f.region_code,
            }
        )
    return out
