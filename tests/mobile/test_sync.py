"""The offline queue's sync: a visit entered without signal is written once, whatever the replays; out of
scope answers 404 like a missing person; each sync leaves an audit row."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.test import Client

from minzheng.accounts.services import api_token_issue
from minzheng.audit.models import AuditLog
from minzheng.mobile.models import SyncedRecord
from minzheng.people.models import Person
from minzheng.visits.models import Visit
from minzheng.visits.services import visitor_assign
from tests.conftest import VILLAGE_B

from .conftest import visit_form

SYNC = "/api/v1/mobile/sync"


def test_a_visit_synced_twice_with_the_same_key_is_recorded_once(phone: Client, elder: Person) -> None:
    form = visit_form(elder.pk)
    first = phone.post(SYNC, form)
    again = phone.post(SYNC, form)
    assert first.status_code == 200 and again.status_code == 200, again.content
    assert first.json()["created"] is True and again.json()["created"] is False
    assert first.json()["target_id"] == again.json()["target_id"]
    assert Visit.objects.filter(elder=elder).count() == 1
    assert SyncedRecord.objects.count() == 1


def test_each_sync_is_audited_once_with_the_visit_it_wrote(phone: Client, elder: Person) -> None:
    form = visit_form(elder.pk)
    phone.post(SYNC, form)
    phone.post(SYNC, form)
    record = SyncedRecord.objects.get()
    rows = AuditLog.objects.filter(target_type="mobile.sync")
    assert [r.target_id for r in rows] == [str(record.pk)]
    assert AuditLog.objects.filter(target_type="visits.visit", target_id=str(record.target_id)).count() == 1


def test_a_visit_for_an_elder_out_of_scope_is_404_like_a_missing_one_and_writes_nothing(
    phone: Client, make_elder: Any, make_user: Any
) -> None:
    far = make_elder(village=VILLAGE_B, actor=make_user("township_clerk", VILLAGE_B[:9]))
    out = phone.post(SYNC, visit_form(far.pk))
    missing = phone.post(SYNC, visit_form(987654321))
    assert out.status_code == missing.status_code == 404
    assert out.json() == missing.json()
    assert Visit.objects.count() == 0 and SyncedRecord.objects.count() == 0


def test_the_same_key_reused_for_another_elder_is_refused_in_chinese(
    phone: Client, elder: Person, make_elder: Any, clerk: Any, assistant: Any
) -> None:
    other = make_elder(name="李奶奶")
    visitor_assign(actor=clerk, elder=other, kind="village_cadre", visitor=assistant)
    key = uuid.uuid4()
    phone.post(SYNC, visit_form(elder.pk, key))
    r = phone.post(SYNC, visit_form(other.pk, key))
    assert r.status_code == 400 and "同步编号已用于另一条登记" in r.json()["detail"]
    assert Visit.objects.count() == 1


def test_the_key_is_kept_per_user_so_two_phones_never_collide(
    phone: Client, elder: Person, make_user: Any, clerk: Any
) -> None:
    key = uuid.uuid4()
    phone.post(SYNC, visit_form(elder.pk, key))
    c = Client()
    c.force_login(clerk)  # the township clerk may record a visit of any elder of the township
    r = c.post(SYNC, visit_form(elder.pk, key))
    assert r.status_code == 200 and r.json()["created"] is True
    assert Visit.objects.count() == 2


def test_a_refused_visit_is_a_chinese_400_and_nothing_is_kept(phone: Client, elder: Person) -> None:
    key = uuid.uuid4()
    r = phone.post(SYNC, visit_form(elder.pk, key, health=[]))
    assert r.status_code == 400 and r.json()["detail"] == "请选择健康状况"
    bad = phone.post(SYNC, {**visit_form(elder.pk), "fields": "{not json"})
    assert bad.status_code == 400 and "JSON" in bad.json()["detail"]
    assert Visit.objects.count() == 0 and SyncedRecord.objects.count() == 0
    # The same key, corrected, then goes through: a refusal does not burn it.
    assert phone.post(SYNC, visit_form(elder.pk, key)).json()["created"] is True


def test_the_position_the_browser_gave_is_kept_with_the_sync(phone: Client, elder: Person) -> None:
    form = {**visit_form(elder.pk), "latitude": "35.414100", "longitude": "116.587100"}
    assert phone.post(SYNC, form).status_code == 200
    record = SyncedRecord.objects.get()
    assert (str(record.latitude), str(record.longitude)) == ("35.414100", "116.587100")
    far = phone.post(SYNC, {**visit_form(elder.pk), "latitude": "95"})
    assert far.status_code == 422


def test_a_phone_with_an_api_token_syncs_and_lists_its_own_records(
    rf: Any, make_user: Any, elder: Person, clerk: Any
) -> None:
    carer = make_user("village_assistant", elder.region_code, username="cun1", password="Cun-pass-1234")
    visitor_assign(actor=clerk, elder=elder, kind="village_cadre", visitor=carer)
    token = api_token_issue(request=rf.post("/"), username="cun1", password="Cun-pass-1234")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    c = Client(enforce_csrf_checks=True)
    r = c.post(SYNC, visit_form(elder.pk), **auth)
    assert r.status_code == 200, r.content
    mine = c.get(SYNC, **auth).json()
    assert [x["target_id"] for x in mine] == [r.json()["target_id"]]
    assert mine[0]["kind_label"] == "特殊困难老年人探访"
    elders = c.get("/api/v1/mobile/visits", **auth).json()
    assert [e["person_id"] for e in elders] == [elder.pk] and "*" in elders[0]["id_number"]
    assert Client().post(SYNC, visit_form(elder.pk)).status_code == 401


def test_the_browser_session_needs_its_csrf_token_to_sync(assistant: Any, elder: Person) -> None:
    c = Client(enforce_csrf_checks=True)
    c.force_login(assistant)
    r = c.post(SYNC, visit_form(elder.pk))
    assert r.status_code == 403 and Visit.objects.count() == 0


def test_the_sync_answer_lists_the_form_fields_it_understands(client: Client) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    post = doc["paths"]["/api/v1/mobile/sync"]["post"]
    schema = json.dumps(post["requestBody"])
    assert "key" in schema and "subject" in schema and "photo" in schema
