"""/api/v1/orgs/: the actor's organisations (scoped like the desk) and the report rate by county."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from minzheng.core.api_schemas import with_errors

from . import selectors

router = Router(tags=["社会组织"])


class OrgOut(Schema):
    id: int
    name: str
    credit_code: str
    kind: str
    status: str
    region_code: str
    registered_on: str


class OrgRateOut(Schema):
    county: str
    name: str
    due: int
    done: int
    rate: str


def _out(o: Any) -> dict[str, Any]:
    return {
        "id": o.pk,
        "name": o.name,
        "credit_code": o.credit_code,
        "kind": o.get_kind_display(),
        "status": o.get_status_display(),
        "region_code": o.region_code,
        "registered_on": str(o.registered_on or ""),
    }


@router.get("/organisations", response=with_errors(list[OrgOut]), summary="我管辖的社会组织")
def organisations(
    request: HttpRequest, q: str = "", kind: str = "", status: str = ""
) -> list[dict[str, Any]]:
    qs = selectors.org_list(actor=request.user, q=q[:30], kind=kind, status=status)
    return [_out(o) for o in qs[:500]]


@router.get("/organisations/{pk}", response=with_errors(OrgOut), summary="社会组织")
def organisation(request: HttpRequest, pk: int) -> dict[str, Any]:
    org = selectors.org_get(actor=request.user, pk=pk)
    if org is None:
        raise HttpError(404, "记录不存在")
    return _out(org)


@router.get("/report-rate", response=with_errors(list[OrgRateOut]), summary="各县年报率")
def report_rate(request: HttpRequest, year: int = 0) -> list[dict[str, Any]]:
    last = timezone.localdate().year - 1
    year = year if 2000 <= year <= last else last
    return [{**r, "rate": str(r["rate"])} for r in selectors.report_rate(actor=request.user, year=year)]
