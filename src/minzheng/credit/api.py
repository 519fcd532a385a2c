"""/api/v1/credit/: the village ranking and the customs statistics, scoped like the desk."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from minzheng.core.api_schemas import with_errors

from . import selectors

router = Router(tags=["信用积分"])


class RankOut(Schema):
    household: str
    head: str
    region_code: str
    earned: int
    balance: int


class StatOut(Schema):
    town: str
    name: str
    events: int
    over: int
    over_share: int
    simplified: int


@router.get("/ranking", response=with_errors(list[RankOut]), summary="信用积分排行")
def ranking(request: HttpRequest, village: str = "") -> list[dict[str, Any]]:
    qs = selectors.ranking(actor=request.user, village=village[:15])
    return [
        {
            "household": a.household.number,
            "head": getattr(a, "head_name", "") or "",
            "region_code": a.region_code,
            "earned": a.earned,
            "balance": a.balance,
        }
        for a in qs[:500]
    ]


@router.get("/customs-stats", response=with_errors(list[StatOut]), summary="各乡镇红白事报备统计")
def customs_stats(request: HttpRequest, year: int = 0) -> list[dict[str, Any]]:
    year = year if 2000 <= year <= 2100 else timezone.localdate().year
    return selectors.customs_stats(actor=request.user, year=year)
