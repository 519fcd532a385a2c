"""困难指数 (difficulty index, seed 002: a national top-10 innovation of Jining): 0–100 from weighted
dimensions, each scaled to 0..1. Weights and bands are policy data (difficulty.w.*, difficulty.band.*);
the method is documented in docs/difficulty-index.md. The screening engine computes the same formula
set-based for the whole city (monitoring.engine); a test checks both agree."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

DIMENSIONS = ("income_gap", "severe_disability", "dependants", "medical", "education", "housing", "sudden")


@dataclass(frozen=True)
class HouseholdFacts:
    members: int
    income: float  # counted monthly income of the household (after the employment deduction)
    standard: float  # dibao standard per person
    severe: int  # members with disability grade 1–2 or large medical costs
    dependants: int  # children < 18, elderly ≥ 60, enrolled students (each person once)
    medical_oop: float  # medical out-of-pocket in the month
    costly_students: int  # enrolled in senior/vocational/college/university
    compulsory_students: int  # enrolled in primary/junior
    residential_properties: int
    sudden_event: bool  # death, unemployment start or new grade 1–2 disability in the month


def scores(f: HouseholdFacts) -> dict[str, float]:
    n = max(f.members, 1)
    need = f.standard * n
    pci = f.income / n
    return {
        "income_gap": min(1.0, max(0.0, (f.standard - pci) / f.standard)) if f.standard else 0.0,
        "severe_disability": min(1.0, f.severe / 2),
        "dependants": min(1.0, f.dependants / n),
        "medical": min(1.0, f.medical_oop / need) if need else 0.0,
        "education": 1.0 if f.costly_students else 0.5 if f.compulsory_students else 0.0,
        "housing": 1.0 if f.residential_properties == 0 else 0.0,
        "sudden": 1.0 if f.sudden_event else 0.0,
    }


def difficulty_index(f: HouseholdFacts, policy: Any) -> tuple[int, str, dict[str, float]]:
    """(index 0–100, band label, per-dimension points). `policy` maps key → Decimal (a PolicySet.get)."""
    s = scores(f)
    points = {k: float(Decimal(str(policy(f"difficulty.w.{k}")))) * v for k, v in s.items()}
    index = int(Decimal(str(sum(points.values()))).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    index = max(0, min(100, index))
    return index, band(index, policy), points


def band(index: int, policy: Any) -> str:
    if index >= float(policy("difficulty.band.special")):
        return "特别困难"
    if index >= float(policy("difficulty.band.relative")):
        return "比较困难"
    return "一般"
