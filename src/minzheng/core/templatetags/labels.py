"""Template filters over core.labels, so pages show names, not codes: {{ r.test|test_label }},
{{ m.relation|relation_label }}, {{ value|amount }}, {{ d.inputs.policy|policy_rows }}."""

from __future__ import annotations

from typing import Any

from django import template

from minzheng.core import labels

register = template.Library()


@register.filter
def test_label(code: str) -> str:
    return labels.test_label(code)


@register.filter
def relation_label(code: str) -> str:
    return labels.relation_label(code)


@register.filter
def state_label(code: str) -> str:
    return labels.state_label(code)


@register.filter
def dimension_label(code: str) -> str:
    return labels.dimension_label(code)


@register.filter
def amount(value: Any, unit: str = "元") -> str:
    return labels.amount(value, unit)


@register.filter
def humanise(text: str) -> str:
    return labels.humanise(text)


@register.filter
def policy_rows(values: dict[str, Any] | None) -> list[tuple[str, str]]:
    return labels.policy_rows(values or {})


@register.filter
def region_name(code: str) -> str:
    return labels.region_name(code, full=True)


@register.filter
def rule_version_label(version: str) -> str:
    return labels.rule_version_label(version)
