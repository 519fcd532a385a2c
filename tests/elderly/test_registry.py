"""The elder registry (老年人数据库): every living resident of 60+, filtered by age band, situation, level
and overdue assessment, one statement a page, exported masked and audited; the person page's panel."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from minzheng.audit.models import AuditLog
from minzheng.elderly.models import ElderProfile
from minzheng.elderly.selectors import elder_registry, elderly_panel
from minzheng.elderly.services import elder_situation_set
from tests.conftest import TOWN_A, VILLAGE_B

pytestmark = pytest.mark.django_db


def test_the_registry_holds_every_resident_of_60_and_over_in_scope_and_no_one_younger(make_user, make_elder):
    clerk = make_user("township_clerk", TOWN_A)
    sixty, ninety = make_elder(60, name="甲"), make_elder(91, name="乙")
    make_elder(59, name="丙")
    make_elder(70, village=VILLAGE_B, name="丁")
    assert set(elder_registry(actor=clerk)) == {sixty, ninety}
    assert list(elder_registry(actor=clerk, age_band="90")) == [ninety]
    assert list(elder_registry(actor=clerk, age_band="60")) == [sixty]


def test_the_registry_filters_by_situation_level_and_overdue_assessment(make_user, make_elder):
    clerk = make_user("township_clerk", TOWN_A)
    alone, other = make_elder(75), make_elder(76)
    elder_situation_set(actor=clerk, person=alone, living_situation="alone", children_nearby=False)
    today = timezone.localdate()
    ElderProfile.objects.create(
        person=other,
        region_code=other.region_code,
        capability_level=3,
        capability_assessed_on=today - dt.timedelta(days=400),
    )
    assert list(elder_registry(actor=clerk, living_situation="alone")) == [alone]
    assert list(elder_registry(actor=clerk, capability_level="3")) == [other]
    assert list(elder_registry(actor=clerk, overdue=True)) == [other]
    assert list(elder_registry(actor=clerk, living_situation="unknown")) == [other]


def test_the_registry_page_is_one_statement_whatever_the_number_of_elders(
    client, make_user, make_elder, django_assert_max_num_queries
):
    clerk = make_user("township_clerk", TOWN_A)
    for i in range(12):
        elder_situation_set(
            actor=clerk, person=make_elder(60 + i * 3), living_situation="empty_nest", children_nearby=None
        )
    client.force_login(clerk)
    with django_assert_max_num_queries(12):  # session, user, cascade (3), count, page, nav/messages
        page = client.get(reverse("elderly-registry"))
    body = page.content.decode()
    assert page.status_code == 200 and body.count("空巢") >= 12


def test_the_export_is_masked_and_audited(client, make_user, make_elder):
    clerk = make_user("township_clerk", TOWN_A)
    elder = make_elder(81, name="王老汉")
    client.force_login(clerk)
    response = client.post(reverse("elderly-registry-export"), {})
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "王老汉" and rows[1][3] == elder.id_masked and "*" in rows[1][3]
    assert AuditLog.objects.filter(target_type="elderly.registry", event_type="export").count() == 1


def test_a_young_persons_situation_cannot_be_recorded(make_user, make_person):
    from django.core.exceptions import ValidationError

    clerk = make_user("township_clerk", TOWN_A)
    with pytest.raises(ValidationError, match="60"):
        elder_situation_set(actor=clerk, person=make_person(), living_situation="alone", children_nearby=None)
    assert not ElderProfile.objects.exists()


def test_the_person_panel_shows_situation_level_and_the_overdue_flag(make_user, make_elder):
    clerk = make_user("township_clerk", TOWN_A)
    elder = make_elder(84)
    ElderProfile.objects.create(
        person=elder,
        region_code=elder.region_code,
        living_situation="alone",
        capability_level=2,
        capability_assessed_on=timezone.localdate() - dt.timedelta(days=500),
    )
    ctx = elderly_panel(actor=clerk, person=elder)
    assert ctx is not None and ctx["overdue"] and ctx["profile"].capability_level == 2
    assert ctx["high_age"]["tier"] == "tier80"


def test_the_high_age_roster_keeps_its_url_name(client, make_user):
    client.force_login(make_user("township_clerk", TOWN_A))
    assert reverse("elderly-roster") == "/elderly/high-age/"
    assert client.get(reverse("elderly-roster")).status_code == 200


def test_a_large_export_becomes_a_desk_job_with_the_same_filters_whose_file_is_masked(
    client, make_user, make_elder, settings, tmp_path, run_worker
):
    from minzheng.deskjobs.models import DeskJob, DeskJobStatus

    settings.EXPORT_JOB_ROWS = 1
    settings.JOB_FILES_DIR = tmp_path / "jobs"
    clerk = make_user("township_clerk", TOWN_A)
    old = make_elder(81, name="王老汉")
    make_elder(82, name="李老汉")
    make_elder(61, name="赵大姐")
    client.force_login(clerk)

    response = client.post(reverse("elderly-registry-export"), {"age_band": "80"}, follow=True)

    assert response.redirect_chain == [("/jobs/", 302)] and "已转为后台任务" in response.content.decode()
    run_worker()
    job = DeskJob.objects.get()
    assert job.status == DeskJobStatus.DONE and job.params == {}  # filters are not kept past the job
    sheet = load_workbook(BytesIO(b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == ["李老汉", "王老汉"] and old.id_masked in [r[3] for r in rows]
