"""/api/v1/charity/: the actor's projects and funds with their totals, one project, and the lottery
fund's yearly report (scoped under charity.manage; out of scope = 404 like missing)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from minzheng.accounts.permissions import Denied, require
from minzheng.core.api_schemas import with_errors

from . import selectors

router = Router(tags=["慈善"])


class ProjectOut(Schema):
    id: int
    name: str
    kind: str
    org: str
    filing_number: str
    money_in: str
    money_out: str
    balance: str
    beneficiaries: int


class UseOut(Schema):
    use: str
    allocated: str
    projects: int
    funded: str
    accepted: str


class PlanOut(Schema):
    year: int
    region: str
    total: str
    elderly_share_pct: str
    floor_pct: str
    meets: bool
    uses: list[UseOut]


def _allowed(request: HttpRequest) -> None:
    try:
        require(request.user, "charity.manage", target="charity:api")
    except Denied as e:
        raise HttpError(403, e.messages[0]) from None


def _yuan(value: Any) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def _project(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "kind": p.get_kind_display(),
        "org": p.org.name,
        "filing_number": p.filing_number,
        "money_in": _yuan(p.money_in),
        "money_out": _yuan(p.money_out),
        "balance": _yuan(p.balance),
        "beneficiaries": p.beneficiaries,
    }


@router.get("/projects", response=with_errors(list[ProjectOut]), summary="募捐项目与慈善基金")
def projects(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    _allowed(request)
    return [_project(p) for p in selectors.project_list(actor=request.user, q=q[:30])[:200]]


@router.get("/projects/{pk}", response=with_errors(ProjectOut), summary="一个项目的收支")
def project(request: HttpRequest, pk: int) -> dict[str, Any]:
    _allowed(request)
    try:
        return _project(selectors.project_get(actor=request.user, pk=pk))
    except Http404:
        raise HttpError(404, "项目不存在") from None


@router.get("/lottery/{year}", response=with_errors(list[PlanOut]), summary="福彩公益金年度使用情况")
def lottery(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    _allowed(request)
    if not 2000 <= year <= 2100:
        raise HttpError(400, "年度无效")
    return [
        {
            "year": r["plan"].year,
            "region": r["region"],
            "total": _yuan(r["total"]),
            "elderly_share_pct": str(r["share_pct"]),
            "floor_pct": str(r["floor_pct"]),
            "meets": r["meets"],
            "uses": [
                {
                    "use": u["label"],
                    "allocated": _yuan(u["allocated"]),
                    "projects": u["projects"],
                    "funded": _yuan(u["funded"]),
                    "accepted": _yuan(u["accepted"]),
                }
                for u in r["rows"]
            ],
        }
        for r in selectors.lottery_report(actor=request.user, year=year)
    ]
