"""The 核对 report tells the truth and is read only by those who may: 特困 cases get the 特困 tests, a
household no source knows is 需人工核实 (never 符合), the page is township-and-above and every read of it is
audited, and what a person reads is Chinese labels, not codes."""

from __future__ import annotations

import datetime as dt
import re

import pyarrow.parquet as pq
import pytest
from django.test import Client
from django.utils import timezone

from minzheng.assistance import services as svc
from minzheng.audit.models import AuditLog
from minzheng.people.models import Household
from minzheng.verification.pdf import report_document
from minzheng.verification.services import verification_run
from tests.verification.test_verification import _application, _household_with_income

CODES = re.compile(
    r"\b(head|spouse|child|income_gap|financial_assets|residential_property|severe_disability)\b"
)


def _verify(app, clerk):
    # 受理 by the clerk who took the case in; 核对 by another (经办与审核分离)
    svc.application_sign_authorisation(actor=app.created_by, application=app, signed_on=timezone.localdate())
    svc.application_submit(actor=app.created_by, application=app)
    svc.application_start_verification(actor=clerk, application=app)
    return verification_run(actor=clerk, application=app)


def _elderly_household(snapshot) -> Household:
    """A household in the snapshot whose head is 60 or older."""
    persons = pq.read_table(snapshot / "persons.parquet").to_pylist()
    for r in persons:
        hh = Household.objects.filter(number=r["household_no"]).first()
        if hh is None:
            continue
        head = hh.memberships.filter(relation="head", end_date__isnull=True).first()
        if head and head.person.birth_date <= dt.date(1960, 1, 1):
            return hh
    raise AssertionError("no elderly head in the synthetic city")


def test_a_tekun_case_is_verified_against_the_tekun_tests(imported, make_user):
    hh = _elderly_household(imported)
    clerk = make_user("township_clerk", hh.region_code[:9])
    head = hh.memberships.get(relation="head", end_date__isnull=True).person
    app = svc.application_create(
        actor=make_user("township_clerk", hh.region_code[:9]),
        programme="tekun",
        household=hh,
        applicant=head,
        declared={
            "members": [{"person_id": head.pk, "has_supporter": False, "self_care": "partial"}],
            "assets": {"financial": 0},
        },
        care_mode="dispersed",
    )
    report = _verify(app, clerk)
    tests = {t["test"]: t for t in report.tests}
    assert {"category", "income", "supporter", "financial_assets"} <= set(tests)
    assert "本人收入" in tests["income"]["detail"]  # the applicant's own income, not the family's per head
    assert tests["category"]["verdict"] == "符合" and "年满60周岁" in tests["category"]["detail"]
    assert "入户核实" in tests["supporter"]["note"]


def test_a_household_found_in_no_source_needs_a_manual_check_not_a_match(imported, make_household, make_user):
    hh = make_household(size=2)  # registered at the desk, unknown to every department
    app, clerk = _application(hh, make_user, declared_wage=700)
    report = _verify(app, clerk)
    assert report.conclusion == "manual"
    assert report.warnings and "均未查到" in report.warnings[0]
    income = next(t for t in report.tests if t["test"] == "income")
    assert income["verdict"] == "需人工核实" and "未查到" in income["note"]
    assert "均未查到" in report_document(report).plain_text


@pytest.fixture
def report_and_staff(imported, make_user):
    hh = _household_with_income(imported)
    app, clerk = _application(hh, make_user)
    report = _verify(app, clerk)
    return report, clerk, hh


def test_the_village_assistant_cannot_read_the_report_and_the_refusal_is_audited(report_and_staff, make_user):
    report, _, hh = report_and_staff
    village = make_user("village_assistant", hh.region_code[:12])
    c = Client()
    c.force_login(village)
    for url in (f"/verification/{report.pk}/", f"/verification/{report.pk}/report.pdf"):
        response = c.get(url)
        assert response.status_code == 302 and b"%PDF" not in response.content
    assert (
        AuditLog.objects.filter(event_type="denied", target_id=f"verification_report:{report.pk}").count()
        == 2
    )
    assert not AuditLog.objects.filter(target_type="verification_report", event_type="reveal").exists()


def test_a_report_outside_the_readers_region_is_not_found(report_and_staff, make_user):
    report, _, hh = report_and_staff
    other = "370812001" if not hh.region_code.startswith("370812001") else "370811001"
    c = Client()
    c.force_login(make_user("township_clerk", other))
    assert c.get(f"/verification/{report.pk}/").status_code == 404
    assert c.get(f"/verification/{report.pk}/report.pdf").status_code == 404


def test_every_read_of_the_report_page_is_audited(report_and_staff, make_user):
    report, clerk, hh = report_and_staff
    c = Client()
    c.force_login(clerk)
    for _ in range(2):
        assert c.get(f"/verification/{report.pk}/").status_code == 200
    assert c.get(f"/verification/{report.pk}/report.pdf").content.startswith(b"%PDF")
    reads = AuditLog.objects.filter(
        event_type="reveal", target_type="verification_report", target_id=str(report.pk)
    )
    assert reads.count() == 3
    approver = make_user("township_approver", hh.region_code[:9])
    c.force_login(approver)
    assert c.get(f"/verification/{report.pk}/").status_code == 200
    assert reads.count() == 4


def test_the_report_page_and_pdf_show_labels_not_codes(report_and_staff):
    report, clerk, _ = report_and_staff
    c = Client()
    c.force_login(clerk)
    page = c.get(f"/verification/{report.pk}/").content.decode()
    body = page[page.index("<h1") :]
    assert "户主" in body and "收入差距" in body and "金融资产" in body
    assert not CODES.search(re.sub(r"<[^>]+>", " ", body))
    assert not re.search(r"\d\.0{2,}\b", re.sub(r"<[^>]+>", " ", body))  # 537, never 537.0000 or 0.00
    text = report_document(report).plain_text
    assert "户主" in text and not CODES.search(text)
    assert not re.search(r"\d\.0{2,}元", text)
