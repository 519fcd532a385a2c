from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.masking import mask_phone
from minzheng.core.views import service_errors

from .models import Role
from .network import client_ip
from .otp import otp_qr_data_uri
from .permissions import Denied, can, require, roles_for
from .selectors import (
    api_token_get_for_actor,
    api_tokens_for_admin,
    api_tokens_of_actor,
    user_get_for_admin,
    user_has_totp,
    users_for_admin,
)
from .services import (
    api_token_revoke,
    user_change_role,
    user_invite,
    user_reset_password,
    user_reset_totp,
    user_set_active,
)


def safe_next(request: HttpRequest, default: str = "home") -> str:
    """The `next` to follow after a login step, only if it stays on this site (else `default`)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP token; a user without a confirmed device first enrols one (secret shown once)."""
    user: Any = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    pending: TOTPDevice | None = None
    if device is None:
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="default", confirmed=False
        )
        target = pending
    else:
        target = device
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        if token.isdigit() and target.verify_token(token):
            if pending is not None:
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
            otp_login(request, target)
            audit_record(
                actor=user,
                event_type=AuditEvent.LOGIN,
                target_type="otp",
                target_id=user.pk,
                detail="动态口令验证通过",
                ip=client_ip(request),
            )
            return redirect(safe_next(request))
        audit_record(
            actor=user,
            event_type=AuditEvent.LOGIN_FAILED,
            target_type="otp",
            target_id=user.pk,
            outcome="failed",
            detail="动态口令错误",
            ip=client_ip(request),
        )
        messages.error(request, _("动态口令错误，请重新输入"))
    secret = base64.b32encode(bytes.fromhex(pending.key)).decode() if pending is not None else ""
    uri = pending.config_url if pending is not None else ""
    response = render(
        request,
        "accounts/otp.html",
        {
            "enrol": pending is not None,
            "secret": secret,
            "uri": uri,
            "qr": otp_qr_data_uri(uri) if uri else "",
        },
    )
    response["Cache-Control"] = "no-store"  # the enrolment secret is on the page
    return response


@login_required
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens (name and prefix only: a key is shown once, when issued)."""
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": api_tokens_of_actor(actor=request.user)[:200], "admin_view": False, "now": timezone.now()},
    )


@login_required
@require_GET
def token_list_admin(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not can(user, "users.manage"):
        raise Http404("页面不存在")
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": api_tokens_for_admin(actor=user)[:500], "admin_view": True, "now": timezone.now()},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_token_get_for_actor(actor=request.user, token_id=token_id)
    own = token.user_id == request.user.pk
    with service_errors(request):
        api_token_revoke(actor=request.user, token=token, ip=client_ip(request))
        messages.success(request, _("令牌已吊销"))
    return redirect("account-tokens" if own else "account-tokens-admin")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码: the old password, then the new one twice; the change goes through `user_set_password`
    (validated, audited, every API token revoked) and this session stays signed in."""
    from django.contrib.auth import update_session_auth_hash

    from .services import user_set_password

    user = request.user
    if request.method == "POST":
        old, new, again = (request.POST.get(k, "") for k in ("old", "new", "again"))
        with service_errors(request):
            if not user.check_password(old):
                raise ValidationError(_("原密码不正确"))
            if new != again:
                raise ValidationError(_("两次输入的新密码不一致"))
            user_set_password(actor=user, user=user, password=new)  # type: ignore[arg-type]
            update_session_auth_hash(request, user)  # type: ignore[arg-type]
            messages.success(request, _("密码已修改，原有接口令牌已全部吊销"))
            return redirect("home")
    return render(request, "accounts/password.html")


# ------------------------------------------------------------------ user administration (系统管理员)
def _admin(request: HttpRequest) -> Any:
    """The acting admin; anyone else gets a 403 and a DENIED audit row."""
    try:
        require(request.user, "users.manage", target="users")
    except Denied as denied:
        raise PermissionDenied(denied.messages[0]) from None
    return request.user


