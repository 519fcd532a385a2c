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
