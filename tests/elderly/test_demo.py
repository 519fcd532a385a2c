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
    db: Any, settings: Any, tmp_path: Path
):
    from minzheng.benefits.models import PayrollLine, PayrollRun, PayrollStatus

    settings.SNAPSHOT_DIR = tmp_path / "snapshots"
    out = io.StringIO()
    call_command("setup_demo", persons=2000, seed=3, stdout=out)
    print(out.getvalue())
    granted = SubsidyApplication.objects.filter(status="granted")
    assert granted.exists()
    run = PayrollRun.objects.get(county_code="370811", status=PayrollStatus.FROZEN)
    assert (run.generated_by.username, run.checked_by.username) == ("xianji", "caiwu")
    paid = set(
        PayrollLine.objects.filter(run=run, programme="elder_subsidy").values_list("person_id", flat=True)
    )
    assert paid == set(granted.values_list("person_id", flat=True))
