"""Fixtures for the registry of persons without an ID: real services, small real images."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from minzheng.people.models import UnidentifiedRecord
from minzheng.people.services import unidentified_register
from tests.conftest import VILLAGE_A


def png_bytes() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def photo(name: str = "photo.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type="image/png")


@pytest.fixture
def patrol(make_user: Callable[..., Any]) -> Any:
    """The township clerk of 370811001, who registers what the patrol finds."""
    return make_user("township_clerk", "370811001")


@pytest.fixture
def register(patrol: Any) -> Callable[..., UnidentifiedRecord]:
    def make(**kw: Any) -> UnidentifiedRecord:
        args: dict[str, Any] = {
            "actor": patrol,
            "kind": "vagrant",
            "region_code": VILLAGE_A,
            "found_on": timezone.localdate() - dt.timedelta(days=1),
            "found_place": "火车站南广场",
            "description": "男，身高约170厘米，偏瘦，灰色棉衣，左手背有疤痕",
            "sex": "M",
            "estimated_age": "45",
        }
        args.update(kw)
        return unidentified_register(**args)

    return make
