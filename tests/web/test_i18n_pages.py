"""English through Django i18n for the business pages (assistance, monitoring, verification, exchange,
policy, accounts, the payee-account panel and payroll messages): the language cookie turns each page's
headings into English, and without the cookie the page stays exactly as Chinese as before."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from minzheng.assistance import services as assistance
from minzheng.assistance.models import Application
from minzheng.benefits import services as benefits
from minzheng.exchange.models import Snapshot, SnapshotStatus
from minzheng.monitoring.models import Alert, RunStatus, ScreeningRun, WorkStatus
from minzheng.people.models import Person
from minzheng.verification.models import VerificationReport
from tests.conftest import TOWN_A

LOCALE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def _client(user: Any, language: str | None = None) -> Client:
    c = Client()
    c.force_login(user)
    if language:
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return c


def _get(user: Any, url: str, language: str | None = None) -> str:
    response = _client(user, language).get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def clerk(make_user: Any) -> Any:
    return make_user("township_clerk", TOWN_A)


@pytest.fixture
def city_officer(make_user: Any) -> Any:
    return make_user("city_officer", "370800")


@pytest.fixture
def application(make_household: Any, clerk: Any) -> Application:
    hh = make_household(size=2)
    head = hh.memberships.get(relation="head").person
    members = [{"person_id": m.person_id, "monthly_wage": 0} for m in hh.memberships.all()]
    return assistance.application_create(
        actor=clerk,
        programme="dibao",
        household=hh,
        applicant=head,
        declared={"members": members, "assets": {"financial": 0}},
    )


@pytest.fixture
def report(application: Application, clerk: Any) -> VerificationReport:
    return VerificationReport.objects.create(
        application=application,
        region_code=application.region_code,
        snapshot_month="2025-06",
        snapshot_sha="a" * 64,
        rule_version="test-1",
        conclusion="manual",
        members=[{"name": "户主", "id_number": "370811********0012", "wages": 0, "education": []}],
        totals={"wages": 0},
        tests=[{"test": "income", "verdict": "符合", "detail": "", "note": "", "sources": ["工资"]}],
        declared_vs_verified=[{"item": "工资", "declared": 0, "verified": 900, "under_declared": True}],
        missing_sources=["存款（银行）"],
        difficulty_index=60,
        difficulty_detail={"band": "较困难", "points": {"收入": 30.0}},
        created_by=clerk,
    )


def _alert(hh: Any, **fields: Any) -> Alert:
    run = ScreeningRun.objects.create(month="2025-06", status=RunStatus.PUBLISHED)
    return Alert.objects.create(
        run=run, month="2025-06", household_no=hh.number, household=hh, region_code=hh.region_code, **fields
    )


@pytest.fixture
def alert(make_household: Any) -> Alert:
    return _alert(
        make_household(size=1),
        rule="dibao_income",
        rule_name="收入超标",
        severity="高",
        id_hash="b" * 64,
        id_masked="370811********0013",
        evidence={"月收入": 3000},
        trend="new",
    )


# ---------------------------------------------------------------- assistance
def test_the_application_list_has_english_headings_with_the_english_cookie(clerk, application):
    page = _get(clerk, "/assistance/", "en")
    assert 'lang="en"' in page
    assert "<h1>Social assistance · applications</h1>" in page
    assert "<title>Assistance applications · Civil Affairs Platform</title>" in page
    assert "All programmes" in page and "Difficulty index" in page and "register the household</a>" in page
    assert "社会救助 · 申请办理" not in page and "暂无申请" not in page


def test_the_application_list_stays_chinese_without_a_cookie(clerk, application):
    page = _get(clerk, "/assistance/")
    assert 'lang="zh-hans"' in page
    assert "<h1>社会救助 · 申请办理</h1>" in page and "困难指数" in page
    assert '先<a href="/households/new/">新建家庭</a>。' in page
    assert "Social assistance · applications" not in page


def test_the_application_page_has_english_headings_and_actions_with_the_english_cookie(clerk, application):
    page = _get(clerk, f"/assistance/{application.pk}/", "en")
    assert f"application #{application.pk} <small" in page
    assert "<h2>Processing</h2>" in page and "<h2>Case history</h2>" in page
    assert "Record the verification consent" in page and "Verification consent" in page
    assert f"<title>Application #{application.pk} · Civil Affairs Platform</title>" in page
    assert "办理记录" not in page and "登记核对授权书" not in page


def test_the_application_page_stays_chinese_without_a_cookie(clerk, application):
    page = _get(clerk, f"/assistance/{application.pk}/")
    assert f"申请 #{application.pk} <small" in page
    assert "<h2>办理记录</h2>" in page and "登记核对授权书" in page
    assert "Case history" not in page


def test_a_desk_action_confirms_in_english_with_the_english_cookie_and_in_chinese_without(clerk, application):
    today = timezone.localdate().isoformat()
    english = _client(clerk, "en").post(
        f"/assistance/{application.pk}/authorise/", {"signed_on": today}, follow=True
    )
    assert "Verification consent recorded" in english.content.decode()
    chinese = _client(clerk).post(
        f"/assistance/{application.pk}/authorise/", {"signed_on": today}, follow=True
    )
    assert "已登记核对授权书" in chinese.content.decode()


# ---------------------------------------------------------------- monitoring
def test_the_monitoring_worklist_has_english_headings_with_the_english_cookie(clerk, alert):
    page = _get(clerk, "/monitoring/?status=", "en")
    assert "Low-income population monitoring · alert desk" in page
    assert "<th>Severity</th>" in page and "<th>Evidence</th>" in page and ">Acknowledge</option>" in page
    assert alert.id_masked in page
    assert "低收入人口动态监测 · 预警工作台" not in page and ">签收</option>" not in page


def test_the_monitoring_worklist_stays_chinese_without_a_cookie(clerk, alert):
    page = _get(clerk, "/monitoring/?status=")
    assert "低收入人口动态监测 · 预警工作台" in page and ">签收</option>" in page
    assert "alert desk" not in page


def test_handling_an_alert_confirms_in_english_with_the_english_cookie(clerk, alert):
    response = _client(clerk, "en").post(
        f"/monitoring/{alert.pk}/handle/", {"action": "acknowledge"}, follow=True
    )
    assert "Alert updated" in response.content.decode()
    alert.refresh_from_db()
    assert alert.work_status == WorkStatus.ACKNOWLEDGED


# ---------------------------------------------------------------- verification
def test_the_verification_report_has_english_headings_with_the_english_cookie(clerk, report):
    page = _get(clerk, f"/verification/{report.pk}/", "en")
    assert f"Household financial verification report #{report.pk}" in page
    assert "<h2>Policy tests</h2>" in page and "<h2>Declared vs. verified</h2>" in page
    assert 'Difficulty index: <span id="difficulty">60</span>' in page
    assert "Not delivered this month: 存款（银行）" in page and "Declared less than verified" in page
    assert "家庭经济状况核对报告" not in page and "政策检验" not in page


def test_the_verification_report_stays_chinese_without_a_cookie(clerk, report):
    page = _get(clerk, f"/verification/{report.pk}/")
    assert f"家庭经济状况核对报告 #{report.pk}" in page and "<h2>政策检验</h2>" in page
    assert '困难指数：<span id="difficulty">60</span>（较困难）' in page
    assert "Policy tests" not in page


# ---------------------------------------------------------------- exchange
def test_the_snapshot_import_page_has_english_headings_with_the_english_cookie(city_officer):
    page = _get(city_officer, "/exchange/", "en")
    assert "<h1>Data-exchange snapshots</h1>" in page
    assert "Import a monthly snapshot" in page and "Upload and import" in page
    assert "<h2>Import history</h2>" in page and "No snapshot has been received yet" in page
    assert "数据交换快照" not in page and "导入月度快照" not in page


def test_the_snapshot_import_page_stays_chinese_without_a_cookie(city_officer):
    page = _get(city_officer, "/exchange/")
    assert "<h1>数据交换快照</h1>" in page and "导入月度快照" in page
    assert "Import a monthly snapshot" not in page


def test_a_rejected_snapshot_page_has_english_headings_with_the_english_cookie(city_officer):
    snap = Snapshot.objects.create(
        month="2025-06",
        manifest_sha256="c" * 64,
        status=SnapshotStatus.REJECTED,
        reason="清单缺少 persons",
        imported_at=timezone.now(),
        imported_via="test",
    )
    page = _get(city_officer, f"/exchange/{snap.pk}/", "en")
    assert "Data-exchange snapshot 2025-06" in page
    assert "Reasons for rejection (the whole snapshot was not stored)" in page and "清单缺少 persons" in page
    chinese = _get(city_officer, f"/exchange/{snap.pk}/")
    assert "数据交换快照 2025-06" in chinese and "拒收原因（整份快照未保存）" in chinese


# ---------------------------------------------------------------- policy
def test_the_policy_page_has_english_headings_with_the_english_cookie(city_officer):
    page = _get(city_officer, "/policy/", "en")
    assert "<h1>Policy parameters (standards, ratios, ages, thresholds)</h1>" in page
    assert "<b>Change a parameter</b>" in page and "<th>Basis</th>" in page and "In force" in page
    assert "政策参数（标准、比例、年龄、阈值）" not in page and "调整参数" not in page


def test_the_policy_page_stays_chinese_without_a_cookie(city_officer):
    page = _get(city_officer, "/policy/")
    assert "<h1>政策参数（标准、比例、年龄、阈值）</h1>" in page and "现行" in page
    assert "Policy parameters" not in page


# ---------------------------------------------------------------- benefits: payee account, payroll
BANK = "中国农业银行济宁分行"


@pytest.fixture
def county_officer(make_user: Any) -> Any:
    return make_user("county_officer", "370811")


@pytest.fixture
def payee(make_person: Any, clerk: Any) -> Person:
    """A person whose payee account was changed once: a current account and one in the history."""
    person = make_person(name="领取人")
    for bank, number in (("农行", "6228480000000011"), (BANK, "6228480000000029")):
        benefits.payee_account_set(actor=clerk, person=person, bank_name=bank, account_number=number)
    return person


def test_the_payee_account_panel_has_english_labels_with_the_english_cookie(clerk, payee, make_person):
    page = _get(clerk, f"/people/{payee.pk}/", "en")
    assert "<dt>Bank</dt>" in page and "<dt>Account holder</dt>" in page and "<dt>Account number</dt>" in page
    assert "<dt>Valid from</dt>" in page and "Change the payee account" in page
    assert "Save payee account" in page
    assert 'placeholder="Account number (12 to 19 digits)"' in page
    assert "Previous payee accounts" in page and "<th>Deactivated</th>" in page and BANK in page
    assert "开户行" not in page and "变更收款账户" not in page and "历史收款账户" not in page
    empty = _get(clerk, f"/people/{make_person(name='未开户').pk}/", "en")
    assert "No payee account registered" in empty and "Register a payee account" in empty
    assert "未登记收款账户" not in empty and "登记收款账户" not in empty


def test_the_payee_account_panel_stays_chinese_without_a_cookie(clerk, payee, make_person):
    page = _get(clerk, f"/people/{payee.pk}/")
    assert "<dt>开户行</dt>" in page and "<dt>户名</dt>" in page and "<dt>银行账号</dt>" in page
    assert "变更收款账户" in page and "保存收款账户" in page and "历史收款账户" in page
    assert "Account holder" not in page and "payee account" not in page
    empty = _get(clerk, f"/people/{make_person(name='未开户').pk}/")
    assert "未登记收款账户，银行代发文件中将无法填写银行账号" in empty and "登记收款账户" in empty


def test_setting_a_payee_account_confirms_in_english_with_the_english_cookie_and_in_chinese_without(
    clerk, make_person
):
    person = make_person()
    form = {"bank_name": BANK, "account_number": "6228480000000037"}
    english = _client(clerk, "en").post(f"/payroll/payee/{person.pk}/", form, follow=True)
    assert f"Payee account recorded: {BANK}, ending in 0037" in english.content.decode()
    bad = _client(clerk, "en").post(
        f"/payroll/payee/{person.pk}/", {**form, "valid_from": "2025-13-45"}, follow=True
    )
    assert bad.redirect_chain == [(f"/people/{person.pk}/", 302)]
    assert "The valid-from date must be in YYYY-MM-DD format" in bad.content.decode()
    chinese = _client(clerk).post(
        f"/payroll/payee/{person.pk}/", {**form, "account_number": "6228480000000045"}, follow=True
    )
    assert f"已登记收款账户：{BANK} 尾号0045" in chinese.content.decode()


def _payroll(make_person: Any, clerk: Any) -> None:
    """Two enrolled people, one of them without a payee account."""
    for name, number in (("有账户", "6228480000000052"), ("无账户", "")):
        person = make_person(name=name)
        benefits.enrolment_create(
            actor=None,
            programme="high_age",
            person=person,
            household=None,
            amount=500,
            first_month=dt.date(2025, 3, 1),
        )
        if number:
            benefits.payee_account_set(actor=clerk, person=person, bank_name=BANK, account_number=number)


def _generated(client: Client, run_worker: Any) -> Any:
    """The roll is a queued job: the button queues it, the worker makes it, its page leads to the roll."""
    queued = client.post("/payroll/generate/", {"county": "370811", "month": "2025-03"})
    run_worker()
    return client.get(queued["Location"], follow=True)


def test_the_payroll_run_page_speaks_english_with_the_english_cookie(
    make_person, clerk, county_officer, run_worker
):
    _payroll(make_person, clerk)
    response = _generated(_client(county_officer, "en"), run_worker)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/payroll/")
    assert "Payroll for March 2025 generated (lines: 2, total: 1000 yuan)" in page
    assert "Payees in this payroll without a registered payee account: 1." in page
    assert "bank payment file" in page and ">Payroll</a>" in page
    assert "已生成" not in page and "本名册有" not in page
    bad = _client(county_officer, "en").post(
        "/payroll/generate/", {"county": "370811", "month": "March"}, follow=True
    )
    assert bad.redirect_chain == [("/payroll/", 302)]
    assert "The payment month must be in YYYY-MM format" in bad.content.decode()


def test_the_payroll_run_page_stays_chinese_without_a_cookie(make_person, clerk, county_officer, run_worker):
    _payroll(make_person, clerk)
    response = _generated(_client(county_officer), run_worker)
    page = response.content.decode()
    assert "已生成2025年03月发放名册：2笔，1000元" in page
    assert "本名册有1笔的领取人未登记收款账户" in page
    assert "Payroll for" not in page and "payee account" not in page


# ---------------------------------------------------------------- the catalogue itself
def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _po_entries() -> dict[str, str]:
    """msgid (with its msgctxt, gettext-style) → msgstr, for every entry of the English .po file."""
    entries: dict[str, str] = {}
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        current = ""
        for line in block.splitlines():
            m = re.match(r'^(msgctxt|msgid|msgstr) "(.*)"$', line)
            if m:
                current = m.group(1)
                fields[current] = m.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            key = _unescape(fields["msgid"])
            if "msgctxt" in fields:
                key = _unescape(fields["msgctxt"]) + "\x04" + key
            entries[key] = _unescape(fields.get("msgstr", ""))
    return entries


def test_every_english_translation_is_filled_in_and_none_is_fuzzy():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = _po_entries()
    assert len(entries) > 300
    assert "fuzzy" not in text
    assert [k for k, v in entries.items() if not v.strip()] == []


def test_the_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as f:
        catalogue = gettext.GNUTranslations(f)._catalog
    entries = _po_entries()
    assert {k: catalogue.get(k) for k in entries} == entries


def test_state_and_programme_labels_follow_the_language_but_stored_texts_stay_chinese(clerk, application):
    english = _get(clerk, f"/assistance/{application.pk}/", "en")
    chinese = _get(clerk, f"/assistance/{application.pk}/")
    assert ">Draft<" in english and ">草稿<" not in english
    assert ">草稿<" in chinese
    # the label itself is data: documents, exports and audit texts keep the Chinese label
    assert application.get_state_display() == "草稿"


def test_alert_rule_severity_and_trend_read_in_the_page_language(clerk, make_household):
    _alert(
        make_household(size=1),
        rule="discovery_dibao",
        rule_name="疑似符合低保条件未纳入（主动发现）",
        severity="high",
        id_hash="c" * 64,
        id_masked="370811********0021",
        evidence={"人均收入": 300.5, "低保标准": 719.0},
        trend="persisting",
    )
    english = _get(clerk, "/monitoring/?status=", "en")
    chinese = _get(clerk, "/monitoring/?status=")
    assert "<td>High</td>" in english and ">Persisting<" in english
    assert "Likely eligible for dibao but not enrolled (proactive discovery)</td>" in english
    assert "<td>高</td>" in chinese and ">持续<" in chinese and "(proactive discovery)" not in chinese
    assert "主动发现）</td>" in chinese and "<td>high</td>" not in chinese
    # money reads as money (719元, not 719.0) in either language
    assert re.search(r"Per-capita income: 300\.5 ?(yuan|元); Dibao standard: 719 ?(yuan|元); ", english), (
        english
    )
    assert "人均收入：300.5元；低保标准：719元；" in chinese and "719.0" not in chinese
