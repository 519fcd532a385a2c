from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from minzheng.accounts.models import Role
from tests.conftest import TOWN_A


@pytest.fixture
def officers(make_user: Callable[..., Any]) -> dict[str, Any]:
    """Two 社会事务科 staff of 任城区 who apply and review, and the county officer who approves."""
    staff = {k: make_user(Role.SOCIAL_AFFAIRS_OFFICER, TOWN_A[:6]) for k in ("clerk", "reviewer")}
    return staff | {"approver": make_user(Role.COUNTY_OFFICER, TOWN_A[:6])}


@pytest.fixture
def naming(officers: dict[str, Any]) -> Callable[..., Any]:
    from minzheng.placenames import services

    def make(name: str = "崇文路", pinyin: str = "Chóngwén Lù", **kw: Any) -> Any:
        return services.application_submit(
            actor=officers["clerk"],
            kind=kw.pop("kind", "naming"),
            proposed_name=name,
            pinyin=pinyin,
            category=kw.pop("category", "road"),
            region_code=kw.pop("region_code", TOWN_A),
            reason=kw.pop("reason", "取崇尚文化之意，路东为任城区实验学校"),
            applicant_unit="任城区自然资源局",
            **kw,
        )

    return make
