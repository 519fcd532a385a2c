"""The house in a real browser: an unknown address answers a Chinese 未找到 page (DEBUG on and off), the
navigation folds behind 菜单 on a 390 px phone for every role so the page starts in the first screen, and
TOTP enrolment shows a QR image (CSP allows the data: image)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.e2e.conftest import PASSWORD, login, staff

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _shot(page: Any, name: str) -> None:
    os.makedirs("test-results", exist_ok=True)
    page.screenshot(path=f"test-results/{name}.png", full_page=False)


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_address_shows_a_chinese_not_found_page_with_a_way_home(
    live_server: Any, browser_page: Any, city: None, settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug
    staff("xianji", "county_officer", "370811")
    page = browser_page
    login(page, live_server.url, "xianji")
    response = page.goto(f"{live_server.url}/no-such-desk/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "未找到"
    body = page.locator("body").inner_text()
    assert "Page not found" not in body and "URLconf" not in body
    page.click("text=返回首页")
    page.wait_for_url(f"{live_server.url}/")
    _shot(page, f"polish-404-debug-{debug}")


def _region_for(level: str) -> str:
    from minzheng.regions.models import Region

    if level == "city":
        return "370800"
    return (
        Region.objects.filter(level=level, code__startswith="370811")
        .order_by("code")
        .values_list("code", flat=True)[0]
    )


def test_the_navigation_folds_behind_a_menu_button_at_390_px_for_every_role(
    live_server: Any, browser_page: Any, city: None
) -> None:
    from minzheng.accounts.models import ROLE_LEVEL, Role

    page = browser_page
    page.set_viewport_size(PHONE)
    for role in Role.values:
        username = f"role{Role.values.index(role)}"
        staff(username, role, _region_for(ROLE_LEVEL[role]))
        login(page, live_server.url, username)
        nav, toggle = page.locator("#main-nav"), page.locator("[data-menu-toggle]")
        assert toggle.is_visible() and not nav.is_visible(), role
        top = page.locator("main").bounding_box()["y"]
        assert top < 120, (role, top)  # the header is one row: the page starts in the first screen
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], role
        _shot(page, f"polish-nav-390-{role}")
        toggle.click()
        assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true", role
        assert page.locator("header .who").is_visible(), role  # 修改密码 / 退出 are inside the menu
        _shot(page, f"polish-nav-390-{role}-open")
        toggle.click()
        assert not nav.is_visible(), role


def test_the_navigation_stays_a_bar_on_a_desktop(live_server: Any, browser_page: Any, city: None) -> None:
    staff("xianji", "county_officer", "370811")
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, live_server.url, "xianji")
    assert page.locator("#main-nav").is_visible() and not page.locator("[data-menu-toggle]").is_visible()


def test_totp_enrolment_shows_a_qr_image(
    live_server: Any, browser_page: Any, city: None, settings: Any
) -> None:
    settings.OTP_REQUIRED_ROLES = ["sysadmin"]
    staff("admin1", "sysadmin", "370800")
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "admin1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/otp/**")
    qr = page.locator("#otp-qr")
    assert qr.is_visible()
    assert page.evaluate("document.getElementById('otp-qr').naturalWidth") > 0  # decoded, not blocked
    assert page.locator("#otp-secret").inner_text().strip()
    _shot(page, "polish-totp-qr")
