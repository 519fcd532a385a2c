"""System checks of the registry: one programme per code, every navigation entry's URL and permission
exists, every programme's permissions exist."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.checks import Error, register
from django.urls import NoReverseMatch, reverse

from .registry import lines, nav_entries, programmes


@register()
def registry_consistent(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from minzheng.accounts.permissions import PERMISSIONS

    errors: list[Error] = []
    for code, n in Counter(p.code for p in programmes()).items():
        if n > 1:
            errors.append(Error(f"保障项目代码“{code}”重复登记{n}次", id="programmes.E001"))
    for e in nav_entries():
        try:
            reverse(e.url_name)
        except NoReverseMatch:
            errors.append(Error(f"导航“{e.label}”指向不存在的页面“{e.url_name}”", id="programmes.E002"))
        if e.permission and e.permission not in PERMISSIONS:
            errors.append(Error(f"导航“{e.label}”使用未定义的权限“{e.permission}”", id="programmes.E003"))
    for p in programmes():
        for perm in p.permissions:
            if perm not in PERMISSIONS:
                errors.append(Error(f"保障项目{p.code}使用未定义的权限“{perm}”", id="programmes.E003"))
    for x in lines():
        for perm in (*x.permissions, *(p for p, _ in x.todos)):
            if perm not in PERMISSIONS:
                errors.append(Error(f"业务线{x.code}使用未定义的权限“{perm}”", id="programmes.E003"))
    return errors
