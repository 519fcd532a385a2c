"""Guarantees that only a real PostgreSQL server can prove (run by `.ci/run` against PostgreSQL 15)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from minzheng.assistance import services as svc
from minzheng.assistance.models import Decision
from minzheng.benefits.models import Enrolment
from tests.conftest import TOWN_A

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.fixture
def city(transactional_db):
    from minzheng.policy.services import policy_load_fixture
    from minzheng.regions.services import regions_load

    regions_load()
    policy_load_fixture()


def test_two_simultaneous_approvals_of_one_case_succeed_exactly_once_100_times(
    city, make_household, make_user
):
    clerk = make_user("township_clerk", TOWN_A)
    approvers = [make_user("township_approver", TOWN_A), make_user("township_approver", TOWN_A)]
    outcomes: list[tuple[int, int]] = []
    for _ in range(100):
        hh = make_household(size=1)
        app = svc.application_create(
            actor=clerk,
            programme="temporary",
            household=hh,
            applicant=hh.memberships.get().person,
            declared={"members": [{"person_id": hh.memberships.get().person_id}]},
            amount_requested=800,
            emergency_kind="urgent",
        )
        svc.application_submit(actor=clerk, application=app)
        barrier = threading.Barrier(2)
        results: list[str] = []

        def approve(user, app_id=app.pk, version=app.version, barrier=barrier, results=results):
            from minzheng.assistance.models import Application

            try:
                barrier.wait()
                svc.application_decide(
                    actor=user,
                    application=Application.objects.get(pk=app_id),
                    outcome="grant",
                    expected_version=version,
                )
                results.append("ok")
            except ValidationError:
                results.append("refused")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=approve, args=(u,)) for u in approvers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        outcomes.append((results.count("ok"), Decision.objects.filter(application=app).count()))
    assert outcomes == [(1, 1)] * 100
    assert Enrolment.objects.count() == 100


def test_a_database_dump_contains_no_plaintext_id_number(city, make_household):
    pg_dump = shutil.which("pg_dump") or next(
        (p for p in sorted(__import__("glob").glob("/usr/lib/postgresql/*/bin/pg_dump"))), None
    )
    if pg_dump is None:
        pytest.fail("pg_dump 不可用")
    ids = [m.person.id_number for _ in range(5) for m in make_household(size=3).memberships.all()]
    s = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": s["PASSWORD"] or ""}
    dump = subprocess.run(
        [pg_dump, "-h", s["HOST"], "-p", str(s["PORT"]), "-U", s["USER"], "-d", s["NAME"], "--data-only"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    ).stdout
    assert "people_person" in dump and len(dump) > 10_000
    assert [i for i in ids if i in dump] == []
    assert [i[:6] + i[6:14] for i in ids if i[:6] + i[6:14] in dump] == []  # not even the ID's first 14


def test_the_audit_table_refuses_a_purge_of_young_rows_even_with_the_flag(city):
    from django.db import DatabaseError, transaction

    from minzheng.audit.models import AuditLog
    from minzheng.audit.services import audit_record

    audit_record(actor=None, event_type="create", target_type="t", target_id=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL minzheng.audit_purge = 'on'")
        cur.execute("DELETE FROM audit_auditlog")
    assert AuditLog.objects.count() == 1
