from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema

from minzheng.core.api_schemas import with_errors

from .models import Region
from .selectors import region_children_for_actor

router = Router(tags=["行政区划"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    is_urban: bool


@router.get("/children", response=with_errors(list[RegionOut]), summary="下级区划（级联选择）")
def children(request: HttpRequest, code: str = "") -> QuerySet[Region]:
    return region_children_for_actor(actor=request.user, code=code or None)
