"""A walk of the "244" ledger and the place names (地名) in the browser, at desktop width and on a 390 px
phone, over the demo lines' own data: every page reads as people read it (no region codes, English enum
values, ISO timestamps or padded decimals) and nothing runs wider than the phone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e

# A region code standing alone (not a masked ID "370811********0006", not the decimals of 35.410512), an
# ISO timestamp, a decimal padded to the column's places, an enum value of these lines.
RAW = (
    re.compile(r"(?<![\d*.])(?:\d{12}|\d{9}|\d{6})(?![\d*])"),
    re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:"),
    re.compile(r"\d\.\d*000\b"),
    re.compile(
        r"\b(?:at_risk|returned|escorted|dementia|mental|intellectual|routine|winter|summer|standard|reserve"
        r"|road|residential|natural|applied|reviewed|approved|rejected|naming|renaming|None|True|False)\b"
    ),
)


def _read(page: Any, base: str, path: str, width: int) -> str:
    page.set_viewport_size({"width": width, "height": 844})
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status == 200, path
    text = page.inner_text("main")
    for pattern in RAW:
        found = pattern.search(text)
        assert found is None, f"{path} @{width}px: {found.group(0) if found else ''!r}"
    if width <= 390:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    return text


def test_the_ledger_and_the_place_names_read_as_people_read_them_on_desktop_and_phone(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.accounts.system import system_actor
    from minzheng.demo.lines import placenames, vagrants
    from minzheng.placenames.models import NamingApplication, PlaceName
    from minzheng.vagrants.models import LedgerEntry

    staff("shehui", "social_affairs_officer", "370811")
    staff("cunxieli", "village_assistant", "370811001001")
    year = timezone.localdate().year
    for i in range(7):
        family(
            f"E2EW{i:03d}",
            [
                (f"张{i}山", "head", dt.date(year - 55 - i, 3, 1 + i), "M", str(60 + 2 * i)),
                (f"李{i}梅", "spouse", dt.date(year - 53 - i, 5, 1 + i), "F", str(61 + 2 * i)),
            ],
        )
    robot = system_actor(purpose="测试数据")
    assert "救助站1个" in vagrants.seed(actor=robot, seed=3)
    assert "跳过" not in placenames.seed(actor=robot, seed=3)
    base, page = live_server.url, browser_page

    login(page, base, "shehui")
    entry = LedgerEntry.objects.order_by("pk").first()
    place = PlaceName.objects.exclude(latitude=None).order_by("pk").first()
    application = NamingApplication.objects.order_by("pk").first()
    assert entry is not None and place is not None and application is not None
    paths = [
        "/vagrants/ledger/",
        f"/vagrants/ledger/{entry.pk}/visit/",
        "/vagrants/patrols/",
        "/vagrants/alerts/",
        "/vagrants/rate/",
        "/placenames/",
        f"/placenames/{place.pk}/",
        "/placenames/reserve/",
        "/placenames/applications/",
        f"/placenames/applications/{application.pk}/",
    ]
    for width in (1280, 390):
        for path in paths:
            _read(page, base, path, width)
    text = _read(page, base, f"/placenames/{place.pk}/", 390)
    assert "北纬" in text and "任城区" in text

    login(page, base, "cunxieli")
    for path in ("/vagrants/ledger/", f"/vagrants/ledger/{entry.pk}/visit/", "/placenames/"):
        _read(page, base, path, 390)

    # issue 16: anyone (no login) finds the approved name, its 文号 and the township as a 行政区划 name
    page.context.clear_cookies()
    text = _read(page, base, f"/placenames/public/?q={place.name}", 390)
    assert place.name in text and place.approval_no in text and "请先" not in text
    text = _read(page, base, "/placenames/public/?category=admin&q=王邹", 390)
    assert "王邹街道" in text and "行政区划" in text
