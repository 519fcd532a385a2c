"""The child director's file visit and the 244 ledger visit are queued and synced like the elder visit:
written once by their own line's service, 404 out of scope, and their forms carry the offline marker."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.test import Client
from django.utils import timezone

from minzheng.children import services as children_svc
from minzheng.children.models import FileVisit
from minzheng.mobile.models import SyncedRecord
from minzheng.vagrants import services as vagrants_svc
from minzheng.vagrants.models import LedgerVisit
from tests.conftest import VILLAGE_A, VILLAGE_B

SYNC = "/api/v1/mobile/sync"


def _form(what: str, subject: int, key: str, **fields: list[str]) -> dict[str, Any]:
    today = timezone.localdate().isoformat()
    return {
        "key": key,
        "kind": what,
        "subject": subject,
        "fields": json.dumps({"visited_on": [today], **fields}),
    }


def test_a_child_directors_file_visit_syncs_once_and_another_village_is_404(
    make_user: Any, make_person: Any
) -> None:
    director = make_user("child_director", VILLAGE_A)
    kid = make_person(birth=dt.date(timezone.localdate().year - 9, 1, 1), name="王小花", hukou_type="rural")
    children_svc.child_file_open(actor=director, person=kid, left_behind=True, in_difficulty=False)
    far_director = make_user("child_director", VILLAGE_B)
    far = make_person(
        village=VILLAGE_B, birth=dt.date(timezone.localdate().year - 8, 1, 1), hukou_type="rural"
    )
    children_svc.child_file_open(actor=far_director, person=far, left_behind=True, in_difficulty=False)
    c = Client()
    c.force_login(director)
    assert f'data-offline-subject="{kid.pk}"' in c.get(f"/children/files/{kid.pk}/visit/").content.decode()
    form = _form("children", kid.pk, str(uuid.uuid4()), kind=["home"], note=["入户看望，生活正常"])
    assert c.post(SYNC, form).json()["created"] is True
    assert c.post(SYNC, form).json()["created"] is False
    assert FileVisit.objects.count() == 1
    out = c.post(
        SYNC, _form("children", far.pk, str(uuid.uuid4()), kind=["home"], note=["入户看望，生活正常"])
    )
    assert out.status_code == 404 and FileVisit.objects.count() == 1


def test_a_ledger_visit_syncs_once_and_a_missing_answer_is_refused_in_chinese(
    make_user: Any, make_person: Any
) -> None:
    officer = make_user("social_affairs_officer", VILLAGE_A[:6])
    assistant = make_user("village_assistant", VILLAGE_A)
    entry = vagrants_svc.ledger_add(
        actor=officer, person=make_person(name="老人甲"), kind="at_risk", risk="dementia", guardian="儿子"
    )
    c = Client()
    c.force_login(assistant)
    assert 'data-offline-kind="vagrants"' in c.get(f"/vagrants/ledger/{entry.pk}/visit/").content.decode()
    bad = c.post(SYNC, _form("vagrants", entry.pk, str(uuid.uuid4())))
    assert bad.status_code == 400 and bad.json()["detail"] == "请选择是否在家"
    form = _form("vagrants", entry.pk, str(uuid.uuid4()), at_home=["yes"])
    assert c.post(SYNC, form).status_code == 200 and c.post(SYNC, form).json()["created"] is False
    assert (
        LedgerVisit.objects.count() == 1 and SyncedRecord.objects.get().target_type == "vagrants.ledger_visit"
    )
