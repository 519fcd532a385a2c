from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from minzheng.core.api_schemas import ErrorOut, with_errors

from .lockout import lockout_message
from .services import api_token_issue

router = Router(tags=["账号"])


class TokenIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=128)
    otp: str = Field("", max_length=8, description="动态口令（需要动态口令的角色必填）")
    name: str = Field("mobile", min_length=1, max_length=64, description="用途（如设备名），令牌列表中显示")


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    username: str
    role: str
    region_code: str
    region_name: str


@router.post("/token", response={**with_errors(TokenOut), 429: ErrorOut}, auth=None, summary="获取移动端令牌")
def token(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, str]]:
    try:
        key = api_token_issue(
            request=request,
            username=payload.username,
            password=payload.password,
            otp_token=payload.otp,
            name=payload.name,
        )
    except ValidationError as e:
        if getattr(request, "axes_locked_out", False):
            return 429, {"detail": lockout_message(request, {"username": payload.username})}
        return 401, {"detail": "；".join(e.messages)}
    return 200, {"token": key}


@router.get("/me", response=with_errors(MeOut), summary="当前用户")
def me(request: HttpRequest) -> dict[str, str]:
    user = request.user
    region = getattr(user, "region", None)
    return {
        "username": user.get_username(),
        "role": getattr(user, "role", ""),
        "region_code": region.code if region else "",
        "region_name": region.full_name if region else "",
    }
