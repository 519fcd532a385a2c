"""A member who died after the snapshot was taken (the death recorded in the registry at the desk): the
核对 report keeps what he left with the household (inheritance) but divides the per-capita figures by the
members alive, and marks him 已故 with the date (issue 19 walk: a widow's report divided by 2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow.parquet as pq
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.assistance.rules import fmt
from minzheng.people.services import person_record_death
from minzheng.verification.services import verification_run
from tests.verification.test_report_truth import _verify
from tests.verification.test_verification import _application, _household_with_income


def test_a_member_dead_in_the_registry_keeps_his_savings_in_the_household_divided_by_the_living(
    imported, make_user
):
    hh = _household_with_income(imported)
    app, clerk = _application(hh, make_user)
    alive = list(hh.memberships.filter(end_date__isnull=True).select_related("person"))
    late = next(m.person for m in alive if m.relation != "head")
    before = _verify(app, clerk)
    assert not any(r["died"] for r in before.members)
    deaths = pq.read_table(imported / "deaths.parquet")["id_number"].to_pylist()
    assert late.id_number not in deaths  # the snapshot does not know it: only the registry does
    died_on = timezone.localdate() - dt.timedelta(days=5)
    person_record_death(actor=system_actor(purpose="测试数据"), person=late, death_date=died_on)
    report = verification_run(actor=clerk, application=app)
    row = next(r for r in report.members if r["person_id"] == late.pk)
    assert row["died"] == str(died_on)
    assert report.totals["financial"] == before.totals["financial"]  # his savings stay with the household
    living = len(alive) - 1
    fin = next(t for t in report.tests if t["test"] == "financial_assets")
    expected = fmt(Decimal(str(round(report.totals["financial"], 2))) / Decimal(living))
    assert fin["detail"].startswith(f"人均金融资产{expected}元"), fin["detail"]
    page = report.members
    assert sum(1 for r in page if not r["died"]) == living
