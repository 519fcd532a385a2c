"""Shared API answer shapes: every endpoint documents its errors, each a Chinese {"detail": ...}."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: str


def with_errors(ok: Any) -> dict[int, Any]:
    return {200: ok, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
