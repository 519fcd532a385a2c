"""Sign-in by ID number and an SMS code to the phone on the record: codes expire, are used once, die after
too many wrong tries, are rate-limited; failures are audited; the citizen's session is not a staff one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.audit.models import AuditEvent, AuditLog
from minzheng.citizen import selectors, services
from minzheng.citizen.models import CitizenSession, SignInCode, SmsMessage
from tests.citizen.conftest import PHONE, last_code, sign_in
from tests.conftest import new_id


def test_a_code_goes_to_the_registered_phone_masked_in_the_outbox_and_signs_the_resident_in(resident):
    message = services.sign_in_code_send(id_number=resident["id_number"], ip="10.0.0.1")
    assert "分钟内有效" in message
    sms = SmsMessage.objects.get()
    assert sms.phone_masked == PHONE[:3] + "****" + PHONE[-4:]
    assert PHONE not in sms.text
    session, key = services.sign_in_verify(id_number=resident["id_number"], code=last_code(), ip="10.0.0.1")
    assert session.person == resident["head"]
    citizen = selectors.citizen_from_key(key)
    assert citizen is not None and citizen.person_id == resident["head"].pk
    assert AuditLog.objects.filter(event_type=AuditEvent.LOGIN, target_type="citizen.session").count() == 1


def test_a_code_is_used_once(resident):
    services.sign_in_code_send(id_number=resident["id_number"], ip="")
    code = last_code()
    services.sign_in_verify(id_number=resident["id_number"], code=code, ip="")
    with pytest.raises(ValidationError, match="验证码不正确或已过期"):
        services.sign_in_verify(id_number=resident["id_number"], code=code, ip="")


def test_an_expired_code_is_refused_and_the_refusal_audited(resident):
    services.sign_in_code_send(id_number=resident["id_number"], ip="")
    SignInCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError, match="已过期"):
        services.sign_in_verify(id_number=resident["id_number"], code=last_code(), ip="")
    assert not CitizenSession.objects.exists()
    failed = AuditLog.objects.filter(event_type=AuditEvent.LOGIN_FAILED, target_type="citizen.sign_in")
    assert failed.count() == 1 and failed.get().outcome == "failed"


def test_wrong_codes_count_and_after_five_even_the_right_code_is_dead(resident, settings):
    services.sign_in_code_send(id_number=resident["id_number"], ip="")
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.CITIZEN_CODE_ATTEMPTS):
        with pytest.raises(ValidationError):
            services.sign_in_verify(id_number=resident["id_number"], code=wrong, ip="")
    assert SignInCode.objects.get().attempts == settings.CITIZEN_CODE_ATTEMPTS
    with pytest.raises(ValidationError, match="验证码不正确或已过期"):
        services.sign_in_verify(id_number=resident["id_number"], code=code, ip="")
    assert (
        AuditLog.objects.filter(event_type=AuditEvent.LOGIN_FAILED).count()
        == settings.CITIZEN_CODE_ATTEMPTS + 1
    )
    assert not CitizenSession.objects.exists()


def test_a_new_code_replaces_the_one_before(resident):
    services.sign_in_code_send(id_number=resident["id_number"], ip="")
    first = last_code()
    services.sign_in_code_send(id_number=resident["id_number"], ip="")
    second = last_code()
    if first != second:
        with pytest.raises(ValidationError):
            services.sign_in_verify(id_number=resident["id_number"], code=first, ip="")
    services.sign_in_verify(id_number=resident["id_number"], code=second, ip="")


def test_codes_are_rate_limited_per_person_and_the_refusal_audited(resident, settings):
    for _ in range(settings.CITIZEN_CODES_PER_HOUR):
        services.sign_in_code_send(id_number=resident["id_number"], ip="")
    with pytest.raises(ValidationError, match="过于频繁"):
        services.sign_in_code_send(id_number=resident["id_number"], ip="")
    assert SmsMessage.objects.count() == settings.CITIZEN_CODES_PER_HOUR
    assert AuditLog.objects.filter(event_type=AuditEvent.LOGIN_FAILED, detail__contains="上限").count() == 1


def test_an_unregistered_id_gets_the_same_answer_no_sms_and_an_audited_failure(db):
    message = services.sign_in_code_send(id_number=new_id(), ip="")
    assert "分钟内有效" in message
    assert not SmsMessage.objects.exists()
    assert AuditLog.objects.filter(event_type=AuditEvent.LOGIN_FAILED).count() == 1


def test_a_person_without_a_phone_gets_no_code(make_person):
    person = make_person(name="无电话")
    services.sign_in_code_send(id_number=person.id_number, ip="")
    assert not SmsMessage.objects.exists() and not SignInCode.objects.exists()


@pytest.mark.parametrize("bad", ["", "abc", "37081119800101000X", "1" * 40])
def test_a_malformed_id_number_is_a_chinese_message_and_changes_nothing_but_the_audit(db, bad):
    with pytest.raises(ValidationError, match="身份证号不正确"):
        services.sign_in_code_send(id_number=bad, ip="")
    assert not SignInCode.objects.exists()
    assert AuditLog.objects.filter(event_type=AuditEvent.LOGIN_FAILED).count() == 1


def test_the_sign_in_page_sets_the_citizen_cookie_and_no_staff_session(resident):
    client = Client()
    r = sign_in(client, resident["id_number"])
    assert r.status_code == 302 and r["Location"] == "/citizen/me/"
    assert "mz_citizen" in r.cookies and r.cookies["mz_citizen"]["httponly"]
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # the staff home still asks for a staff login
    assert client.get("/citizen/desk/").status_code == 302
    page = client.get("/citizen/me/")
    assert page.status_code == 200 and "王秀英" in page.content.decode()


def test_a_wrong_code_on_the_page_is_a_chinese_message(resident):
    client = Client()
    client.post("/citizen/", {"id_number": resident["id_number"], "action": "send"})
    r = client.post("/citizen/", {"id_number": resident["id_number"], "code": "12ab", "action": "verify"})
    assert r.status_code == 200 and "验证码为6位数字" in r.content.decode()
    assert "mz_citizen" not in r.cookies


def test_without_a_session_the_resident_pages_lead_to_the_sign_in(db):
    client = Client()
    assert client.get("/citizen/me/")["Location"] == "/citizen/"
    client.cookies["mz_citizen"] = "forged"
    assert client.get("/citizen/me/")["Location"] == "/citizen/"


def test_signing_out_ends_the_session(citizen_client):
    key = citizen_client.cookies["mz_citizen"].value
    assert selectors.citizen_from_key(key) is not None
    r = citizen_client.post("/citizen/sign-out/")
    assert r.status_code == 302
    assert selectors.citizen_from_key(key) is None
    assert AuditLog.objects.filter(event_type=AuditEvent.LOGOUT, target_type="citizen.session").exists()


def test_an_expired_session_is_no_session(citizen_client):
    CitizenSession.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert citizen_client.get("/citizen/me/")["Location"] == "/citizen/"


def test_codes_are_rate_limited_per_address_across_id_numbers_and_the_refusal_audited(make_person, settings):
    settings.CITIZEN_CODES_PER_HOUR = 1  # one address may ask four times as often as one person
    people = [make_person(name=f"居民{i}", phone=f"1390000000{i}") for i in range(5)]
    for person in people[:4]:
        services.sign_in_code_send(id_number=person.id_number, ip="10.0.0.9")
    with pytest.raises(ValidationError, match="过于频繁"):
        services.sign_in_code_send(id_number=people[4].id_number, ip="10.0.0.9")
    assert SmsMessage.objects.count() == 4
    services.sign_in_code_send(id_number=people[4].id_number, ip="10.0.0.10")  # another address is served
    assert SmsMessage.objects.count() == 5
    refused = AuditLog.objects.get(event_type=AuditEvent.LOGIN_FAILED)
    assert "同一地址" in refused.detail and refused.ip == "10.0.0.9"
