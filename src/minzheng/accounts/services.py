from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.inputs import form_name
from minzheng.regions.models import Region, RegionLevel

from .models import ROLE_LEVEL, ApiToken, Role, User
from .network import client_ip
from .otp import otp_required
from .permissions import require, roles_for


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


TOKEN_REFUSED = "用户名或密码错误，或账号已被锁定"  # noqa: S105 (a message, not a password)


def _record_failure(*, request: HttpRequest, username: str) -> None:
    """A wrong second factor counts as a failed login: audited and throttled like a wrong password."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def api_token_issue(
    *, request: HttpRequest, username: str, password: str, otp_token: str = "", name: str = "mobile"
) -> str:
    """Exchange credentials for a bearer token (mobile clients); the key is returned once and never again.

    Deliberately not one transaction: the password is hashed with no write transaction open (on SQLite an
    IMMEDIATE transaction would hold the database write lock while it hashes), and a failure is recorded by
    django-axes and the audit receiver in their own commits, so refusing the token cannot roll them back.
    The lockout is the login page's (axes); a role that needs a second factor must give its TOTP code."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ValidationError(TOKEN_REFUSED)
    verified = False
    if otp_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise ValidationError("该账号须使用动态口令：请先在网页端登录并绑定身份验证器")
        token = otp_token.strip()
        if not (token.isdigit() and device.verify_token(token)):
            _record_failure(request=request, username=username)
            raise ValidationError("动态口令错误")
        verified = True
    AxesProxyHandler.get_implementation().reset_user_attempts(request, {"username": username})
    return _api_token_create(user=user, name=name, otp_verified=verified, ip=client_ip(request))


@transaction.atomic
def _api_token_create(*, user: User, name: str, otp_verified: bool, ip: str) -> str:
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash(key),
        prefix=key[:8],
        name=name,
        otp_verified=otp_verified,
        expires_at=timezone.now() + dt.timedelta(days=settings.MINZHENG_API_TOKEN_DAYS),
    )
    audit_record(
        actor=user,
        event_type=AuditEvent.CREATE,
        target_type="api_token",
        target_id=token.pk,
        detail=f"签发接口令牌 {token.prefix}…（{name}）",
        ip=ip,
    )
    return key


def api_token_authenticate(*, key: str) -> User | None:
    """The token's user, or None when the token is unknown, expired, revoked, its user inactive, or it was
    issued without the second factor the user's role now requires."""
    token = (
        ApiToken.objects.select_related("user", "user__region")
        .filter(key_hash=_hash(key), revoked=False, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if otp_required(token.user) and not token.otp_verified:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def _revoke_all(*, user: User, reason: str) -> int:
    """Every live token of `user` dies (password or role change). Runs inside the caller's transaction."""
    return ApiToken.objects.filter(user=user, revoked=False).update(
        revoked=True, revoked_at=timezone.now(), revoked_reason=reason
    )


def _account_changed(
    *,
    actor: Any,
    user: User,
    what: str,
    revoke: bool = True,
    event_type: str = AuditEvent.UPDATE,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    """A change to an account: its live tokens die with it (unless `revoke` is off) and one audit row
    says what changed and how many tokens went, in the caller's transaction."""
    revoked = _revoke_all(user=user, reason=what.split("：")[0]) if revoke else 0
    audit_record(
        actor=actor,
        event_type=event_type,
        target_type="user",
        target_id=user.pk,
        region_code=user.region.code if user.region else "",
        old=old,
        new=new,
        detail=f"{what}，吊销接口令牌{revoked}个" if revoke else what,
    )


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken, ip: str = "") -> ApiToken:
    """The owner revokes their own token; anyone else needs users.manage over the owner's region."""
    if token.user_id != getattr(actor, "pk", None):
        owner_region = token.user.region.code if token.user.region else None
        require(actor, "users.manage", region_code=owner_region, target=f"api_token:{token.pk}")
    if not token.revoked:
        token.revoked = True
        token.revoked_at = timezone.now()
        token.revoked_reason = "本人吊销" if token.user_id == actor.pk else "管理员吊销"
        token.save(update_fields=["revoked", "revoked_at", "revoked_reason"])
        audit_record(
            actor=actor,
            event_type=AuditEvent.UPDATE,
            target_type="api_token",
            target_id=token.pk,
            detail=f"吊销接口令牌 {token.prefix}…（{token.user.username}）",
            ip=ip,
        )
    return token


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str) -> User:
    """The one place a password changes: validated, and every API token of the user dies with the old
    password (the session auth hash already ends the user's other sessions)."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _account_changed(actor=actor, user=user, what="修改密码")
    return user


# ------------------------------------------------------------------ user administration (系统管理员)
# Accounts whose role reads the audit log are not the admin's to create, change or reset: whoever knows
# an auditor's password reads the log, and the admin must not (users.manage_auditors: the console only).
USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-")


def _region_for_role(role: str, region_code: str) -> Region:
    if role not in Role.values:
        raise ValidationError("请选择角色")
    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None:
        raise ValidationError("请选择所属区划")
    level = ROLE_LEVEL[role]
    if region.level != level:
        wanted, actual = RegionLevel(level).label, region.get_level_display()
        raise ValidationError(f"{Role(role).label}须绑定到{wanted}一级，{region.name}是{actual}")
    return region


def _guard_admin(*, actor: Any, user: User | None, roles: tuple[str, ...], region: Region | None) -> None:
    """The admin acts on accounts in their own subtree only (old and new region), never on their own
    account, and never on an account that holds (or would hold) the audit log."""
    target = f"user:{user.pk}" if user is not None else "user:new"
    old_region = user.region.code if user is not None and user.region else None
    codes: list[str | None] = [c for c in dict.fromkeys((old_region, region.code if region else None)) if c]
    for code in codes or [None]:
        require(actor, "users.manage", region_code=code, target=target)
    if user is not None and user.pk is not None and user.pk == getattr(actor, "pk", None):
        raise ValidationError("不能修改本人账号的角色、状态或凭据，请由另一名管理员办理")
    if any(r in roles_for("audit.read") for r in roles if r):
        require(actor, "users.manage_auditors", region_code=codes[0] if codes else None, target=target)


def _clean_username(username: str) -> str:
    username = (username or "").strip().lower()
    if not 3 <= len(username) <= 32 or not set(username) <= USERNAME_CHARS:
        raise ValidationError("用户名须为3至32位小写字母、数字或 _ . -")
    return username


def _clean_staff_phone(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        raise ValidationError("联系电话格式不正确，应为7至12位数字")
    return phone


def _account_view(user: User) -> dict[str, Any]:
    """What an audit row says about an account (the phone is masked by audit_record's redaction)."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "region": user.region.code if user.region else "",
        "active": user.is_active,
    }


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    region_code: str,
    display_name: str = "",
    phone: str = "",
) -> User:
    """A new account bound to one region at its role's level, created by an admin over that region (or by
    the system from the console and the demo set-up)."""
    region = _region_for_role(role, region_code)
    _guard_admin(actor=actor, user=None, roles=(role,), region=region)
    username = _clean_username(username)
    display_name = (display_name or "").strip()
    if not display_name:
        raise ValidationError("姓名不能为空，且不超过64个字")
    display_name = form_name(display_name, "姓名")  # no formula lead, no control characters
    phone = _clean_staff_phone(phone)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"用户名{username}已存在")
    user = User(username=username, role=role, region=region, display_name=display_name, phone=phone)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.ROLE_CHANGE,
        target_type="user",
        target_id=user.pk,
        region_code=region.code,
        new=_account_view(user),
        detail=f"新建账号{username}（{Role(role).label}）",
    )
    return user


