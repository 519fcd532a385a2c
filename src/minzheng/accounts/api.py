from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema

from minzheng.core.api_schemas import ErrorOut, with_errors
from minzheng.regions.models import Region

from .lockout import lockout_message
from .permissions import require
from .regions import region_children_for_actor
from .selectors import users_for_admin
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


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    role_name: str
    region_code: str
    region_name: str
    active: bool


@router.get(
    "/users", response={**with_errors(list[UserOut]), 403: ErrorOut}, summary="账号列表（系统管理员）"
)
def users(request: HttpRequest, q: str = "", role: str = "", status: str = "") -> list[dict[str, object]]:
    require(request.user, "users.manage", target="api:users")  # a refusal is a 403 and a DENIED row
    found = users_for_admin(actor=request.user, q=q[:64], role=role, status=status)[:500]
    return [
        {
            "id": u.pk,
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role,
            "role_name": u.get_role_display(),
            "region_code": u.region.code if u.region else "",
            "region_name": u.region.full_name if u.region else "",
            "active": u.is_active,
        }
        for u in found
    ]


# /api/v1/regions: the cascade picker, answered inside the caller's scope (hence here, beside the scope).
regions_router = Router(tags=["行政区划"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    is_urban: bool


@regions_router.get("/children", response=with_errors(list[RegionOut]), summary="下级区划（级联选择）")
def region_children(request: HttpRequest, code: str = "") -> QuerySet[Region]:
    return region_children_for_actor(actor=request.user, code=code or None)
