"""The facilities API: the registry (read, region-scoped). Thin over the selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from minzheng.accounts.permissions import require
from minzheng.core.api_schemas import with_errors

from .selectors import facilities_for_actor

router = Router(tags=["养老设施"])


class FacilityOut(Schema):
    id: int
    name: str
    kind: str
    kind_name: str
    region_code: str
    beds_total: int
    beds_nursing: int
    residents: int
    status_name: str


@router.get("/", response=with_errors(list[FacilityOut]))
def list_facilities(request: HttpRequest, kind: str = "", status: str = "") -> list[dict[str, Any]]:
    require(request.user, "facilities.read", target="api:facilities")
    qs = facilities_for_actor(actor=request.user, kind=kind, status=status)[:500]
    return [
        {
            "id": f.pk,
            "name": f.name,
            "kind": f.kind,
            "kind_name": f.get_kind_display(),
            "region_code": f.region_code,
            "beds_total": f.beds_total,
            "beds_nursing": f.beds_nursing,
            "residents": f.residents,  # type: ignore[attr-defined]
            "status_name": f.get_status_display(),
        }
        for f in qs
    ]
