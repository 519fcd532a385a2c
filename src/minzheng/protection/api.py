"""/api/v1/protection/: the actor's readable cases and one case (unassigned = 404, every read audited)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from minzheng.core.api_schemas import with_errors

from . import selectors, services
from .workflow import PROTECTION

router = Router(tags=["未成年人保护"])


class ProtectionCaseBrief(Schema):
    id: int
    state: str
    reported_on: str
    source: str
    risk_level: str


class MeasureOut(Schema):
    kind: str
    status: str
    detail: str


class ProtectionCaseOut(ProtectionCaseBrief):
    child: str
    summary: str
    reporter_phone: str
    measures: list[MeasureOut]


def _brief(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "state": PROTECTION.state_label(c.state),
        "reported_on": c.reported_on.isoformat(),
        "source": c.get_source_display(),
        "risk_level": c.get_risk_level_display(),
    }


@router.get("/cases", response=with_errors(list[ProtectionCaseBrief]), summary="我可查阅的未成年人保护个案")
def cases(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    return [_brief(c) for c in selectors.case_list(actor=request.user, q=q[:30])[:100]]


@router.get("/cases/{case_id}", response=with_errors(ProtectionCaseOut), summary="未成年人保护个案")
def case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    try:
        c = services.case_view(actor=request.user, case_id=case_id)
    except services.CaseNotFound:
        raise HttpError(404, "个案不存在") from None
    return {
        **_brief(c),
        "child": c.child.name,
        "summary": c.summary,
        "reporter_phone": c.reporter_phone_masked,
        "measures": [
            {"kind": m.get_kind_display(), "status": m.get_status_display(), "detail": m.detail}
            for m in c.measures.order_by("id")
        ],
    }
