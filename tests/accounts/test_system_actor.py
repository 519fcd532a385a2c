"""The system actor replaces `actor=None`: automatic work names what it does, sees the whole city, holds
only the permissions the matrix grants the system, and reads as such in the audit log; a service called
for nobody refuses to run instead of skipping the region check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from minzheng.accounts import permissions
from minzheng.accounts.models import Role
from minzheng.accounts.permissions import PERMISSIONS, SYSTEM, Denied, can, require
from minzheng.accounts.scoping import in_scope, scope
from minzheng.accounts.services import user_create
from minzheng.accounts.system import system_actor
from minzheng.audit.models import AuditEvent, AuditLog
from minzheng.core.idnumber import make_id_number
from minzheng.exchange.services import snapshot_import
from minzheng.monitoring.services import screening_run
from minzheng.people.importers import people_import_snapshot
from minzheng.people.models import Person
from minzheng.people.services import person_create, person_record_death
from tests.conftest import TOWN_A, VILLAGE_A, VILLAGE_B


@pytest.fixture(autouse=True)
def _no_denials_from_earlier_tests() -> None:
    permissions._pending.rows = []


def test_the_system_sees_every_region_of_the_city(make_person: Any) -> None:
    here, there = make_person(village=VILLAGE_A), make_person(village=VILLAGE_B)
    system = system_actor(purpose="全市动态监测")
    assert set(scope(Person.objects.all(), system)) == {here, there}
    assert in_scope(system, VILLAGE_B) and in_scope(system, "370800")


def test_the_system_holds_only_what_the_matrix_grants_it_and_a_refusal_reads_as_the_system(db: Any) -> None:
    system = system_actor(purpose="夜间批处理")
    granted = {name for name, roles in PERMISSIONS.items() if SYSTEM in roles}
    assert {"screening.run", "exchange.import", "people.import"} <= granted
    assert all(can(system, name) == (name in granted) for name in PERMISSIONS)
    with pytest.raises(Denied, match="只有"):
        require(system, "payroll.freeze", region_code="370811", target="payroll:1")
    row = AuditLog.objects.get(event_type=AuditEvent.DENIED)
    assert (row.actor_id, row.actor_name, row.target_type) == (
        None,
        "系统（定时任务：夜间批处理）",
        "payroll.freeze",
    )


def test_what_the_system_writes_is_audited_under_its_purpose(db: Any) -> None:
    person = person_create(
        actor=system_actor(purpose="存量数据导入"),
        id_number=make_id_number("370811", dt.date(1970, 3, 3), 5, "F"),
        name="赵五",
        hukou_type="rural",
        hukou_region_code=VILLAGE_A,
    )
    row = AuditLog.objects.get(target_type="person", target_id=str(person.pk))
    assert (row.actor_id, row.actor_name) == (None, "系统（定时任务：存量数据导入）")


def test_a_system_actor_must_say_what_it_is_doing() -> None:
    with pytest.raises(ValueError, match="用途"):
        system_actor(purpose=" ")


def test_a_service_called_for_nobody_refuses_instead_of_skipping_the_region_check(
    make_person: Any, tmp_path: Path
) -> None:
    person = make_person()
    calls = (
        lambda: person_create(
            actor=None,
            id_number=make_id_number("370811", dt.date(1971, 1, 1), 9, "M"),
            name="无名",
            hukou_type="urban",
            hukou_region_code=VILLAGE_A,
        ),
        lambda: person_record_death(actor=None, person=person, death_date=dt.date(2025, 1, 1)),
        lambda: require(None, "screening.run"),
        lambda: screening_run(actor=None, month="2025-06"),
        lambda: snapshot_import(actor=None, source_dir=tmp_path / "2025-06"),
        lambda: people_import_snapshot(snapshot=tmp_path / "2025-06", actor=None),
        lambda: user_create(
            actor=None,
            username="ghost",
            password="Pass-word-123",
            role=Role.TOWNSHIP_CLERK,
            region_code=TOWN_A,
        ),
    )
    for call in calls:
        with pytest.raises(TypeError, match="system_actor"):
            call()
    person.refresh_from_db()
    assert person.is_alive and Person.objects.count() == 1


def test_a_person_cannot_run_what_only_the_system_may(make_user: Any, tmp_path: Path) -> None:
    officer = make_user(Role.CITY_OFFICER, "370800")
    with pytest.raises(Denied):
        people_import_snapshot(snapshot=tmp_path / "2025-06", actor=officer)
    assert permissions.flush_denials() == 1  # written again after the refused import rolled back
    assert AuditLog.objects.filter(
        event_type=AuditEvent.DENIED, actor=officer, target_type="people.import"
    ).exists()
