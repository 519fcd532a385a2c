"""/api/v1/disability/: the two subsidies' trial calculation (assess-lines.md `disability_subsidy`,
`programme` may be omitted), with the two amounts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Body, Router

from minzheng.assistance.api import AssessOut
from minzheng.core.api_schemas import with_errors

from .rules import TRIAL, trial

router = Router(tags=["残疾人两项补贴"])


class SubsidyOut(AssessOut):
    living_subsidy: int
    care_subsidy: int


@router.post("/assess", response=with_errors(SubsidyOut), summary="残疾人两项补贴试算")
def assess_endpoint(request: HttpRequest, payload: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    asked = payload.get("programme")
    if asked not in (None, "", TRIAL):
        # This endpoint answers one programme; never another's case under its name.
        raise ValidationError(
            f"本接口只试算残疾人两项补贴（{TRIAL}）；其他项目请使用 /api/v1/assistance/assess"
        )
    return trial({**payload, "programme": TRIAL})
