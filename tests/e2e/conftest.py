"""Browser fixtures: Debian's Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page() -> Iterator[Any]:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"找不到 Chromium：{CHROMIUM}（.ci/run 会安装 Debian 的 chromium）")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(locale="zh-CN")
        yield page
        browser.close()


@pytest.fixture
def city(transactional_db: Any) -> None:
    from tests.conftest import reference_data_load

    reference_data_load()  # transactional tests flush tables, so (re)load what the session loaded


def family(number: str, members: list[tuple[str, str, dt.date, str, str]]) -> Any:
    """Register a household through the services: members are (name, relation, birth, sex, id seq)."""
    from minzheng.accounts.system import system_actor
    from minzheng.core.idnumber import make_id_number
    from minzheng.people.services import household_register

    rows = [
        {"name": name, "relation": rel, "id_number": make_id_number("370811", birth, int(seq), sex)}
        for name, rel, birth, sex, seq in members
    ]
    hh = household_register(
        actor=system_actor(purpose="测试数据"),
        number=number,
        region_code="370811001001",
        hukou_type="urban",
        members=rows,
        start_date=max(m[2] for m in members),
    )
    return hh, rows


PASSWORD = "Browser-pass-1"


def staff(username: str, role: str, region_code: str) -> Any:
    """A user of the desk, created through the service, with the browser tests' password."""
    from minzheng.accounts.services import user_create
    from minzheng.accounts.system import system_actor

    return user_create(
        actor=system_actor(purpose="测试数据"),
        username=username,
        password=PASSWORD,
        role=role,
        region_code=region_code,
        display_name=username,
    )


@pytest.fixture
def clerk(city: None) -> Any:
    """The township clerk of 370811001 (username "clerk")."""
    return staff("clerk", "township_clerk", "370811001")


def login(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.fixture
def snapshot(city: None, settings: Any, tmp_path: Any) -> None:
    """This month's departmental data, imported, so that the online 核对 has something to check against."""
    from django.utils import timezone

    from minzheng.accounts.system import system_actor
    from minzheng.demo.synth import generate_city
    from minzheng.exchange.services import snapshot_import

    month = f"{timezone.localdate():%Y-%m}"
    settings.SNAPSHOT_DIR = tmp_path / "snapshots"
    generate_city(persons=300, seed=5, out_dir=tmp_path / "city", month=month)
    result = snapshot_import(actor=system_actor(purpose="测试数据"), source_dir=tmp_path / "city" / month)
    assert result.accepted, result.message


@pytest.fixture(autouse=True)
def queue_worker(request: Any) -> Iterator[None]:
    """The job queue's worker beside the live server (as `make run` starts it): a thread with its own
    database connection that runs queued tasks (payroll rolls, big exports) while the browser waits."""
    if "live_server" not in request.fixturenames:
        yield
        return
    import threading

    from django.db import connection
    from django_tasks_db.management.commands import db_worker

    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="e2e-worker",
        excluded_queue_names=[],
    )

    def run() -> None:
        try:
            worker.run()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield
    worker.running = False
    thread.join(timeout=10)
