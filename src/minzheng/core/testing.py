"""Test-only instrumentation (enabled by settings.test): every URL the suite requests is recorded so the
suite can prove that no ID or bank-card number ever appears in a URL."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from django.http import HttpRequest, HttpResponse


def record_path() -> Path | None:
    base = os.environ.get("MINZHENG_PII_SCAN_DIR")
    if not base:
        return None
    return Path(base) / f"urls-{os.getpid()}.txt"


class RecordUrlsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        path = record_path()
        # Property-based fuzzing sends random digits by design; those requests are not application output.
        if path is not None and not request.headers.get("X-Minzheng-Fuzz"):
            with path.open("a", encoding="utf-8") as f:
                f.write(request.get_full_path() + "\n")
                if response.has_header("Location"):
                    f.write(response["Location"] + "\n")
        return response
