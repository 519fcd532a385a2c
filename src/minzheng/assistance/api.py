from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Schema
from pydantic import BaseModel, ConfigDict

from minzheng.core.api_schemas import with_errors

from .assess import assess

router = Router(tags=["社会救助"])


class ReasonOut(Schema):
    test: str
    passed: bool
    detail: str


class AssessOut(BaseModel):
    """The common output of every trial (assess.md, assess-lines.md); a programme's own outputs (scores
    and level of an assessment, the two subsidies, a cost share) are passed through as they are."""

    model_config = ConfigDict(extra="allow")

    programme: str
    eligible: bool
    monthly_amount: int
    standard: int = 0
    per_capita_income: int = 0
    members_covered: int = 0
    approval_level: str = ""
    rule_version: str
    reasons: list[ReasonOut]


@router.post(
    "/assess",
    response=with_errors(AssessOut),
    summary="救助试算（shared/docs/assess.md）",
    description=(
        "低保、特困、临时救助、高龄津贴、儿童保障的试算；输入输出格式见 assess.md，"
        "输入错误返回400和中文说明。"
    ),
)
def assess_endpoint(request: HttpRequest, payload: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    return assess(payload)
