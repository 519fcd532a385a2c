"""The month's payroll roll as a queued job: the officer's button queues it, the page follows it, the
worker makes the roll as that officer, and a second click while it waits or runs queues nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from minzheng.benefits.models import PayrollRun
from minzheng.benefits.services import enrolment_create
from minzheng.deskjobs.models import DeskJob, DeskJobStatus
from minzheng.deskjobs.services import desk_job_run

MONTH = dt.date(2025, 3, 1)


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("county_officer", "370811")


@pytest.fixture
def enrolled(make_person: Any) -> None:
    for name in ("甲", "乙", "丙"):
        enrolment_create(
            actor=None,
            programme="high_age",
            person=make_person(name=name),
            household=None,
            amount=200,
            first_month=MONTH,
        )


def test_the_generate_button_queues_a_job_and_the_worker_makes_the_roll_as_the_officer(
    officer: Any, enrolled: None, run_worker: Callable[[], None]
) -> None:
    c = _client(officer)
    r = c.post("/payroll/generate/", {"county": "370811", "month": "2025-03"})
    job = DeskJob.objects.get()
    assert r["Location"] == f"/payroll/jobs/{job.pk}/"
    assert job.status == DeskJobStatus.QUEUED and not PayrollRun.objects.exists()
    waiting = c.get(r["Location"]).content.decode()
    assert "排队中" in waiting and 'hx-trigger="every 2s"' in waiting
    assert "任城区2025年03月发放名册" in c.get("/payroll/").content.decode()

    run_worker()

    job.refresh_from_db()
    run = PayrollRun.objects.get()
    assert job.status == DeskJobStatus.DONE and job.result_pk == run.pk and job.progress == 1.0
    assert run.line_count == 3 and run.total_amount == 600 and run.generated_by == officer
    assert job.params == {} and job.message == "3笔，600元"
    polled = c.get(f"/payroll/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert polled.status_code == 204 and polled["HX-Redirect"] == f"/payroll/jobs/{job.pk}/"
    page = c.get(f"/payroll/jobs/{job.pk}/", follow=True)
    assert page.redirect_chain == [(f"/payroll/{run.pk}/", 302)]
    assert "已生成2025年03月发放名册：3笔，600元" in page.content.decode()


def test_a_second_click_while_the_roll_is_queued_queues_no_duplicate(
    officer: Any, make_user: Any, enrolled: None, run_worker: Callable[[], None]
) -> None:
    first = _client(officer).post("/payroll/generate/", {"county": "370811", "month": "2025-03"})
    colleague = make_user("county_officer", "370811")
    again = _client(colleague).post(
        "/payroll/generate/", {"county": "370811", "month": "2025-03"}, follow=True
    )

    assert DeskJob.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "该县该月的发放名册正在生成，请勿重复提交" in again.content.decode()

    run_worker()
    _client(officer).post("/payroll/generate/", {"county": "370811", "month": "2025-03"})

    assert DeskJob.objects.count() == 2  # once the first has ended, the month may be made again
    run_worker()
    assert PayrollRun.objects.count() == 1 and PayrollRun.objects.get().line_count == 3


def test_a_roll_the_database_refuses_fails_with_its_chinese_reason_on_the_job_page(
    officer: Any, enrolled: None, run_worker: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.exceptions import ValidationError

    from minzheng.benefits import services

    def refused(**kwargs: Any) -> Any:
        raise ValidationError("有1条待遇的保障项目未登记或不发放资金，名册未生成")

    monkeypatch.setattr(services, "payroll_generate", refused)
    c = _client(officer)
    location = c.post("/payroll/generate/", {"county": "370811", "month": "2025-03"})["Location"]

    run_worker()

    job = DeskJob.objects.get()
    assert job.status == DeskJobStatus.FAILED and "未登记或不发放资金" in job.error
    page = c.get(location).content.decode()
    assert "名册未生成：" in page and "hx-trigger" not in page
    assert "未登记或不发放资金" in c.get("/jobs/").content.decode()


def test_a_job_of_another_county_is_not_found(officer: Any, make_user: Any, enrolled: None) -> None:
    location = _client(officer).post("/payroll/generate/", {"county": "370811", "month": "2025-03"})[
        "Location"
    ]
    outsider = _client(make_user("county_officer", "370812"))
    assert outsider.get(location).status_code == 404
    assert "任城区" not in outsider.get("/payroll/").content.decode()
    assert outsider.get("/jobs/").content.decode().count('class="job-status"') == 0


def test_a_replayed_task_of_a_finished_roll_job_changes_nothing(
    officer: Any, enrolled: None, run_worker: Callable[[], None]
) -> None:
    _client(officer).post("/payroll/generate/", {"county": "370811", "month": "2025-03"})
    run_worker()
    job = DeskJob.objects.get()

    assert desk_job_run(job_id=job.pk) is None
    assert PayrollRun.objects.count() == 1
