"""The 核对 report as people read it (page and PDF): test names, relations, education levels and
difficulty dimensions by label, amounts without trailing zeros, region codes as names. The stored report
keeps its codes; only the display changes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from minzheng.core.labels import (
    amount,
    dimension_label,
    disability_label,
    education_label,
    humanise,
    relation_label,
    test_label,
)

from .models import VerificationReport

MONEY_FIELDS = ("wages", "pension", "unemployment", "deposits", "securities", "insurance", "medical_oop")


def _disability(d: dict[str, Any] | None) -> str:
    if not d:
        return _("无")
    return _("%(grade)s级%(kind)s") % {
        "grade": d.get("grade", ""),
        "kind": disability_label(d.get("kind", "")),
    }


def report_display(report: VerificationReport) -> dict[str, Any]:
    tests = [
        {
            "label": test_label(t.get("test", "")),
            "verdict": t.get("verdict", ""),
            "detail": humanise(t.get("detail", "")),
            "note": t.get("note", ""),
            "sources": t.get("sources", []),
        }
        for t in report.tests
    ]
    members = []
    for m in report.members:
        row = {
            "name": m.get("name", ""),
            "id_number": m.get("id_number", ""),
            "relation": relation_label(m.get("relation", "")),
            "died": m.get("died", ""),
            "vehicles": len(m.get("vehicles", [])),
            "real_estate": len(m.get("real_estate", [])),
            "businesses": len(m.get("businesses", [])),
            "disability": _disability(m.get("disability")),
            "education": "、".join(education_label(e) for e in m.get("education", [])) or _("无"),
        }
        row.update({f: amount(m.get(f, 0)) for f in MONEY_FIELDS})
        members.append(row)
    comparisons = [
        {
            "item": c.get("item", ""),
            "declared": amount(c.get("declared", 0)),
            "verified": amount(c.get("verified", 0)),
            "under_declared": c.get("under_declared", False),
        }
        for c in report.declared_vs_verified
    ]
    points = [(dimension_label(k), v) for k, v in (report.difficulty_detail.get("points") or {}).items()]
    return {
        "tests": tests,
        "members": members,
        "comparisons": comparisons,
        "points": points,
        "band": report.difficulty_detail.get("band", ""),
        "warnings": list(getattr(report, "warnings", []) or []),
        "missing_sources": report.missing_sources,
    }