def user_invite(
    *, actor: Any, username: str, role: str, region_code: str, display_name: str, phone: str = ""
) -> tuple[User, str]:
    """Create an account with a one-time password, returned once for the admin to hand over."""
    password = _one_time_password()
    user = user_create(
        actor=actor,
        username=username,
        password=password,
        role=role,
        region_code=region_code,
        display_name=display_name,
        phone=phone,
    )
    return user, password


def _one_time_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def user_change_role(*, actor: Any, user: User, role: str, region_code: str) -> User:
    """Move an account to another role and/or region; every API token of the user dies with the old role."""
    user = User.objects.select_for_update(of=("self",)).select_related("region").get(pk=user.pk)
    region = _region_for_role(role, region_code)
    _guard_admin(actor=actor, user=user, roles=(user.role, role), region=region)
    old = {"role": user.role, "region": user.region.code if user.region else ""}
    new = {"role": role, "region": region.code}
    if old == new:
        raise ValidationError("角色和所属区划没有变化")
    user.role = role
    user.region = region
    user.save(update_fields=["role", "region"])
    _account_changed(
        actor=actor, user=user, what="角色变更", event_type=AuditEvent.ROLE_CHANGE, old=old, new=new
    )
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool, reason: str = "") -> User:
    """Deactivate (the account can no longer log in or use a token) or reactivate an account."""
    user = User.objects.select_for_update(of=("self",)).select_related("region").get(pk=user.pk)
    _guard_admin(actor=actor, user=user, roles=(user.role,), region=None)
    reason = (reason or "").strip()
    if not active and not reason:
        raise ValidationError("停用账号须说明理由")
    if user.is_active == active:
        raise ValidationError("该账号已是在用状态" if active else "该账号已停用")
    user.is_active = active
    user.save(update_fields=["is_active"])
    _account_changed(
        actor=actor,
        user=user,
        what="启用账号" if active else f"账号停用：{reason[:200]}",
        revoke=not active,
        old={"active": not active},
        new={"active": active},
    )
    return user


@transaction.atomic
def user_reset_password(*, actor: Any, user: User) -> str:
    """Give the account a one-time password (returned once, never stored or logged in clear); the user's
    sessions and API tokens end with the old one."""
    user = User.objects.select_for_update(of=("self",)).select_related("region").get(pk=user.pk)
    _guard_admin(actor=actor, user=user, roles=(user.role,), region=None)
    password = _one_time_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    _account_changed(
        actor=actor,
        user=user,
        what="管理员重置密码",
        old={"password": "旧密码"},
        new={"password": "一次性密码（已当面交付）"},
    )
    return password


@transaction.atomic
def user_reset_totp(*, actor: Any, user: User) -> User:
    """Remove the account's authenticator: at the next login the user enrols a new one (lost phone)."""
    user = User.objects.select_for_update(of=("self",)).select_related("region").get(pk=user.pk)
    _guard_admin(actor=actor, user=user, roles=(user.role,), region=None)
    devices = TOTPDevice.objects.filter(user=user)
    count = devices.count()
    if not count:
        raise ValidationError("该账号没有绑定身份验证器")
    devices.delete()
    _account_changed(
        actor=actor, user=user, what="重置动态口令", old={"totp_devices": count}, new={"totp_devices": 0}
    )
    return user
