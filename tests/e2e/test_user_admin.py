"""Browser run of the user admin: the system admin creates a township clerk through the region cascade,
hands over the one-time password, the clerk logs in with it, and the admin deactivates the account."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import login, staff

pytestmark = pytest.mark.e2e

TOWN = "370811001"


def test_the_admin_creates_an_account_through_the_cascade_and_the_new_clerk_logs_in(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from minzheng.accounts.models import User

    staff("admin", "sysadmin", "370800")
    base = live_server.url
    page = browser_page
    login(page, base, "admin")
    page.goto(f"{base}/users/")
    page.click("#user-new")
    page.fill("input[name=username]", "wangjingban")
    page.fill("input[name=display_name]", "王经办")
    page.select_option("select[name=role]", "township_clerk")
    page.select_option("#user-county", "370811")
    page.wait_for_selector(f"#user-township option[value='{TOWN}']", state="attached")
    page.select_option("#user-township", TOWN)
    page.fill("input[name=phone]", "13912345678")
    page.click("#user-form button[type=submit]")
    page.wait_for_selector("#one-time-password")
    password = page.inner_text("#one-time-password").strip()
    clerk = User.objects.get(username="wangjingban")
    assert clerk.region.code == TOWN and clerk.role == "township_clerk"

    login(page, base, "wangjingban", password)
    assert "乡镇经办" in page.inner_text("main")

    login(page, base, "admin")
    page.goto(f"{base}/users/{clerk.pk}/")
    assert "139****5678" in page.inner_text("#account")
    page.fill("#active-form input[name=reason]", "调离")
    page.click("#active-form button[type=submit]")
    page.wait_for_selector("text=账号已停用")
    clerk.refresh_from_db()
    assert not clerk.is_active
