"""Reads of account data; each takes the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ApiToken, Role, User
from .permissions import can
from .scoping import scope


def api_tokens_of_actor(*, actor: Any) -> QuerySet[ApiToken]:
    """The actor's own tokens, newest first."""
    return ApiToken.objects.filter(user=actor).select_related("user").order_by("revoked", "-created_at")


def api_tokens_for_admin(*, actor: Any) -> QuerySet[ApiToken]:
    """Every token of a user in the admin's region subtree; nothing without users.manage."""
    if not can(actor, "users.manage"):
        return ApiToken.objects.none()
    return scope(
        ApiToken.objects.select_related("user", "user__region"), actor, field="user__region__code"
    ).order_by("revoked", "-created_at")


def api_token_get_for_actor(*, actor: Any, token_id: int) -> ApiToken:
    """One token the actor may revoke (their own, or any in scope with users.manage); else 404 like a
    missing one."""
    token = api_tokens_of_actor(actor=actor).filter(pk=token_id).first() or (
        api_tokens_for_admin(actor=actor).filter(pk=token_id).first()
    )
    if token is None:
        raise Http404("令牌不存在")
    return token


def users_for_admin(
    *, actor: Any, q: str = "", role: str = "", region: str = "", status: str = ""
) -> QuerySet[User]:
    """Accounts in the admin's region subtree, filtered; nothing without users.manage."""
    if not can(actor, "users.manage"):
        return User.objects.none()
    qs = scope(User.objects.select_related("region"), actor, field="region__code")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if role in Role.values:
        qs = qs.filter(role=role)
    if region and region.isdigit():
        qs = qs.filter(region__code__startswith=region)
    if status in ("active", "inactive"):
        qs = qs.filter(is_active=status == "active")
    return qs.order_by("region__code", "role", "username")


def user_get_for_admin(*, actor: Any, user_id: int) -> User:
    """One account the admin may manage; a missing one and one outside the subtree are the same 404."""
    user = users_for_admin(actor=actor).filter(pk=user_id).first()
    if user is None:
        raise Http404("用户不存在")
    return user


def user_has_totp(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
