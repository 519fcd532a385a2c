"""Payee bank accounts (收款账户): set and changed through one audited, region-checked service with history
kept; encrypted at rest; carried in full only in the audited bank payment file, which is built by a
selector in a fixed number of queries and flags lines without an account."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from minzheng.audit.models import AuditLog
from minzheng.benefits import selectors
from minzheng.benefits.bankfile import BANK_HEADER, NO_ACCOUNT_NOTE
from minzheng.benefits.demo import demo_payee_accounts_create
from minzheng.benefits.models import PayeeAccount
from minzheng.benefits.services import (
    enrolment_create,
    payee_account_set,
    payroll_freeze,
    payroll_generate,
)
from minzheng.core import crypto
from minzheng.core.pii import luhn_ok
from tests.conftest import TOWN_A, TOWN_B

MONTH = dt.date(2025, 3, 1)


def _luhn(prefix: str) -> str:
    """A Luhn-valid number, so the suite-wide PII scanner would catch it in any URL or log line."""
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


ACCOUNT = _luhn("622848001234567890")  # 19 digits
ACCOUNT_2 = _luhn("62170012345678")  # 15 digits


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def clerk(make_user):
    return make_user("township_clerk", TOWN_A)


@pytest.fixture
def county(make_user):
    return make_user("county_officer", "370811")


def _enrol(person, amount=500):
    return enrolment_create(
        actor=None, programme="high_age", person=person, household=None, amount=amount, first_month=MONTH
    )


def _frozen_run(county, month=MONTH):
    return payroll_freeze(actor=county, run=payroll_generate(actor=county, county_code="370811", month=month))


def _set(actor, person, number=ACCOUNT, bank="中国农业银行济宁分行", **kw):
    return payee_account_set(actor=actor, person=person, bank_name=bank, account_number=number, **kw)


# ---------------------------------------------------------------- the service


def test_setting_then_changing_an_account_keeps_the_history_with_exactly_one_active_row(make_person, clerk):
    person = make_person(name="李四")
    first = _set(clerk, person, number="6228 4800 1234 5678 90" + ACCOUNT[-1], valid_from=MONTH)
    assert first.active and first.account_number == ACCOUNT
    assert first.holder_name == "李四"  # defaults to the person's own name
    assert first.account_masked == "*" * 15 + ACCOUNT[-4:]
    second = _set(clerk, person, number=ACCOUNT_2, bank="济宁农村商业银行", holder_name="李四监护人")
    rows = list(PayeeAccount.objects.filter(person=person).order_by("id"))
    assert [r.pk for r in rows] == [first.pk, second.pk]
    assert [r.active for r in rows] == [False, True]
    assert rows[0].deactivated_at is not None and rows[0].account_number == ACCOUNT
    assert rows[1].account_number == ACCOUNT_2 and rows[1].holder_name == "李四监护人"


def test_setting_the_same_account_again_is_refused_and_changes_nothing(make_person, clerk):
    person = make_person()
    _set(clerk, person)
    with pytest.raises(ValidationError, match="与当前收款账户相同"):
        _set(clerk, person, number=" ".join([ACCOUNT[:4], ACCOUNT[4:]]))
    assert PayeeAccount.objects.filter(person=person).count() == 1


@pytest.mark.parametrize(
    "number",
    [
        "",
        "12345678901",
        "12345678901234567890",
        "6228abcd12345678",
        "6228-4800-1234-5678",
        "一二三四五六七八九十一二",
    ],
)
def test_a_bad_account_number_is_refused_with_a_chinese_message_and_nothing_changes(
    make_person, clerk, number
):
    person = make_person()
    current = _set(clerk, person)
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError) as err:
        _set(clerk, person, number=number, bank="济宁农村商业银行")
    assert err.value.messages == ["银行账号应为12至19位数字"]
    assert list(PayeeAccount.objects.filter(person=person)) == [current]
    assert PayeeAccount.objects.get().active
    assert AuditLog.objects.count() == before


def test_an_empty_bank_name_is_refused(make_person, clerk):
    person = make_person()
    with pytest.raises(ValidationError, match="开户行不能为空"):
        _set(clerk, person, bank="  ")
    assert not PayeeAccount.objects.exists()


def test_a_clerk_of_another_region_cannot_set_an_account_the_person_looks_missing(make_person, make_user):
    person = make_person()  # in TOWN_A
    other = make_user("township_clerk", TOWN_B)
    with pytest.raises(Http404):
        _set(other, person)
    missing = _client(other).post("/payroll/payee/987654321/", {"bank_name": "x", "account_number": ACCOUNT})
    got = _client(other).post(f"/payroll/payee/{person.pk}/", {"bank_name": "x", "account_number": ACCOUNT})
    assert got.status_code == missing.status_code == 404 and got.content == missing.content
    assert not PayeeAccount.objects.exists()


@pytest.mark.parametrize("role,region", [("village_assistant", "370811001001"), ("auditor", "370811")])
def test_roles_that_do_not_handle_payments_cannot_set_an_account(make_person, make_user, role, region):
    person = make_person()
    with pytest.raises(ValidationError, match="只有乡镇经办人员或县、市级民政干部"):
        _set(make_user(role, region), person)
    assert not PayeeAccount.objects.exists()


def test_the_audit_rows_hold_masked_values_only_and_never_a_full_account_number(make_person, clerk):
    person = make_person()
    before = AuditLog.objects.count()
    first = _set(clerk, person)
    second = _set(clerk, person, number=ACCOUNT_2)
    rows = list(AuditLog.objects.order_by("seq")[before:])
    assert [(r.event_type, r.target_type, r.target_id) for r in rows] == [
        ("create", "person.payee_account", str(person.pk)),
        ("update", "person.payee_account", str(person.pk)),
    ]
    assert rows[0].new["account"] == first.account_masked and rows[0].old is None
    assert rows[1].old["account"] == first.account_masked
    assert rows[1].new["account"] == second.account_masked
    for row in AuditLog.objects.all():
        flat = json.dumps(
            {k: v for k, v in row.__dict__.items() if not k.startswith("_")}, default=str, ensure_ascii=False
        )
        assert ACCOUNT not in flat and ACCOUNT_2 not in flat


def test_the_account_number_is_not_stored_in_plaintext(make_person, clerk):
    account = _set(clerk, make_person())
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM benefits_payeeaccount WHERE id = %s", [account.pk])
        raw = cur.fetchone()
        cur.execute("SELECT account_number_enc, account_hash FROM benefits_payeeaccount")
        enc, digest = cur.fetchone()
    assert all(ACCOUNT not in str(value) for value in raw)
    assert crypto.decrypt(enc) == ACCOUNT
    assert digest == crypto.blind_index(ACCOUNT)


# ---------------------------------------------------------------- the bank file


def _csv_rows(response):
    assert response.status_code == 200, response.content[:300]
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_bank_file_csv_carries_bank_holder_and_full_account_and_flags_lines_without_one(
    make_person, clerk, county
):
    paid = make_person(name="王五")
    unpaid = make_person(name="赵六")
    _enrol(paid, 600)
    _enrol(unpaid, 700)
    _set(clerk, paid, number=ACCOUNT)
    _set(clerk, paid, number=ACCOUNT_2, bank="济宁农村商业银行")  # only the active account is paid into
    run = _frozen_run(county)
    rows = _csv_rows(_client(county).get(f"/payroll/{run.pk}/bank.csv"))
    assert rows[0] == BANK_HEADER
    assert rows[0][:9] == [
        "序号",
        "乡镇代码",
        "村(社区)代码",
        "姓名",
        "身份证号",
        "项目",
        "金额（元）",
        "类型",
        "说明",
    ]
    assert rows[0][9:] == ["开户行", "户名", "银行账号", "备注"]
    by_name = {r[3]: r for r in rows[1:]}
    assert by_name["王五"][4] == paid.id_number
    assert by_name["王五"][6] == "600"
    assert by_name["王五"][9:] == ["济宁农村商业银行", "王五", ACCOUNT_2, ""]
    assert by_name["赵六"][4] == unpaid.id_number
    assert by_name["赵六"][9:] == ["", "", "", NO_ACCOUNT_NOTE]
    assert ACCOUNT not in "\n".join(",".join(r) for r in rows)


def test_the_bank_file_xlsx_carries_the_account_and_note_columns(make_person, clerk, county):
    paid, unpaid = make_person(name="王五"), make_person(name="赵六")
    _enrol(paid)
    _enrol(unpaid)
    _set(clerk, paid)
    run = _frozen_run(county)
    response = _client(county).get(f"/payroll/{run.pk}/bank.xlsx")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].endswith('.xlsx"')
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == BANK_HEADER
    by_name = {r[3]: r for r in rows[1:]}
    assert [v or "" for v in by_name["王五"][9:]] == ["中国农业银行济宁分行", "王五", ACCOUNT, ""]
    assert [v or "" for v in by_name["赵六"][9:]] == ["", "", "", NO_ACCOUNT_NOTE]


def test_each_export_writes_exactly_one_audit_row_naming_the_account_columns_without_values(
    make_person, clerk, county
):
    person = make_person()
    _enrol(person)
    _set(clerk, person)
    run = _frozen_run(county)
    c = _client(county)  # logging in writes its own audit row
    before = AuditLog.objects.count()
    assert c.get(f"/payroll/{run.pk}/bank.csv").status_code == 200
    rows = list(AuditLog.objects.order_by("seq")[before:])
    assert [(r.event_type, r.target_type, r.target_id) for r in rows] == [
        ("export", "payroll.bank_file", str(run.pk))
    ]
    assert "银行账号" in rows[0].detail and "开户行" in rows[0].detail and "户名" in rows[0].detail
    flat = str(rows[0].__dict__)
    assert ACCOUNT not in flat and person.id_number not in flat


def test_a_draft_run_gives_no_bank_file_and_no_export_row(make_person, county):
    _enrol(make_person())
    run = payroll_generate(actor=county, county_code="370811", month=MONTH)
    before = AuditLog.objects.filter(event_type="export").count()
    response = _client(county).get(f"/payroll/{run.pk}/bank.csv", follow=True)
    assert "审核冻结后才能导出" in response.content.decode()
    assert AuditLog.objects.filter(event_type="export").count() == before


def test_the_bank_file_selector_runs_a_fixed_number_of_queries_whatever_the_number_of_lines(
    make_person, clerk, county
):
    first = make_person()
    _enrol(first)
    _set(clerk, first)
    small = payroll_generate(actor=county, county_code="370811", month=MONTH)
    with CaptureQueriesContext(connection) as one_line:
        data = selectors.payroll_bank_file_rows(actor=county, run=small)
    assert len(data.rows) == 1
    for i in range(8):
        person = make_person(name=f"领取人{i}")
        _enrol(person)
        if i % 2:
            _set(clerk, person, number=_luhn(f"62284800{i:02d}1234567"))
    big = payroll_generate(actor=county, county_code="370811", month=dt.date(2025, 4, 1))
    with CaptureQueriesContext(connection) as nine_lines:
        data = selectors.payroll_bank_file_rows(actor=county, run=big)
    assert len(data.rows) == 9 and data.missing_accounts == 4
    assert len(nine_lines) == len(one_line) == 1


def test_the_payroll_page_warns_how_many_lines_have_no_account(make_person, clerk, county):
    people = [make_person(name=f"领取人{i}") for i in range(3)]
    for p in people:
        _enrol(p)
    _set(clerk, people[0])
    run = _frozen_run(county)
    body = _client(county).get(f"/payroll/{run.pk}/").content.decode()
    assert "本名册有2笔的领取人未登记收款账户" in body
    for p in people[1:]:
        _set(clerk, p, number=_luhn(f"6217001234{p.pk:04d}"))
    body = _client(county).get(f"/payroll/{run.pk}/").content.decode()
    assert "未登记收款账户" not in body


def test_a_township_clerk_sees_only_their_townships_lines_in_the_bank_file(make_person, make_user, county):
    mine = make_person(name="本镇")
    theirs = make_person(village="370811002001", name="外镇")
    _enrol(mine)
    _enrol(theirs)
    run = _frozen_run(county)
    data = selectors.payroll_bank_file_rows(actor=make_user("township_clerk", TOWN_A), run=run)
    assert [r[3] for r in data.rows] == ["本镇"]
    assert selectors.payroll_bank_file_rows(actor=make_user("township_clerk", TOWN_B), run=run).rows == []


# ---------------------------------------------------------------- the person page


def test_the_person_page_shows_the_masked_account_and_a_form_but_never_the_full_number(make_person, clerk):
    person = make_person()
    c = _client(clerk)
    body = c.get(f"/people/{person.pk}/").content.decode()
    assert "未登记收款账户" in body and f"/payroll/payee/{person.pk}/" in body
    r = c.post(
        f"/payroll/payee/{person.pk}/",
        {"bank_name": "中国农业银行济宁分行", "account_number": ACCOUNT, "valid_from": "2025-03-01"},
    )
    assert r.status_code == 302 and r["Location"] == f"/people/{person.pk}/"
    body = c.get(r["Location"]).content.decode()
    account = PayeeAccount.objects.get(person=person, active=True)
    assert account.valid_from == MONTH
    assert account.account_masked in body and "中国农业银行济宁分行" in body
    assert "已登记收款账户" in body and ACCOUNT[-4:] in body
    assert ACCOUNT not in body


@pytest.mark.parametrize(
    "data,message",
    [
        ({"bank_name": "农行", "account_number": "12ab"}, "银行账号应为12至19位数字"),
        ({"bank_name": "", "account_number": ACCOUNT}, "开户行不能为空"),
        ({"bank_name": "农行", "account_number": ACCOUNT, "valid_from": "2025-13-45"}, "启用日期格式不正确"),
        ({}, "开户行不能为空"),
    ],
)
def test_bad_form_input_comes_back_as_a_chinese_message_and_saves_nothing(make_person, clerk, data, message):
    person = make_person()
    r = _client(clerk).post(f"/payroll/payee/{person.pk}/", data, follow=True)
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not PayeeAccount.objects.exists()


def test_the_form_is_not_offered_to_a_role_that_cannot_set_accounts(make_person, make_user):
    person = make_person()
    body = _client(make_user("village_assistant", "370811001001")).get(f"/people/{person.pk}/")
    assert f"/payroll/payee/{person.pk}/" not in body.content.decode()


# ---------------------------------------------------------------- demo data


def test_demo_payees_get_encrypted_accounts_in_bulk_and_existing_ones_are_kept(make_person, clerk):
    payees = [make_person(name=f"演示{i}") for i in range(4)]
    for p in payees:
        _enrol(p)
    make_person(name="非领取人")
    kept = _set(clerk, payees[0])
    assert demo_payee_accounts_create(seed=1) == 3
    accounts = PayeeAccount.objects.filter(active=True)
    assert {a.person_id for a in accounts} == {p.pk for p in payees}
    assert PayeeAccount.objects.get(person=payees[0]) == kept
    for a in accounts.exclude(pk=kept.pk):
        number = a.account_number
        assert len(number) == 19 and number.isdigit()
        assert number not in a.account_number_enc and a.account_hash == crypto.blind_index(number)
        assert a.account_masked.endswith(number[-4:]) and a.holder_name == a.person.name
    assert demo_payee_accounts_create(seed=1) == 0
