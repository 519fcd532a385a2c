"""Reads of account data; each takes the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .models import ApiToken
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
