from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.regions.models import Region

from .models import ApiToken, Role, User


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, request: HttpRequest, username: str, password: str) -> str:
    """Exchange credentials for a bearer token (mobile clients). Lockout applies as for the login page."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ValidationError("用户名或密码错误，或账号已被锁定")
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_hash(key))
    audit_record(actor=user, event_type=AuditEvent.CREATE, target_type="api_token", target_id=user.pk)
    return key


def api_token_authenticate(*, key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__region")
        .filter(key_hash=_hash(key), revoked=False)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


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
    audit_record(
        actor=actor,
        event_type=AuditEvent.ROLE_CHANGE,
        target_type="user",
        target_id=user.pk,
        region_code=region.code,
        old=old,
        new={"role": role, "region": region.code},
    )
    return user
