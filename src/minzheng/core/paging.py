"""Next/previous paging without a COUNT(*): a page asks for one row more than it shows, so a list over a
city-sized table costs one indexed LIMIT query however many rows match (the total, where a page shows
one, comes from a maintained figure, never from counting per request)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

MAX_PAGE = 10_000  # deep offsets are no way to find someone: the search narrows instead


class SeekPage:
    """What the list templates use of a Django `Page` (iteration, number, has_next/has_previous, the
    neighbouring page numbers), with no paginator and no total."""

    def __init__(self, qs: QuerySet[Any], number: Any, per_page: int) -> None:
        try:
            self.number = min(max(int(number), 1), MAX_PAGE)
        except (TypeError, ValueError):
            self.number = 1
        start = (self.number - 1) * per_page
        rows = list(qs[start : start + per_page + 1])
        self.object_list = rows[:per_page]
        self.has_next_rows = len(rows) > per_page

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self.has_next_rows

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1
