from __future__ import annotations

import contextlib
import datetime as dt
import glob
import itertools
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from minzheng.accounts.models import User
from minzheng.accounts.system import system_actor
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


# Reference data a migration writes (catalogues, categories): a flush empties these tables too, and
# the migration does not run again, so a transactional test writes them back the migration's own way.
MIGRATION_DATA = (
    ("minzheng.governance.migrations.0002_categories_and_catalogue", "forward"),
    ("minzheng.homecare.migrations.0002_catalogue", "load"),
    ("minzheng.villageaffairs.migrations.0002_catalogue", "load"),
    ("minzheng.regions.migrations.0002_national_divisions", "load"),
)


def reference_data_load() -> None:
    """What a flushed database lacks of a migrated one: the region tree, the policy fixtures and the
    catalogues the migrations load."""
    import importlib

    from django.apps import apps

    from minzheng.policy.services import policy_load_fixture
    from minzheng.regions.models import Region
    from minzheng.regions.services import regions_load

    if not Region.objects.exists():
        regions_load()
        policy_load_fixture()
    for module, function in MIGRATION_DATA:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def city_db(transactional_db: Any) -> None:
    """A transactional test (threads) starts from the flushed database another one may have left: the
    reference data django_db_setup and the migrations loaded once per session is loaded again."""
    reference_data_load()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _no_denials_carried_over() -> None:
    """A refusal left pending by one test (its transaction rolled back, no request flushed it) would be
    written by the next test's flush, naming a user that test never had (a foreign-key error on
    PostgreSQL)."""
    from minzheng.accounts import permissions

    permissions._pending.rows = []


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Each test starts in the site's language: a request with the English cookie leaves the thread's
    language switched (LocaleMiddleware activates it and nothing switches it back), and a later test in
    the same worker would read English labels."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


_anchor_files = itertools.count(1)


@pytest.fixture(autouse=True)
def _own_audit_anchor_file(settings: Any) -> None:
    """Each test signs audit anchors into its own file: the database rolls back between tests, the
    anchors of an earlier test would name rows that no longer exist."""
    settings.AUDIT_ANCHOR_FILE = Path(settings.DATA_DIR) / f"audit-anchors-{next(_anchor_files)}.log"


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


def verified(application: Any, actor: Any, conclusion: str = "manual") -> Any:
    """A finished 核对 of `application` (the report the online check writes). The check itself needs a
    departmental snapshot and is tested in tests/verification; flows that only pass through it use this."""
    from minzheng.verification.models import VerificationReport

    return VerificationReport.objects.create(
        application=application,
        region_code=application.region_code,
        snapshot_month="2025-06",
        snapshot_sha="0" * 64,
        rule_version="test",
        conclusion=conclusion,
        members=[],
        totals={},
        tests=[],
        declared_vs_verified=[],
        created_by=actor,
    )


@pytest.fixture
def make_person(db: Any) -> Callable[..., Person]:
    def make(
        village: str = VILLAGE_A,
        birth: dt.date = dt.date(1980, 1, 1),
        sex: str = "M",
        name: str = "张三",
        **kw: Any,
    ) -> Person:
        # The desk refuses a name like "=HYPERLINK(…)", but rows already stored (older imports) may carry
        # one and every export must still neutralise it: such a name is written past the service.
        typed = name[:1] in "=+-@"
        person = person_create(
            actor=system_actor(purpose="测试数据"),
            id_number=new_id(village[:6], birth, sex),
            name="待改名" if typed else name,
            hukou_type=kw.pop("hukou_type", "urban"),
            hukou_region_code=village,
            **kw,
        )
        if typed:
            Person.objects.filter(pk=person.pk).update(name=name)
            person.name = name
        return person

    return make


@pytest.fixture
def make_household(db: Any, make_person: Callable[..., Person]) -> Callable[..., Household]:
    def make(village: str = VILLAGE_A, size: int = 3, hukou_type: str = "urban") -> Household:
        head = make_person(village=village, name="户主", hukou_type=hukou_type)
        hh = household_create(
            actor=system_actor(purpose="测试数据"),
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
                actor=system_actor(purpose="测试数据"),
                household=hh,
                person=member,
                relation="child",
                start_date=dt.date(2010, 1, 1),
            )
        return hh

    return make


# ---------------------------------------------------------------- PII scan over the whole suite (issue 7)
# What is scanned: every URL requested (core.testing.RecordUrlsMiddleware), every log line, and, after
# each test, every audit row, import-job and snapshot text field it left in the database and every file
# name under MEDIA_ROOT and SNAPSHOT_DIR. All are checked for ID and card numbers; stored rows for mobile
# numbers too (audit_record masks them; random hex file names would now and then look like one).
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
    _sqlite_flush_lifts_the_audit_guard()


