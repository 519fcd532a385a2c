"""The registry's death hook: every line and programme that registers `on_death` is called once, in one
transaction, only after the death is recorded; what they stopped is kept and read back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from minzheng.people.services import person_record_death
from minzheng.programmes import registry
from minzheng.programmes.registry import DeathEffect, Line, register_line, unregister_line
from minzheng.programmes.services import death_effects_apply, death_effects_recorded
from tests.conftest import TOWN_A

DIED = dt.date(2026, 8, 10)


@pytest.fixture
def clerk(make_user: Callable[..., Any]) -> Any:
    return make_user("township_clerk", TOWN_A)


@pytest.fixture
def dead(make_person: Callable[..., Any], clerk: Any) -> Any:
    person = make_person(birth=dt.date(1940, 1, 1), name="李奶奶")
    return person_record_death(actor=clerk, person=person, death_date=DIED)


def test_every_shipped_line_registers_a_death_hook() -> None:
    names = {name for name, _ in registry.death_hooks()}
    assert {"12349居家服务", "探访关爱", "养老设施", "老年人", "流浪救助"} <= names


def test_a_registered_hook_is_called_with_the_person_and_the_date_and_its_effects_are_kept(
    dead: Any, clerk: Any
) -> None:
    seen: list[tuple[int, dt.date]] = []

    def hook(*, actor: Any, person: Any, died_on: dt.date) -> list[DeathEffect]:
        seen.append((person.pk, died_on))
        return [DeathEffect("测试线", "测试服务", "已终止")] if len(seen) == 1 else []

    register_line(Line(code="deathtest", name="测试线", app_label="programmes", on_death=hook))
    try:
        effects = death_effects_apply(actor=clerk, person=dead, died_on=DIED)
        assert DeathEffect("测试线", "测试服务", "已终止") in effects
        death_effects_apply(actor=clerk, person=dead, died_on=DIED)
    finally:
        unregister_line("deathtest")
    assert seen == [(dead.pk, DIED), (dead.pk, DIED)]
    assert death_effects_recorded(person=dead).count(DeathEffect("测试线", "测试服务", "已终止")) == 1


def test_a_failing_hook_rolls_back_what_the_others_stopped(dead: Any, clerk: Any) -> None:
    from minzheng.elderly.models import ElderProfile

    ElderProfile.objects.create(person=dead, region_code=dead.region_code)

    def broken(**_: Any) -> list[DeathEffect]:
        raise ValidationError("测试：终止失败")

    register_line(Line(code="deathbroken", name="坏线", app_label="programmes", on_death=broken))
    try:
        with pytest.raises(ValidationError):
            death_effects_apply(actor=clerk, person=dead, died_on=DIED)
    finally:
        unregister_line("deathbroken")
    assert ElderProfile.objects.get(person=dead).died_on is None
    assert death_effects_recorded(person=dead) == []


def test_a_living_person_is_refused_in_chinese(make_person: Callable[..., Any], clerk: Any) -> None:
    alive = make_person(birth=dt.date(1940, 1, 1))
    with pytest.raises(ValidationError, match="请先登记死亡"):
        death_effects_apply(actor=clerk, person=alive, died_on=DIED)
