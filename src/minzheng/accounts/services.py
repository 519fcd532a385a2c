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
from minzheng.regions.models import Region

from .models import ApiToken, Role, User
from .network import client_ip
from .otp import otp_required
from .permissions import require


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
    revoked = _revoke_all(user=user, reason="修改密码")
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="user",
        target_id=user.pk,
        region_code=user.region.code if user.region else "",
        detail=f"修改密码，吊销接口令牌{revoked}个",
    )
    return user


@transaction.atomic
def user_create(
    *, actor: Any, username: str, password: str, role: str, region_code: str, display_name: str = ""
) -> User:
    if role not in Role.values:
        raise ValidationError(f"角色{role}不存在")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationError(f"区划代码{region_code}不存在")
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"用户名{username}已存在")
    user = User(username=username, role=role, region=region, display_name=display_name)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.ROLE_CHANGE,
        target_type="user",
        target_id=user.pk,
        region_code=region.code,
        new={"username": username, "role": role, "region": region.code},
    )
    return user


@transaction.atomic
def user_change_role(*, actor: Any, user: User, role: str, region_code: str) -> User:
    if role not in Role.values:
        raise ValidationError(f"角色{role}不存在")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationError(f"区划代码{region_code}不存在")
    old = {"role": user.role, "region": user.region.code if user.region else ""}
    user.role = role
    user.region = region
    user.save(update_fields=["role", "region"])
    revoked = _revoke_all(user=user, reason="角色变更")
    audit_record(
        actor=actor,
        event_type=AuditEvent.ROLE_CHANGE,
        target_type="user",
        target_id=user.pk,
        region_code=region.code,
        old=old,
        new={"role": role, "region": region.code},
        detail=f"角色变更，吊销接口令牌{revoked}个",
    )
    return user
