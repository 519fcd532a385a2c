"""A to-do on a role's 首页: what waits for the actor, how many, the first few, and where the list is.
Ground floor, so that any line can register its to-dos (`programmes.registry.Line.todos`) and the home
page (web) can show them without either importing the other."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Item:
    label: str
    url: str
    note: str = ""


@dataclass
class Todo:
    key: str
    title: str
    count: int
    url: str
    items: list[Item] = field(default_factory=list)
    empty: str = ""
