"""十四五 plan targets as data (fixtures/plan_targets.json: measure, target, deadline, the plan's clause) and
their traffic lights by year. A target with a measure reads the stored cockpit figures of the city (the
last computed month of each year); one without is entered with evidence (services.target_value_enter)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "plan_targets.json"
YEARS = tuple(range(2021, 2026))  # the 14th five-year plan


@dataclass(frozen=True)
class Target:
    code: str
    name: str
    measure: str  # a cockpit measure or rate code; "" = entered with evidence
    target: Decimal
    unit: str  # "%" for a rate stored as a fraction
    deadline: dt.date
    source: str
    step: Decimal | None = None  # + per year (social workers, volunteers)
    growth: Decimal | None = None  # × (1 + growth) per year (organisations)

    @property
    def computed(self) -> bool:
        return bool(self.measure)

    def expected(self, year: int) -> Decimal | None:
        """What the year must reach to be on course for the deadline; None before a one-off deadline year
        has come (社工站全覆盖 by 2023 has no yearly course)."""
        left = self.deadline.year - year
        if left <= 0:
            return self.target
        if self.step is not None:
            return self.target - self.step * left
        if self.growth is not None:
            return (self.target / (1 + self.growth) ** left).quantize(Decimal(1))
        return self.target if self.unit == "%" and self.deadline.year == YEARS[-1] else None


@cache
def targets() -> tuple[Target, ...]:
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return tuple(
        Target(
            code=r["code"],
            name=r["name"],
            measure=r["measure"],
            target=Decimal(r["target"]),
            unit=r["unit"],
            deadline=dt.date.fromisoformat(r["deadline"]),
            source=r["source"],
            step=Decimal(r["step"]) if "step" in r else None,
            growth=Decimal(r["growth"]) if "growth" in r else None,
        )
        for r in rows
    )


def target(code: str) -> Target:
    for t in targets():
        if t.code == code:
            return t
    raise ValidationError("没有这项规划目标")


GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"
LIGHT_LABELS = {GREEN: "达标", AMBER: "接近", RED: "滞后", GREY: "无数据"}
AMBER_SHARE = Decimal("0.9")  # within 90 % of the year's course: 接近 (amber), below: 滞后 (red)


def light(value: Decimal | None, expected: Decimal | None) -> str:
    if value is None or expected is None:
        return GREY
    if value >= expected:
        return GREEN
    return AMBER if value >= expected * AMBER_SHARE else RED
