"""/api/v1/elderly/: the high-age allowance's trial calculation (assess.md, `programme` may be omitted)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Body, Router

from minzheng.assistance.api import AssessOut
from minzheng.core.api_schemas import with_errors

from .rules import CODE, trial

router = Router(tags=["高龄津贴"])


@router.post("/assess", response=with_errors(AssessOut), summary="高龄津贴试算（到龄即享）")
def assess_endpoint(request: HttpRequest, payload: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    asked = payload.get("programme")
    if asked not in (None, "", CODE):
        # This endpoint answers one programme; never another's case under its name.
        raise ValidationError(f"本接口只试算高龄津贴（{CODE}）；其他项目请使用 /api/v1/assistance/assess")
    return trial({**payload, "programme": CODE})
