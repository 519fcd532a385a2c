from __future__ import annotations

import datetime as dt
import glob
import itertools
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from minzheng.accounts.models import User
from minzheng.core.idnumber import make_id_number
from minzheng.people.models import Household, Person
from minzheng.people.services import household_add_member, household_create, person_create

TOWN_A = "370811001"  # a 任城区 street
TOWN_B = "370812001"  # a 兖州区 street
VILLAGE_A = "370811001001"
VILLAGE_B = "370812001001"

_seq = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Region tree and policy fixtures are loaded once per session; each test rolls back to this state."""
    from minzheng.policy.services import policy_load_fixture
    from minzheng.regions.services import regions_load

    with django_db_blocker.unblock():
        regions_load()
        policy_load_fixture()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    from minzheng.regions.models import Region

    def make(
        role: str,
        region_code: str,
        username: str | None = None,
        password: str = "Pass-word-123",  # noqa: S107
    ) -> User:
        user = User(
            username=username or f"u{next(_seq)}", role=role, region=Region.objects.get(code=region_code)
        )
        user.set_password(password)
        user.save()
        return user

    return make


def new_id(county: str = "370811", birth: dt.date = dt.date(1980, 1, 1), sex: str = "M") -> str:
    return make_id_number(county, birth, next(_seq) % 500, sex)


@pytest.fixture
def make_person(db: Any) -> Callable[..., Person]:
    def make(
        village: str = VILLAGE_A,
        birth: dt.date = dt.date(1980, 1, 1),
        sex: str = "M",
        name: str = "张三",
        **kw: Any,
    ) -> Person:
        return person_create(
            actor=None,
            id_number=new_id(village[:6], birth, sex),
            name=name,
            hukou_type=kw.pop("hukou_type", "urban"),
            hukou_region_code=village,
            **kw,
        )

    return make


@pytest.fixture
def make_household(db: Any, make_person: Callable[..., Person]) -> Callable[..., Household]:
    def make(village: str = VILLAGE_A, size: int = 3, hukou_type: str = "urban") -> Household:
        head = make_person(village=village, name="户主", hukou_type=hukou_type)
        hh = household_create(
            actor=None,
            number=f"H{next(_seq):08d}",
            region_code=village,
            hukou_type=hukou_type,
            head=head,
            start_date=dt.date(2010, 1, 1),
        )
        for i in range(size - 1):
            member = make_person(
                village=village, birth=dt.date(2005, 1, 1 + i), name=f"成员{i}", hukou_type=hukou_type
            )
            household_add_member(
                actor=None, household=hh, person=member, relation="child", start_date=dt.date(2010, 1, 1)
            )
        return hh

    return make


# ---------------------------------------------------------------- PII scan over the whole suite (issue 7)
class _LogSink(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        path = os.environ.get("MINZHENG_PII_SCAN_DIR")
        if path:
            with open(os.path.join(path, f"logs-{os.getpid()}.txt"), "a", encoding="utf-8") as f:
                f.write(self.format(record) + "\n")


def pytest_configure(config: Any) -> None:
    if not hasattr(config, "workerinput"):  # the controller makes one folder all workers share
        os.environ["MINZHENG_PII_SCAN_DIR"] = tempfile.mkdtemp(prefix="minzheng-pii-")
    handler = _LogSink(level=logging.DEBUG)
    handler.addFilter(lambda r: True)
    logging.getLogger().addHandler(handler)


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """Every URL requested and every log line written during the suite: 0 ID numbers, 0 card numbers."""
    if hasattr(session.config, "workerinput"):
        return
    from minzheng.core.pii import find_card_numbers, find_id_numbers

    folder = os.environ.get("MINZHENG_PII_SCAN_DIR", "")
    leaks: list[str] = []
    scanned = 0
    for path in glob.glob(os.path.join(folder, "*.txt")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                scanned += 1
                if find_id_numbers(line) or find_card_numbers(line):
                    leaks.append(f"{os.path.basename(path)}: {line.strip()[:200]}")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"PII scan: {scanned} URLs/log lines scanned, {len(leaks)} with an ID or card number"
        )
    if leaks:
        for leak in leaks[:20]:
            if reporter is not None:
                reporter.write_line("  LEAK " + leak)
        session.exitstatus = 1
    shutil.rmtree(folder, ignore_errors=True)
