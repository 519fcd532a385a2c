"""A resident with a registered phone (head of a two-person household in VILLAGE_A), the township's staff,
and a browser signed in the resident's way: ID number, then the SMS code read from the local outbox."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from minzheng.accounts.system import system_actor
from minzheng.citizen.models import SmsMessage
from minzheng.people.services import household_add_member, household_create
from tests.conftest import TOWN_A, VILLAGE_A, VILLAGE_B, new_id

PHONE = "13912345678"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def last_code() -> str:
    text = SmsMessage.objects.order_by("-id").values_list("text", flat=True).first() or ""
    match = re.search(r"验证码为(\d{6})", text)
    assert match, text
    return match.group(1)


def _household(make_person: Any, village: str, name: str, phone: str) -> dict[str, Any]:
    head = make_person(village=village, name=name, phone=phone, birth=dt.date(1975, 3, 4))
    hh = household_create(
        actor=system_actor(purpose="测试数据"),
        number=f"C{head.pk:08d}",
        region_code=village,
        hukou_type="urban",
        head=head,
        start_date=dt.date(2010, 1, 1),
    )
    child = make_person(village=village, name="王小明", birth=dt.date(2012, 5, 6))
    household_add_member(
        actor=system_actor(purpose="测试数据"),
        household=hh,
        person=child,
        relation="child",
        start_date=dt.date(2012, 5, 6),
    )
    return {"household": hh, "head": head, "child": child, "id_number": head.id_number}


@pytest.fixture
def resident(make_person: Any) -> dict[str, Any]:
    return _household(make_person, VILLAGE_A, "王秀英", PHONE)


@pytest.fixture
def neighbour(make_person: Any) -> dict[str, Any]:
    return _household(make_person, VILLAGE_A, "赵大海", "13700001111")


@pytest.fixture
def stranger(make_person: Any) -> dict[str, Any]:
    return _household(make_person, VILLAGE_B, "钱多多", "13600002222")


@pytest.fixture
def staff(make_user: Any) -> dict[str, Any]:
    return {
        "clerk": make_user("township_clerk", TOWN_A),
        "verifier": make_user("township_clerk", TOWN_A),
        "recorder": make_user("township_clerk", TOWN_A),
        "approver": make_user("township_approver", TOWN_A),
        "other_clerk": make_user("township_clerk", "370812001"),
    }


def sign_in(client: Client, id_number: str) -> Any:
    r = client.post("/citizen/", {"id_number": id_number, "action": "send"})
    assert r.status_code == 200
    return client.post("/citizen/", {"id_number": id_number, "code": last_code(), "action": "verify"})


@pytest.fixture
def citizen_client(resident: dict[str, Any]) -> Client:
    client = Client()
    r = sign_in(client, resident["id_number"])
    assert r.status_code == 302 and r["Location"] == "/citizen/me/"
    return client


def staff_client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


__all__ = ["PDF", "TOWN_A", "new_id"]