def _sqlite_flush_lifts_the_audit_guard() -> None:
    """Transactional tests end with a flush, which on SQLite is DELETE FROM every table; the audit
    table's append-only trigger (audit migration 0008) is dropped around that DELETE and put back."""
    from django.db.backends.sqlite3.base import DatabaseOperations  # base first: no import cycle

    from minzheng.audit.triggers import SQLITE_CREATE, SQLITE_DROP

    if getattr(DatabaseOperations.sql_flush, "_lifts_audit_guard", False):
        return
    original = DatabaseOperations.sql_flush

    def sql_flush(self: Any, style: Any, tables: Any, **kw: Any) -> list[str]:
        statements = original(self, style, tables, **kw)
        if "audit_auditlog" not in tables:
            return statements
        return [*SQLITE_DROP, *statements, *SQLITE_CREATE]

    sql_flush._lifts_audit_guard = True  # type: ignore[attr-defined]
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


_scanned: set[str] = set()


def _scan_write(kind: str, texts: list[str]) -> None:
    folder = os.environ.get("MINZHENG_PII_SCAN_DIR")
    fresh = [t.replace("\n", " ") for t in texts if t and t not in _scanned]
    if not folder or not fresh:
        return
    _scanned.update(fresh)
    with open(os.path.join(folder, f"{kind}-{os.getpid()}.txt"), "a", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in fresh))


def _strings(value: Any, key: Any = None) -> Iterator[str]:
    from minzheng.core.pii import is_digest

    if isinstance(value, str):
        if not is_digest(key, value):
            yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v, k)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _stored_texts() -> list[str]:
    """The text of every audit row, import job and snapshot in the test's database."""
    from minzheng.audit.models import AuditLog
    from minzheng.exchange.models import ImportJob, Snapshot, SnapshotSource

    texts: list[str] = []
    fields = ("seq", "actor_name", "target_type", "target_id", "outcome", "detail", "old", "new", "ip")
    for row in AuditLog.objects.values_list(*fields):
        texts.append(f"audit #{row[0]}: " + " | ".join(s for v in row[1:] for s in _strings(v)))
    for job in ImportJob.objects.values_list("pk", "file_name", "archive_path", "stage", "message", "error"):
        texts.append(f"import job {job[0]}: " + " | ".join(job[1:]))
    for snap in Snapshot.objects.values_list("pk", "path", "reason", "imported_via", "rejects_file"):
        texts.append(f"snapshot {snap[0]}: " + " | ".join(snap[1:]))
    for src in SnapshotSource.objects.values_list("pk", "file"):
        texts.append(f"snapshot source {src[0]}: {src[1]}")
    return texts


def _stored_file_names() -> list[str]:
    from django.conf import settings

    names: list[str] = []
    for root in {Path(settings.MEDIA_ROOT), Path(settings.SNAPSHOT_DIR)}:
        for folder, dirs, files in os.walk(root):
            names.extend(f"file {os.path.join(folder, name)}" for name in (*dirs, *files))
    return names


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: Any) -> Iterator[None]:
    """After the test body, before its database rolls back: record what it stored for the final scan."""
    yield
    from django.db import DatabaseError

    _scan_write("files", _stored_file_names())
    if "_django_db_helper" not in getattr(item, "fixturenames", ()):
        return
    with contextlib.suppress(DatabaseError):  # a test ending in a broken transaction has nothing to read
        _scan_write("rows", _stored_texts())


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """Every URL, log line, stored row and file name of the suite: 0 ID numbers, 0 card numbers."""
    if hasattr(session.config, "workerinput"):
        return
    from minzheng.core.pii import find_pii

    folder = os.environ.get("MINZHENG_PII_SCAN_DIR", "")
    leaks: list[str] = []
    scanned = 0
    for path in glob.glob(os.path.join(folder, "*.txt")):
        phones = os.path.basename(path).startswith("rows-")
        with open(path, encoding="utf-8") as f:
            for line in f:
                scanned += 1
                if find_pii(line, phones=phones):
                    leaks.append(f"{os.path.basename(path)}: {line.strip()[:200]}")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"PII scan: {scanned} URLs, log lines, audit/job rows and file names scanned, "
            f"{len(leaks)} with an ID, card or phone number"
        )
    if leaks:
        for leak in leaks[:20]:
            if reporter is not None:
                reporter.write_line("  LEAK " + leak)
        session.exitstatus = 1
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def run_worker(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Run the database worker (the loop of `minzheng db_worker --batch`) here until no task is ready.
    Its per-loop close_old_connections would close the test's transaction, so it is skipped; its signal
    handlers are not installed (Worker.run, not the command)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=20,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()

    return run
