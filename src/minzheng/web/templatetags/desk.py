"""Template helpers of the desk: show a control only to whoever holds the permission (no role strings)."""

from __future__ import annotations

from typing import Any

from django import template

from minzheng.accounts.permissions import can

register = template.Library()


@register.filter(name="can")
def can_filter(user: Any, permission: str) -> bool:
    return can(user, permission)
