"""OpenAPI names a schema by its class name alone: two lines' `HouseholdOut` would share one component,
and the document (and schemathesis) would check one route's answers against the other's fields."""

from __future__ import annotations

from typing import Any

from ninja import Schema


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def test_no_two_api_schemas_of_the_house_share_a_name(client: Any) -> None:
    client.get("/api/v1/openapi.json")  # every line's router (and its schemas) is loaded
    mine = [c for c in _subclasses(Schema) if c.__module__.startswith("minzheng.")]
    by_name: dict[str, set[str]] = {}
    for c in mine:
        by_name.setdefault(c.__name__, set()).add(c.__module__)
    assert len(mine) > 20
    assert {n: m for n, m in by_name.items() if len(m) > 1} == {}