def _chosen_region(request: HttpRequest, actor: Any) -> str:
    """The region picked in the form: a grid code if typed, else the deepest level of the cascade, else
    the admin's own region (for roles bound to the city)."""
    from .regions import cascade_value

    grid = request.POST.get("grid_code", "").strip()
    return grid or cascade_value(request.POST) or (actor.region.code if actor.region else "")


def _role_choices() -> list[tuple[str, str]]:
    """Roles the admin may grant: not those reading the audit log (those come from the console)."""
    return [(v, label) for v, label in Role.choices if v not in roles_for("audit.read")]


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    """Accounts in the admin's subtree, filtered by name, role, region and status."""
    from .regions import cascade_value, region_cascade

    actor = _admin(request)
    filters = {
        "q": request.GET.get("q", "").strip()[:64],
        "role": request.GET.get("role", ""),
        "region": cascade_value(request.GET),
        "status": request.GET.get("status", ""),
    }
    qs = users_for_admin(actor=actor, **filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/users.html",
        {
            "page": page,
            "filters": filters,
            "roles": Role.choices,
            "cascade": region_cascade(actor=actor, selected=filters["region"], dom_prefix="filter"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    """新建账号: the one-time password is shown on the answer page once and is never stored in clear."""
    from .regions import cascade_value, region_cascade

    actor = _admin(request)
    form = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        with service_errors(request):
            user, password = user_invite(
                actor=actor,
                username=form.get("username", ""),
                display_name=form.get("display_name", ""),
                role=form.get("role", ""),
                region_code=_chosen_region(request, actor),
                phone=form.get("phone", ""),
            )
            shown = {"account": user, "password": password, "new": True}
            return _no_store(render(request, "accounts/user_password.html", shown))
    return render(
        request,
        "accounts/user_new.html",
        {
            "form": form,
            "roles": _role_choices(),
            "cascade": region_cascade(actor=actor, selected=cascade_value(form), dom_prefix="user"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    from .regions import region_cascade

    actor = _admin(request)
    account = user_get_for_admin(actor=actor, user_id=user_id)
    region = account.region.code if account.region else ""
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            "phone": mask_phone(account.phone),
            "has_totp": user_has_totp(user=account),
            "own": account.pk == actor.pk,
            "roles": _role_choices(),
            "cascade": region_cascade(actor=actor, selected=region, dom_prefix="user"),
            "grid_code": region if account.region and account.region.level == "grid" else "",
        },
    )


@login_required
@require_POST
def user_change(request: HttpRequest, user_id: int) -> HttpResponse:
    """One POST endpoint per account for the admin's actions: role (and region), status, password, TOTP."""
    actor = _admin(request)
    account = user_get_for_admin(actor=actor, user_id=user_id)
    action = request.POST.get("action", "")
    with service_errors(request):
        if action == "role":
            user_change_role(
                actor=actor,
                user=account,
                role=request.POST.get("role", ""),
                region_code=_chosen_region(request, actor),
            )
            messages.success(request, _("角色和所属区划已变更，该用户的接口令牌已全部吊销"))
        elif action in ("deactivate", "activate"):
            user_set_active(
                actor=actor, user=account, active=action == "activate", reason=request.POST.get("reason", "")
            )
            messages.success(request, _("账号已启用") if action == "activate" else _("账号已停用"))
        elif action == "password":
            password = user_reset_password(actor=actor, user=account)
            shown = {"account": account, "password": password, "new": False}
            return _no_store(render(request, "accounts/user_password.html", shown))
        elif action == "totp":
            user_reset_totp(actor=actor, user=account)
            messages.success(request, _("动态口令已重置，该用户下次登录时重新绑定身份验证器"))
        else:
            raise ValidationError(_("未知的操作"))
    return redirect("user-detail", account.pk)
