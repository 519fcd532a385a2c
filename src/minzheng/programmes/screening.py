"""What a line needs to write screening rules without importing the engine: the `Rule` shape and the
evidence helpers. The engine (monitoring/engine/rules.py) runs these rules; a line's `screening`
callable returns them (see docs/adding-a-line.md for the tables and placeholders a rule may use)."""

from __future__ import annotations

from dataclasses import dataclass

from .household import FIG_KEY


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # Chinese name shown to officers
    programme: str  # a registered programme code, or "all"
    sources: tuple[str, ...]  # exchange sources the condition needs; absent → the rule is skipped
    severity: str  # high | medium | low
    action: str  # suggested action (Chinese)
    sql: str  # DuckDB dialect; returns pid, hid, region_code, evidence
    difficulty: bool = False  # attach the household's 困难指数
    basis: str = ""  # where the rule comes from (regulation / policy.md / issue)


def evidence(**items: str) -> str:
    """JSON evidence with Chinese labels: evidence(人均收入="expr", …) → CAST(to_json({…}) AS VARCHAR)."""
    body = ", ".join(f"'{label}': {expr}" for label, expr in items.items())
    return f"CAST(to_json({{{body}}}) AS VARCHAR)"


def money(expr: str) -> str:
    """A money figure for the evidence: rounded to fen, as a JSON number."""
    return f"CAST(round({expr}, 2) AS DOUBLE)"


def figures_of(alias: str) -> str:
    """A join to the figures of the person `alias`'s own county × hukou type (aliased `fg`; columns
    `fg.f_<key with __ for .>`): every figure a rule compares with is resolved per county, never the
    city's."""
    key = FIG_KEY.format(region=f"{alias}.region", urban=f"{alias}.urban")
    return f"JOIN figures fg ON fg.fig_key = {key}"


def turned(birth_date: str, age: str) -> str:
    """The birthday this month makes the person `age` (an SQL expression, e.g. a county's figure) years
    old. Pair it with the `{{turning_any:KEY}}` birth-date prefilter so the engine reads only the persons
    born this month at some county's age."""
    return (
        f"(year({birth_date}) = {{{{year}}}} - CAST({age} AS INTEGER) "
        f"AND month({birth_date}) = {{{{month_number}}}})"
    )
