"""/api/v1/children/: the child allowance's trial calculation (assess.md, `programme` may be omitted), and
the line's lists (files, this month's checks, workforce, 儿童之家, re-decisions) under the same permission
and scope as their pages: names and masked IDs, never codes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Body, Query, Router, Schema

from minzheng.accounts.permissions import require
from minzheng.assistance.api import AssessOut
from minzheng.core.api_schemas import with_errors

from . import selectors as sel
from .rules import CODE, trial

router = Router(tags=["儿童保障"])


class ChildAssessOut(AssessOut):
    child_category: str | None = None  # assess-lines.md `child`: the category decided (None: none)


@router.post("/assess", response=with_errors(ChildAssessOut), summary="儿童保障试算")
def assess_endpoint(request: HttpRequest, payload: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    return trial({**payload, "programme": CODE})


class ListOut(Schema):
    count: int
    items: list[dict[str, Any]]


# Bounded in the schema: an offset past any list (2**63) is a 422, never a database error.
OFFSET = Query(0, ge=0, le=10_000_000)
LIMIT = Query(100, ge=1, le=10_000)  # more than 100 is served as 100


def _list(request: HttpRequest, which: str, offset: int, limit: int) -> dict[str, Any]:
    spec = sel.child_list(which)
    require(request.user, spec.permission, target=f"children:api:{which}")
    count, items = spec.rows(
        actor=request.user, on=timezone.localdate(), offset=offset, limit=min(limit, 100)
    )
    return {"count": count, "items": items}


@router.get("/files", response=with_errors(ListOut), summary="儿童档案（一人一档）")
def files(request: HttpRequest, offset: int = OFFSET, limit: int = LIMIT) -> dict[str, Any]:
    return _list(request, "files", offset, limit)


@router.get("/checks", response=with_errors(ListOut), summary="本月儿童核查名单")
def checks(request: HttpRequest, offset: int = OFFSET, limit: int = LIMIT) -> dict[str, Any]:
    return _list(request, "checks", offset, limit)


@router.get("/workforce", response=with_errors(ListOut), summary="儿童工作队伍")
def workforce(request: HttpRequest, offset: int = OFFSET, limit: int = LIMIT) -> dict[str, Any]:
    return _list(request, "workforce", offset, limit)


@router.get("/homes", response=with_errors(ListOut), summary="儿童之家")
def homes(request: HttpRequest, offset: int = OFFSET, limit: int = LIMIT) -> dict[str, Any]:
    return _list(request, "homes", offset, limit)


@router.get("/redecisions", response=with_errors(ListOut), summary="父母情形变化待重新认定")
def redecisions(request: HttpRequest, offset: int = OFFSET, limit: int = LIMIT) -> dict[str, Any]:
    return _list(request, "redecisions", offset, limit)
