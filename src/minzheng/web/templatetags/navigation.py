"""The top navigation, assembled from the programme registry: every entry behind its permission."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from minzheng.accounts.permissions import can
from minzheng.programmes.registry import nav_entries

register = template.Library()


@register.simple_tag
def main_nav(user: Any) -> list[dict[str, str]]:
    """[{label, url}] the user may open, in order; an entry without a permission is for everyone."""
    return [
        {"label": e.label, "url": reverse(e.url_name)}
        for e in nav_entries()
        if not e.permission or can(user, e.permission)
    ]
