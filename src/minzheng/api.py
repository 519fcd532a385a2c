"""django-ninja root: /api/v1/, OpenAPI at /api/v1/docs. Session (browser) or bearer token (mobile)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InputError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from minzheng.accounts.otp import otp_required
from minzheng.accounts.permissions import Denied
from minzheng.accounts.services import api_token_authenticate
from minzheng.programmes.registry import api_routes, load

CSRF_REFUSED = "跨站请求校验失败：请从本系统网页提交，或改用API令牌（Authorization: Bearer）"
NOT_SIGNED_IN = "未登录：请在请求头提供API令牌（Authorization: Bearer …）或先登录网页"


class TokenAuth(HttpBearer):
    """Bearer token: live (not expired, not revoked) and, for a role that needs TOTP, issued after it."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(key=token)
        if user is not None:
            request.user = user
        return user


class VerifiedSessionAuth(SessionAuth):
    """The browser session, but for a role that needs a second factor only once the session passed it: the
    OTP middleware lets /api/ through (it answers JSON, not a redirect), so the check is made here."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie: not a browser session, so no CSRF question — the caller is simply not
        # signed in (401 in Chinese below), rather than told "CSRF check Failed" in English.
        if not request.COOKIES.get(self.param_name):
            return None
        try:
            return super()._get_key(request)
        except HttpError:
            raise HttpError(
                403, "跨站请求校验失败：请从本系统网页提交，或改用API令牌（Authorization: Bearer）"
            ) from None

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and otp_required(user) and not user.is_verified():
            raise HttpError(403, "请先在网页端完成动态口令验证")
        return user


api = NinjaAPI(
    title="minzheng 民政 API",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), VerifiedSessionAuth()],
    docs_url="/docs",
)


_REASONS = {
    "missing": "缺少必填项",
    "string_too_long": "过长",
    "string_pattern_mismatch": "格式不正确",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "string_type": "应为文本",
    "bool_parsing": "应为true或false",
    "json_invalid": "不是有效的JSON",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
}


@api.exception_handler(InputError)
def _input_error(request: HttpRequest, exc: InputError) -> HttpResponse:
    parts = []
    for e in exc.errors:
        where = ".".join(str(x) for x in e.get("loc", ())[1:]) or "请求"
        parts.append(f"{where}{_REASONS.get(str(e.get('type')), '不正确')}")
    return api.create_response(request, {"detail": "输入有误：" + "；".join(parts)}, status=422)


@api.exception_handler(Denied)
def _denied(request: HttpRequest, exc: Denied) -> HttpResponse:
    """A refusal by the permission matrix (already audited as DENIED): 403, not a 400 for bad input."""
    return api.create_response(request, {"detail": "；".join(exc.messages)}, status=403)


@api.exception_handler(AuthenticationError)
def _not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "未登录：请在请求头提供API令牌（Authorization: Bearer …）或先登录网页"},
        status=401,
    )


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": "；".join(exc.messages)}, status=400)


def mount_programmes(target: NinjaAPI, routes: list[tuple[str, str]]) -> None:
    """Each registered line's router at /api/v1/<prefix> (the registry's `api`, imported only here)."""
    for prefix, path in routes:
        target.add_router(f"/{prefix}", load(path))


def _register() -> None:
    from minzheng.accounts.api import regions_router
    from minzheng.accounts.api import router as accounts_router
    from minzheng.people.api import router as people_router

    # The ground floor's routers; every programme line's comes from the registry.
    api.add_router("/auth", accounts_router)
    api.add_router("/regions", regions_router)
    api.add_router("/people", people_router)
    mount_programmes(api, api_routes())


_register()
