"""What each policy key may hold: unit, range and decimal places, as data (fixtures/parameter_specs.json).
Every write of a policy figure — the fixture loader and the make-and-check services — is checked here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from .models import PolicyParameter

SPECS_FIXTURE = Path(__file__).parent / "fixtures" / "parameter_specs.json"

# What the column holds (max_digits=14, decimal_places=4): a larger figure is refused before it is saved.
_VALUE_FIELD = PolicyParameter._meta.get_field("value")
_DECIMAL_PLACES: int = _VALUE_FIELD.decimal_places
_INTEGER_DIGITS: int = _VALUE_FIELD.max_digits - _DECIMAL_PLACES


YEAR = "year"


@dataclass(frozen=True)
class ParameterSpec:
    key: str
    unit: str
    min: Decimal
    max: Decimal
    decimals: int
    # A key with no shipped row (no seed gives a figure; each county enters its own) names itself here.
    label: str = ""
    # "year": a published statistic of one past calendar year (a fact, e.g. last year's per-capita
    # consumption): its row runs from 1 January to 31 December of that year and is entered after the year
    # ended; every other key is a rule that only takes effect from a future date.
    period: str = ""


def _spec(key: str, raw: dict[str, object]) -> ParameterSpec:
    spec = ParameterSpec(
        key=key,
        unit=str(raw["unit"]),
        min=Decimal(str(raw["min"])),
        max=Decimal(str(raw["max"])),
        decimals=int(str(raw.get("decimals", _DECIMAL_PLACES))),
        label=str(raw.get("label", "")),
        period=str(raw.get("period", "")),
    )
    if spec.period not in ("", YEAR):
        raise ValueError(f"参数规格“{key}”的期间只能是year或不填")
    if not spec.min <= spec.max or not 0 <= spec.decimals <= _DECIMAL_PLACES:
        raise ValueError(f"参数规格“{key}”不成立：下限须不大于上限，小数位数须在0至{_DECIMAL_PLACES}之间")
    return spec


def specs_load(path: Path = SPECS_FIXTURE) -> dict[str, ParameterSpec]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: _spec(key, raw) for key, raw in data.items()}


@cache
def parameter_specs() -> dict[str, ParameterSpec]:
    """The specs shipped with the code (read once per process)."""
    return specs_load()


def format_number(value: Decimal) -> str:
    """537.0000 → "537", 0.2000 → "0.2", 100000 → "100,000" (never "1E+5")."""
    return f"{value.normalize():,f}"


def value_problems(spec: ParameterSpec, value: object, *, label: str = "") -> list[str]:
    """Chinese messages for each way `value` does not fit `spec` (empty: it fits)."""
    name = label or spec.key
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return [f"“{name}”的数值应为数字"]
    if not number.is_finite():
        return [f"“{name}”的数值应为有限的数字（不能是NaN或无穷大）"]
    if not spec.min <= number <= spec.max:
        return [
            f"“{name}”应在{format_number(spec.min)}至{format_number(spec.max)}{spec.unit}之间，"
            f"收到{format_number(number)}"
        ]
    if abs(number) >= Decimal(10) ** _INTEGER_DIGITS:  # only if a spec itself allows it
        return [f"“{name}”的数值超出可保存的位数"]
    if number != number.quantize(Decimal(1).scaleb(-spec.decimals), rounding=ROUND_DOWN):
        return [f"“{name}”应为整数" if spec.decimals == 0 else f"“{name}”最多保留{spec.decimals}位小数"]
    return []
