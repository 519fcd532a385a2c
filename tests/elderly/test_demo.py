"""The demo city shows the elderly line with data written through its services."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command

from minzheng.elderly.models import CapabilityAssessment, ElderProfile, SubsidyApplication


def test_the_demo_township_has_an_eligible_elder_the_clerk_applies_for_and_the_officer_decides(
    db: Any, settings: Any, tmp_path: Path
):
    """The walk found no eligible elder in the demo township: now xiangzhen finds one in the registry's
    candidates, applies through the page, yanglao (another person) decides, and xianji's next roll pays it."""
    from django.test import Client
    from django.utils import timezone

    from minzheng.accounts.models import User
    from minzheng.benefits.models import PayrollLine
    from minzheng.benefits.services import add_months, payroll_generate
    from minzheng.elderly.selectors import elder_registry, subsidy_actions

    settings.SNAPSHOT_DIR = tmp_path / "snapshots"
    out = io.StringIO()
    call_command("setup_demo", persons=600, seed=3, stdout=out)
    assert "老年人：" in out.getvalue()
    assert ElderProfile.objects.exclude(living_situation="").exists()
    assert CapabilityAssessment.objects.exists()
    # No line of the demo (elderly, facilities, homecare) writes a level no recorded assessment supports.
    from minzheng.elderly.levels import assessed_levels

    typed = ElderProfile.objects.filter(capability_level__isnull=False)
    latest = assessed_levels(typed.values_list("person_id", flat=True), timezone.localdate())
    assert {p.person_id: p.capability_level for p in typed} == {k: v[0] for k, v in latest.items()}
    clerk, officer = User.objects.get(username="xiangzhen"), User.objects.get(username="yanglao")
    candidates = elder_registry(actor=clerk, candidates=True)
    elder = candidates.first()
    assert elder is not None and elder.region_code.startswith(clerk.region.code), out.getvalue()

    c = Client()
    c.force_login(clerk)
    c.post(f"/elderly/{elder.pk}/subsidy/", {"note": "走访发现"})
    app = SubsidyApplication.objects.get(person=elder, status="applied")
    assert app.applied_by == clerk and not subsidy_actions(actor=clerk, application=app)["decide"]
    c.force_login(officer)
    assert subsidy_actions(actor=officer, application=app)["decide"]
    c.post(f"/elderly/subsidies/{app.pk}/")
    app.refresh_from_db()
    assert app.status == "granted" and app.decided_by == officer and app.amount > 0

    month = add_months(timezone.localdate().replace(day=1), 1)
    run = payroll_generate(
        actor=User.objects.get(username="xianji"), county_code=clerk.region.code[:6], month=month
    )
    line = PayrollLine.objects.get(run=run, person=elder, programme="elder_subsidy", kind="regular")
    assert line.amount == app.amount
    # The demo froze this month's roll at set-up, so this month is paid as a catch-up in the next roll.
    lines = PayrollLine.objects.filter(run=run, person=elder, programme="elder_subsidy").exclude(pk=line.pk)
    assert all(x.kind == "adjustment" and x.amount == app.amount for x in lines)


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
    # one granted and paid, the other left eligible for a walker to apply for
    granted = SubsidyApplication.objects.filter(status="granted")
    assert granted.count() == 1, line
    run = PayrollRun.objects.get(county_code="370811", status=PayrollStatus.FROZEN)
    assert (run.generated_by.username, run.checked_by.username) == ("xianji", "caiwu")
    lines = PayrollLine.objects.filter(run=run, programme="elder_subsidy")
    assert set(lines.values_list("person_id", flat=True)) == set(granted.values_list("person_id", flat=True))
    assert "老年人补贴1人" in line and "符合条件待申请1人" in line
