"""Verification of one household against an imported snapshot: totals equal an independent pyarrow
computation, the policy tests read the verified figures, missing sources make it 需人工核实, and
declared-vs-verified flags under-declaration."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.assistance import services as svc
from minzheng.audit.models import AuditLog
from minzheng.demo.synth import generate_city
from minzheng.exchange.services import snapshot_import
from minzheng.people.importers import people_import_snapshot
from minzheng.people.models import Household
from minzheng.verification.pdf import report_pdf
from minzheng.verification.services import verification_run

MONTH = "2025-06"


@pytest.fixture(scope="session")
def small_city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("city")
    generate_city(persons=2500, seed=11, out_dir=out, month=MONTH)
    return out


@pytest.fixture
def imported(db, small_city, settings, tmp_path, make_user):
    settings.SNAPSHOT_DIR = tmp_path / "snapshots"
    city = make_user("city_officer", "370800")
    result = snapshot_import(actor=city, source_dir=small_city / MONTH)
    assert result.accepted, result.message
    people_import_snapshot(snapshot=small_city / MONTH, actor=system_actor(purpose="测试数据"))
    return small_city / MONTH


def _household_with_income(snapshot: Path) -> Household:
    wages = pq.read_table(snapshot / "wages.parquet")
    persons = pq.read_table(snapshot / "persons.parquet")
    with_wage = set(wages["id_number"].to_pylist())
    rows = persons.to_pylist()
    by_hh: dict[str, list[str]] = {}
    for r in rows:
        by_hh.setdefault(r["household_no"], []).append(r["id_number"])
    no = next(h for h, ids in by_hh.items() if len(ids) >= 3 and any(i in with_wage for i in ids))
    return Household.objects.get(number=no)


def _application(hh, make_user, declared_wage=0):
    town = hh.region_code[:9]
    clerk = make_user("township_clerk", town)
    head = hh.memberships.get(relation="head", end_date__isnull=True).person
    members = [
        {"person_id": m.person_id, "monthly_wage": declared_wage if m.relation == "head" else 0}
        for m in hh.memberships.filter(end_date__isnull=True)
    ]
    intake = make_user("township_clerk", town)  # 经办与审核分离: intake and 核对 are different people
    app = svc.application_create(
        actor=intake,
        programme="dibao",
        household=hh,
        applicant=head,
        declared={"members": members, "assets": {"financial": 0}},
    )
    return app, clerk


def _oracle(snapshot: Path, ids: list[str]) -> dict[str, float]:
    def total(source: str, col: str) -> float:
        t = pq.read_table(snapshot / f"{source}.parquet")
        t = t.filter(pc.is_in(t["id_number"], value_set=__import__("pyarrow").array(ids)))
        return float(pc.sum(t[col]).as_py() or 0)

    return {
        "wages": total("wages", "amount"),
        "financial": total("deposits", "balance")
        + total("securities", "market_value")
        + total("insurance", "cash_value"),
    }


def test_a_household_is_verified_against_every_source_and_matches_an_independent_sum(imported, make_user):
    hh = _household_with_income(imported)
    app, clerk = _application(hh, make_user)
    with pytest.raises(ValidationError, match="核对授权书"):
        verification_run(actor=clerk, application=app)
    svc.application_sign_authorisation(actor=app.created_by, application=app, signed_on=timezone.localdate())
    svc.application_submit(actor=app.created_by, application=app)
    svc.application_start_verification(actor=clerk, application=app)
    before = AuditLog.objects.filter(event_type="reveal", target_type="verification").count()
    report = verification_run(actor=clerk, application=app)
    ids = [m.person.id_number for m in hh.memberships.filter(end_date__isnull=True)]
    oracle = _oracle(imported, ids)
    assert report.totals["wages"] == pytest.approx(oracle["wages"])
    assert report.totals["financial"] == pytest.approx(oracle["financial"])
    assert report.snapshot_month == MONTH and report.rule_version
    assert {t["test"] for t in report.tests} >= {"income", "financial_assets", "vehicles", "business"}
    assert all(t["verdict"] in ("符合", "不符合", "需人工核实") for t in report.tests)
    assert report.declared_vs_verified[0]["under_declared"]  # declared 0 wages, sources found some
    assert report.conclusion in ("no_match", "manual")
    assert 0 <= report.difficulty_index <= 100
    assert AuditLog.objects.filter(event_type="reveal", target_type="verification").count() == before + 1
    assert all("********" in m["id_number"] for m in report.members)
    assert report_pdf(report).startswith(b"%PDF")
    with pytest.raises(RuntimeError):
        report.save()


def test_a_source_not_delivered_makes_its_tests_need_manual_checking(imported, make_user, settings):
    from minzheng.exchange.selectors import snapshot_current, snapshot_path

    shutil.move(
        str(snapshot_path(snapshot=snapshot_current()) / "deposits.parquet"), str(settings.SNAPSHOT_DIR)
    )
    hh = _household_with_income(imported)
    app, clerk = _application(hh, make_user)
    svc.application_sign_authorisation(actor=app.created_by, application=app, signed_on=timezone.localdate())
    svc.application_submit(actor=app.created_by, application=app)
    svc.application_start_verification(actor=clerk, application=app)
    report = verification_run(actor=clerk, application=app)
    fin = next(t for t in report.tests if t["test"] == "financial_assets")
    assert fin["verdict"] == "需人工核实" and "存款" in fin["note"]
    assert "存款（银行）" in report.missing_sources


def test_verification_outside_the_clerks_township_is_refused(imported, make_user):
    hh = _household_with_income(imported)
    app, clerk = _application(hh, make_user)
    svc.application_sign_authorisation(actor=app.created_by, application=app, signed_on=timezone.localdate())
    svc.application_submit(actor=app.created_by, application=app)
    svc.application_start_verification(actor=clerk, application=app)
    other_town = "370812001" if not hh.region_code.startswith("370812001") else "370811001"
    with pytest.raises(ValidationError, match="管辖范围"):
        verification_run(actor=make_user("township_clerk", other_town), application=app)


def test_the_point_reader_returns_exactly_the_rows_of_a_full_filter_even_across_row_groups(tmp_path):
    import pyarrow as pa

    from minzheng.verification.services import read_persons

    ids = sorted([f"{i:017d}X" for i in range(50)] * 3)  # every person has 3 rows, often split by a boundary
    table = pa.table({"id_number": ids, "balance": list(range(len(ids)))})
    path = tmp_path / "deposits.parquet"
    pq.write_table(table, path, row_group_size=4)
    wanted = [ids[0], ids[10], ids[77], ids[-1], "99999999999999999X"]
    got = read_persons(str(path), wanted)
    expected = table.filter(pc.is_in(table["id_number"], value_set=pa.array(wanted)))
    assert sorted(got.to_pylist(), key=lambda r: r["balance"]) == expected.to_pylist()
