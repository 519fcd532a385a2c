"""The phone's bottom bar, from the registry's navigation entries (see selectors.bottom_nav)."""

from __future__ import annotations

from typing import Any

from django import template

from minzheng.mobile.selectors import bottom_nav as _bottom_nav

register = template.Library()


@register.simple_tag
def bottom_nav(user: Any) -> list[dict[str, str]]:
    return _bottom_nav(user)
