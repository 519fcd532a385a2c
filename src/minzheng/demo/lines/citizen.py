"""Demo data of 指尖办: one demo resident, head of a new two-person household in the first village of the
township clerk's (xiangzhen) township, with a registered phone, so the sign-in works in `make run`: type
the ID number printed here, ask for the code, read it from the server's log (the local SMS backend)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from minzheng.accounts.models import User
from minzheng.core.idnumber import make_id_number
from minzheng.people.models import Person
from minzheng.people.services import household_add_member, household_create, person_create
from minzheng.regions.models import Region

PHONE = "13800001234"


def _free_id(county: str, birth: dt.date, sex: str) -> str:
    from minzheng.core import crypto

    for seq in range(450, 500):
        id_number = make_id_number(county, birth, seq, sex)
        if not Person.objects.filter(id_hash=crypto.blind_index(id_number)).exists():
            return id_number
    raise RuntimeError("演示居民：没有可用的身份证号")


def seed(*, actor: Any, seed: int) -> str:
    clerk = User.objects.filter(username="xiangzhen").select_related("region").first()
    if clerk is None or clerk.region is None:
        return "指尖办：缺少演示账号，跳过"
    village = (
        Region.objects.filter(code__startswith=clerk.region.code, code__regex=r"^\d{12}$")
        .order_by("code")
        .first()
    )
    if village is None:
        return "指尖办：演示乡镇没有村（社区），跳过"
    county = village.code[:6]
    head = person_create(
        actor=actor,
        id_number=_free_id(county, dt.date(1978, 6, 15), "F"),
        name="孙桂兰",
        hukou_type="rural",
        hukou_region_code=village.code,
        phone=PHONE,
    )
    household = household_create(
        actor=actor,
        number=f"ZJB{head.pk:08d}",
        region_code=village.code,
        hukou_type="rural",
        head=head,
        start_date=dt.date(2005, 3, 1),
    )
    child = person_create(
        actor=actor,
        id_number=_free_id(county, dt.date(2010, 9, 1), "M"),
        name="孙小军",
        hukou_type="rural",
        hukou_region_code=village.code,
    )
    household_add_member(
        actor=actor, household=household, person=child, relation="child", start_date=dt.date(2010, 9, 1)
    )
    return (
        f"指尖办：演示居民 孙桂兰（{village.full_name or village.name}）在 /citizen/ 用身份证号 "
        f"{head.id_number} 登录，点“获取验证码”，验证码见服务器日志（本地短信通道）"
    )
