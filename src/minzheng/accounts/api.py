from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from .services import api_token_issue

router = Router(tags=["账号"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    username: str
    role: str
    region_code: str
    region_name: str


@router.post("/token", response=TokenOut, auth=None, summary="获取移动端令牌")
def token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    return {"token": api_token_issue(request=request, username=payload.username, password=payload.password)}


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> dict[str, str]:
    user = request.user
    region = getattr(user, "region", None)
    return {
        "username": user.get_username(),
        "role": getattr(user, "role", ""),
        "region_code": region.code if region else "",
        "region_name": region.full_name if region else "",
    }
