"""Demo data of 地名: standard names of the demo county from the second national place-name census (with
their approvals), a few reserve road names, and two naming applications from the reserve: 崇文街 entered
by the 社会事务科 (shehui), reviewed by the county's second officer (xianji2), waiting for the county's
officer's 批准 (xianji), and 致远路 waiting for review. Written through the line's services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from minzheng.accounts.models import User
from minzheng.placenames import services
from minzheng.regions.models import Region

STANDARD = (
    (
        "太白楼路",
        "Tàibáilóu Lù",
        "road",
        "因路经太白楼得名，唐代诗人李白曾寓居于此",
        "1982年命名，2015年第二次全国地名普查确认",
        "35.410512",
        "116.585210",
    ),
    ("古槐路", "Gǔhuái Lù", "road", "路旁有唐槐一株，故名", "1990年命名", "35.404120", "116.591030"),
    (
        "运河花园",
        "Yùnhé Huāyuán",
        "residential",
        "临京杭大运河，取运河之名",
        "2008年建成命名",
        "35.398800",
        "116.575400",
    ),
    (
        "南池",
        "Nán Chí",
        "natural",
        "杜甫《与任城许主簿游南池》所咏之池",
        "唐代已有此名，沿用至今",
        "35.397000",
        "116.583700",
    ),
)
RESERVE = (
    ("崇文街", "Chóngwén Jiē", "road", "崇尚文化"),
    ("致远路", "Zhìyuǎn Lù", "road", "宁静致远"),
    ("和园", "Hé Yuán", "residential", "和谐宜居"),
)


def seed(*, actor: Any, seed: int) -> str:
    clerk = User.objects.filter(username="shehui").first()
    if clerk is None or clerk.region is None:
        return "地名：缺少演示账号shehui，跳过"
    county = clerk.region.code[:6]
    township = Region.objects.filter(code__startswith=county, level="township").order_by("code").first()
    where = township.code if township else county
    for i, (name, pinyin, category, meaning, history, lat, lon) in enumerate(STANDARD):
        services.place_record(
            actor=clerk,
            name=name,
            pinyin=pinyin,
            category=category,
            region_code=where,
            meaning=meaning,
            history=history,
            approval_no=f"济政字〔2015〕{31 + i}号",
            approved_on=dt.date(2015, 6, 1),
            latitude=Decimal(lat),
            longitude=Decimal(lon),
        )
    for name, pinyin, category, meaning in RESERVE:
        services.reserve_add(
            actor=clerk, name=name, pinyin=pinyin, category=category, region_code=where, meaning=meaning
        )
    applications = [
        services.application_submit(
            actor=clerk,
            kind="naming",
            proposed_name=name,
            pinyin=pinyin,
            category="road",
            region_code=where,
            reason=reason,
            applicant_unit="任城区自然资源局",
        )
        for name, pinyin, reason in (
            ("崇文街", "Chóngwén Jiē", "新建道路，取自备用地名库，寓意崇尚文化"),
            ("致远路", "Zhìyuǎn Lù", "新建道路，取自备用地名库，寓意宁静致远"),
        )
    ]
    reviewer = User.objects.filter(username="xianji2").first()
    if reviewer is None:
        return f"地名：{len(STANDARD)}条标准地名，{len(RESERVE)}条备用地名，2件命名申请待审核"
    services.application_review(
        actor=reviewer, application=applications[0], note="名称取自备用地名库，县内无重名，同意报批"
    )
    return (
        f"地名：{len(STANDARD)}条标准地名，{len(RESERVE)}条备用地名，"
        "1件命名申请（崇文街）待县级批准（xianji），1件（致远路）待审核"
    )
