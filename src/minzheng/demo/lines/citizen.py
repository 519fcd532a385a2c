"""Demo data of 指尖办: one demo resident, the head of an EXISTING demo household in the township clerk's
(xiangzhen) township, gets a registered phone through the people registry's audited service, so the
sign-in works in `make run` and the demo's counts do not change. To sign in: open /citizen/, type the ID
number this step prints, press 获取验证码 and read the code from the terminal running the server (the local
SMS backend logs 本地短信通道（未真实发送）… 验证码为NNNNNN; the message is also kept in the outbox table
`citizen_smsmessage`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from minzheng.accounts.models import User
from minzheng.assistance.models import Application
from minzheng.benefits.models import Enrolment
from minzheng.people.models import Membership, Relation
from minzheng.people.services import person_set_phone

PHONE = "13800001234"


def seed(*, actor: Any, seed: int) -> str:
    clerk = User.objects.filter(username="xiangzhen").select_related("region").first()
    if clerk is None or clerk.region is None:
        return "指尖办：缺少演示账号，跳过"
    # A current head, alive, with an ID number, whose household has no assistance case nor enrolment (so
    # the tester can apply online for dibao and follow the case from the start); first by household number.
    head = (
        Membership.objects.filter(
            relation=Relation.HEAD,
            end_date__isnull=True,
            household__region_code__startswith=clerk.region.code,
            person__is_alive=True,
            person__temp_number__isnull=True,
        )
        .exclude(Exists(Application.objects.filter(household_id=OuterRef("household_id"))))
        .exclude(Exists(Enrolment.objects.filter(household_id=OuterRef("household_id"))))
        .select_related("person", "household__region")
        .order_by("household__number", "id")
        .first()
    )
    if head is None:
        return "指尖办：演示乡镇没有可用的户主，跳过"
    person = person_set_phone(actor=actor, person=head.person, phone=PHONE)
    place = head.household.region.full_name or head.household.region.name
    return (
        f"指尖办：演示居民 {person.name}（{place}，户主）在 /citizen/ 用身份证号 {person.id_number} 登录"
        f"（登记手机 {person.phone_masked}），点“获取验证码”，验证码见运行服务的终端日志"
        "（“本地短信通道（未真实发送）”一行）"
    )
