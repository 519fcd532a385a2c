"""The desk in the browser's shape (Django test client): forms post to services, errors come back in
Chinese, the letter is a PDF, the payroll exports a bank file and every reveal/export is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.assistance.models import Application, HomeVisit, State
from minzheng.audit.models import AuditLog
from tests.assistance.conftest import age_notice
from tests.conftest import TOWN_A, verified

TODAY = timezone.localdate()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def desk(make_household, make_user):
    hh = make_household(size=2)
    return {
        "hh": hh,
        "clerk": _client(make_user("township_clerk", TOWN_A)),
        "verifier": _client(make_user("township_clerk", TOWN_A)),
        "recorder": _client(make_user("township_clerk", TOWN_A)),
        "approver": _client(make_user("township_approver", TOWN_A)),
        "county": _client(make_user("county_officer", "370811")),
        "county2": _client(make_user("county_officer", "370811")),
        "finance": _client(make_user("county_finance", "370811")),
    }


def _new_application(desk, wage="800"):
    hh = desk["hh"]
    ids = [m.person_id for m in hh.memberships.order_by("id")]
    data = {
        "programme": "dibao",
        "member": ids,
        "financial": "0",
        "residential_properties": "1",
        "business_capital": "0",
        f"monthly_wage_{ids[0]}": wage,
        f"employed_{ids[0]}": "on",
    }
    r = desk["clerk"].post(f"/assistance/new/{hh.pk}/", data)
    assert r.status_code == 302, r.content.decode()[:500]
    return Application.objects.get()


def _post(client, app, action, **data):
    return client.post(f"/assistance/{app.pk}/{action}/", data, follow=True)


def test_a_dibao_case_runs_through_the_desk_to_a_frozen_payroll_and_bank_file(desk, run_worker):
    app = _new_application(desk)
    c = desk["clerk"]
    _post(c, app, "authorise", signed_on=TODAY.isoformat())
    _post(c, app, "submit", version=0)
    v = desk["verifier"]
    _post(v, app, "verify")
    _post(v, app, "home_visit", visited_on=TODAY.isoformat(), visitors="张、王", findings="属实")
    assert "尚无核对报告" in _post(v, app, "to_review").content.decode()  # no 民主评议 before the 核对
    app.refresh_from_db()
    assert app.state == State.VERIFYING
    verified(app, app.created_by)
    _post(v, app, "to_review")
    _post(desk["recorder"], app, "village_review", held_on=TODAY.isoformat(), participants="7", agreed="7")
    app.refresh_from_db()
    assert app.state == State.PUBLIC_NOTICE
    age_notice(app)
    page = _post(desk["approver"], app, "decide", outcome="grant", reasons="")
    assert "已作出审批决定" in page.content.decode()
    app.refresh_from_db()
    assert app.state == State.ACTIVE
    # (719 × 2) − 800 × 0.8 = 798
    assert app.decisions.get().monthly_amount == 798
    letter = c.get(f"/assistance/{app.pk}/letter.pdf")
    assert letter["Content-Type"] == "application/pdf" and letter.content.startswith(b"%PDF")
    why = c.get(f"/assistance/{app.pk}/why/").content.decode()
    assert "人均收入320元 &lt; 标准719元" in why or "人均收入320元 < 标准719元" in why
    first = app.decisions.get().first_month
    county = desk["county"]
    r = county.post("/payroll/generate/", {"county": "370811", "month": f"{first:%Y-%m}"})
    run_worker()  # the roll is a queued job; its page leads to the roll once the worker has made it
    run_url = county.get(r["Location"])["Location"]
    assert "798" in county.get(run_url).content.decode()
    desk["county2"].post(run_url + "freeze/")  # make-and-check: another officer freezes
    before = AuditLog.objects.filter(event_type="export").count()
    bank = desk["finance"].get(run_url + "bank.csv")  # only county finance takes the bank file
    body = bank.content.decode("utf-8-sig")
    assert bank.status_code == 200 and ",798," in body
    assert desk["hh"].memberships.get(relation="head").person.id_number in body
    assert AuditLog.objects.filter(event_type="export").count() == before + 1
    summary = county.get(run_url + "summary.csv").content.decode("utf-8-sig")
    assert "最低生活保障,1,798" in summary


def test_a_wrong_step_shows_a_chinese_message_and_changes_nothing(desk):
    app = _new_application(desk)
    page = _post(desk["clerk"], app, "submit")
    assert "核对授权书" in page.content.decode()
    app.refresh_from_db()
    assert app.state == State.DRAFT


def test_negative_income_is_refused_and_nothing_is_saved(desk):
    hh = desk["hh"]
    ids = [m.person_id for m in hh.memberships.order_by("id")]
    r = desk["clerk"].post(
        f"/assistance/new/{hh.pk}/", {"programme": "dibao", "member": ids, f"monthly_wage_{ids[0]}": "-5"}
    )
    assert r.status_code == 200 and "不能为负数" in r.content.decode()
    assert Application.objects.count() == 0


def test_an_oversized_or_wrong_type_upload_is_refused(desk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    app = _new_application(desk)
    bad = SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/octet-stream")
    page = desk["clerk"].post(f"/assistance/{app.pk}/upload/", {"kind": "other", "file": bad}, follow=True)
    assert "只能上传PDF" in page.content.decode()
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf"
    )
    page = desk["clerk"].post(f"/assistance/{app.pk}/upload/", {"kind": "other", "file": big}, follow=True)
    assert "不能超过10MB" in page.content.decode()
    assert app.documents.count() == 0


def test_the_trial_page_answers_like_the_api(desk):
    page = desk["clerk"].post("/assistance/trial/", {"case": "{bad json"}).content.decode()
    assert "不是有效的JSON" in page


def test_other_townships_cannot_see_the_application(desk, make_user):
    app = _new_application(desk)
    other = _client(make_user("township_clerk", "370812001"))
    assert other.get(f"/assistance/{app.pk}/").status_code == 404
    assert other.post(f"/assistance/{app.pk}/submit/").status_code == 404
    assert other.get(f"/assistance/{app.pk}/letter.pdf").status_code == 404


def test_the_worklist_names_the_place_of_each_application_never_its_code(desk):
    app = _new_application(desk)
    page = desk["clerk"].get("/assistance/").content.decode()
    row = page.split('id="applications"')[1].split("</table>")[0]
    assert f"/assistance/{app.pk}/" in row
    assert app.region_code not in row and "社区" in row


def test_a_future_authorisation_or_home_survey_date_is_refused_in_chinese_and_the_form_offers_no_future(desk):
    today = timezone.localdate()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    app = _new_application(desk)
    c = desk["clerk"]
    page = c.get(f"/assistance/{app.pk}/").content.decode()
    assert f'name="signed_on" value="{today:%Y-%m-%d}" max="{today:%Y-%m-%d}"' in page
    page = _post(c, app, "authorise", signed_on=tomorrow).content.decode()
    assert f"签署日期应在1900年01月01日至{today:%Y年%m月%d日}之间" in page
    app.refresh_from_db()
    assert app.authorisation_signed_on is None
    _post(c, app, "authorise", signed_on=today.isoformat())
    _post(c, app, "submit", version=0)
    v = desk["verifier"]
    _post(v, app, "verify")
    page = v.get(f"/assistance/{app.pk}/").content.decode()
    for name in ("visited_on", "held_on", "received_on", "informed_on"):
        if f'name="{name}"' in page:
            assert f'name="{name}" value="{today:%Y-%m-%d}" max="{today:%Y-%m-%d}"' in page, name
    page = _post(v, app, "home_visit", visited_on=tomorrow, visitors="张", findings="属实").content.decode()
    assert f"入户日期应在1900年01月01日至{today:%Y年%m月%d日}之间" in page
    assert not HomeVisit.objects.filter(application=app).exists()
