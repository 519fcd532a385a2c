from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from minzheng.accounts.models import Role
from minzheng.governance import services
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A

GRID_A = VILLAGE_A + "001"  # 安祥社区 第1网格
GRID_A2 = VILLAGE_A + "002"  # the same community's 第2网格
VILLAGE_B_URBAN = "370811002001"  # a community of another 任城区 street, with grids


@pytest.fixture
def clerk(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.TOWNSHIP_CLERK, TOWN_A)


@pytest.fixture
def clerk_b(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.TOWNSHIP_CLERK, TOWN_B)


@pytest.fixture
def wangge(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.GRID_WORKER, GRID_A)


@pytest.fixture
def wangge2(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.GRID_WORKER, GRID_A2)


@pytest.fixture
def placed(make_household: Callable[..., Any], clerk: Any) -> Callable[..., Any]:
    def place(grid: str = GRID_A, building: str = "1号楼", unit: str = "1", room: str = "101") -> Any:
        hh = make_household(village=grid[:12])
        services.household_place(
            actor=clerk, household=hh, grid_code=grid, building=building, unit=unit, room=room
        )
        return hh

    return place


@pytest.fixture
def category() -> Any:
    from minzheng.governance.models import IncidentCategory

    return IncidentCategory.objects.get(code="dispute")
