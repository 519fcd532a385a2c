"""The demo city shows the elderly line with data written through its services."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command

from minzheng.elderly.models import CapabilityAssessment, ElderProfile, SubsidyApplication


def test_setup_demo_seeds_situations_assessments_and_subsidies(db: Any, settings: Any, tmp_path: Path):
    settings.SNAPSHOT_DIR = tmp_path / "snapshots"
    out = io.StringIO()
    call_command("setup_demo", persons=600, seed=3, stdout=out)
    assert "老年人：" in out.getvalue()
    assert ElderProfile.objects.exclude(living_situation="").exists()
    assert CapabilityAssessment.objects.exists()
    assert SubsidyApplication.objects.exists()


def test_the_demo_subsidies_are_on_the_months_payroll_made_by_the_county_and_checked_by_finance(
    make_user: Any, make_person: Any
):
    """The elderly demo module on a town with two dibao elders: assessed, granted, on the roll that
    xianji made and caiwu checked (the full setup_demo city is too small in tests to hold them)."""
    import datetime as dt

    from django.utils import timezone

    from minzheng.accounts.system import system_actor
    from minzheng.benefits.models import PayrollLine, PayrollRun, PayrollStatus
    from minzheng.benefits.services import enrolment_create, first_of_month
    from minzheng.demo.lines.elderly import seed
    from tests.conftest import TOWN_A

    for username, role, region in (
        ("xiangzhen", "township_clerk", TOWN_A),
        ("hedui", "township_clerk", TOWN_A),
        ("yanglao", "elderly_officer", "370811"),
        ("xianji", "county_officer", "370811"),
        ("caiwu", "county_finance", "370811"),
    ):
        make_user(role, region, username=username)
    today = timezone.localdate()
    for year in (1936, 1939):  # both past the high-age start: granted whatever level they assess at
        elder = make_person(birth=dt.date(year, 2, 3))
        enrolment_create(
            actor=system_actor(purpose="测试数据"),
            programme="dibao",
            person=elder,
            household=None,
            amount=500,
            first_month=first_of_month(today).replace(year=today.year - 1),
        )
    line = seed(actor=system_actor(purpose="测试数据"), seed=3)
    granted = SubsidyApplication.objects.filter(status="granted")
    assert granted.count() == 2, line
    run = PayrollRun.objects.get(county_code="370811", status=PayrollStatus.FROZEN)
    assert (run.generated_by.username, run.checked_by.username) == ("xianji", "caiwu")
    lines = PayrollLine.objects.filter(run=run, programme="elder_subsidy")
    assert set(lines.values_list("person_id", flat=True)) == set(granted.values_list("person_id", flat=True))
    assert "老年人补贴2人" in line
