"""The API router of the fake programme that test_registry registers."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

router = Router(tags=["测试项目"])


@router.get("/ping")
def ping(request: HttpRequest) -> dict[str, str]:
    return {"programme": "fake_line"}
