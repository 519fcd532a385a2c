"""/api/v1/children/: the child allowance's trial calculation (assess.md, `programme` may be omitted)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router

from minzheng.assistance.api import AssessOut
from minzheng.core.api_schemas import with_errors

from .rules import CODE, trial

router = Router(tags=["儿童保障"])


class ChildAssessOut(AssessOut):
    child_category: str | None = None  # assess-lines.md `child`: the category decided (None: none)


@router.post("/assess", response=with_errors(ChildAssessOut), summary="儿童保障试算")
def assess_endpoint(request: HttpRequest, payload: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    return trial({**payload, "programme": CODE})
