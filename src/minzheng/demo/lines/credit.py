"""Demo data of the credit line in the demo township: the township's point-rule template copied to the
demo village (and one adjusted there), about forty households' points (most approved by shenpi, a few
still waiting), the village's credit supermarket with goods, a donation and a purchase through the credit
fund, two redemptions, the 红白理事会 with the village's own norms, and wedding/funeral filings (one over
the norm, one waiting for the council's advice)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from minzheng.credit import services as svc
from minzheng.credit.models import Goods, PointRule
from minzheng.people.models import Household, Membership

RULES = [  # (category, item, points, village may set within, evidence required)
    ("good_deed", "拾金不昧、见义勇为", 10, 5, 20, True),
    ("filial", "孝老爱亲（被评为好媳妇、好婆婆）", 15, 10, 20, False),
    ("customs", "婚事新办、丧事简办", 20, 10, 30, False),
    ("volunteering", "参加志愿服务（每次）", 2, 1, 5, False),
    ("hygiene", "庭院整洁（季度评比）", 5, 3, 10, False),
    ("deduction", "乱堆乱放、私搭乱建", -5, -10, -2, False),
    ("deduction", "大操大办、高价彩礼", -20, -30, -10, False),
]
GOODS = [("洗衣粉", "袋", 8, 30), ("食用油", "桶", 60, 10), ("香皂", "块", 4, 50), ("毛巾", "条", 6, 40)]
NOTES = ["在村口捡到钱包归还失主", "照顾卧床婆婆多年", "参加河道清理", "清扫街巷", "丧事不搭灵棚"]


def seed(*, actor: Any, seed: int) -> str:
    users = {
        u.username: u
        for u in get_user_model()
        .objects.filter(username__in=["xiangzhen", "shenpi", "cunxieli"])
        .select_related("region")
    }
    clerk, approver, cadre = users.get("xiangzhen"), users.get("shenpi"), users.get("cunxieli")
    if clerk is None or approver is None or cadre is None or cadre.region is None or clerk.region is None:
        return "信用积分：缺少演示账号，未生成"
    village, town = cadre.region.code, clerk.region.code
    if PointRule.objects.filter(region_code=town).exists():
        return "信用积分：演示数据已存在"
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    for category, name, points, low, high, evidence in RULES:
        svc.rule_template_create(
            actor=clerk,
            township_code=town,
            category=category,
            name=name,
            points=points,
            min_points=low,
            max_points=high,
            evidence_required=evidence,
        )
    svc.rules_copy(actor=cadre, village_code=village)
    rules = list(PointRule.objects.filter(region_code=village).order_by("pk"))
    volunteer = next(r for r in rules if r.category == "volunteering")
    svc.rule_adjust(actor=cadre, rule=volunteer, points=3, active=True, evidence_required=False)
    volunteer.refresh_from_db()
    plain = [r for r in rules if not r.evidence_required]
    households = list(Household.objects.filter(region_code=village).order_by("pk")[:40])
    pending = 0
    for i, hh in enumerate(households):
        for _ in range(rng.randint(1, 4)):
            rule = rng.choice(plain)
            rec = svc.point_record(
                actor=cadre,
                household=hh,
                rule=rule,
                occurred_on=today - dt.timedelta(days=rng.randint(1, 150)),
                evidence=rng.choice(NOTES),
            )
            if i % 9 == 8:
                pending += 1  # left for the township's 首页
            else:
                svc.point_decide(actor=approver, record=rec, approve=True)
    goods = [
        svc.goods_create(actor=cadre, village_code=village, name=n, unit=u, price=p, stock=s)
        for n, u, p, s in GOODS
    ]
    gift = svc.fund_entry_record(
        actor=cadre,
        village_code=village,
        kind="donation",
        amount=Decimal("5000"),
        counterparty="本村在外创业乡贤",
        entry_date=today - dt.timedelta(days=60),
        note="设立信用基金",
    )
    svc.fund_entry_confirm(actor=approver, entry=gift, approve=True)
    buy = svc.fund_entry_record(
        actor=cadre,
        village_code=village,
        kind="purchase",
        amount=Decimal("1200"),
        counterparty="镇供销社",
        entry_date=today - dt.timedelta(days=30),
        goods=goods[1],
        quantity=20,
    )
    svc.fund_entry_confirm(actor=approver, entry=buy, approve=True)
    svc.fund_entry_record(
        actor=cadre,
        village_code=village,
        kind="purchase",
        amount=Decimal("300"),
        counterparty="镇供销社",
        entry_date=today,
        goods=goods[0],
        quantity=40,
    )
    redeemed = 0
    for hh in households:
        account = getattr(hh, "credit_account", None)
        soap = Goods.objects.get(pk=goods[2].pk)
        if account is not None and account.balance >= soap.price and redeemed < 2:
            svc.redeem(actor=cadre, household=hh, goods=soap, quantity=1)
            redeemed += 1
    seed_customs(cadre=cadre, village=village, households=households, today=today)
    return (
        f"信用积分：{len(households)}户积分（{pending}条待审核），"
        f"信用超市{len(goods)}种商品，{redeemed}笔兑换，红白事报备3件"
    )


def seed_customs(*, cadre: Any, village: str, households: list[Household], today: dt.date) -> None:
    heads = {
        m.household_id: m.person
        for m in Membership.objects.filter(
            household__in=households, relation="head", end_date__isnull=True
        ).select_related("person")
    }
    svc.council_set(
        actor=cadre,
        village_code=village,
        chair="王德顺",
        members=[
            {"name": "李桂兰", "duty": "副会长"},
            {"name": "张志远", "duty": "理事"},
            {"name": "刘长福", "duty": "理事"},
        ],
        established_on=dt.date(2019, 3, 1),
    )
    for kind, tables, guests, spending, gift in (
        ("wedding", 10, 100, Decimal("20000"), Decimal("100")),
        ("funeral", 5, 60, Decimal("8000"), Decimal("50")),
    ):
        svc.norm_set(
            actor=cadre,
            village_code=village,
            kind=kind,
            effective_from=dt.date(2021, 1, 1),
            max_tables=tables,
            max_guests=guests,
            max_spending=spending,
            max_gift=gift,
            source="本村村规民约（2020年12月村民代表会议通过）",
        )
    names = [p.name for p in heads.values()][:3] or ["王", "李", "张"]
    ok = svc.filing_create(
        actor=cadre,
        village_code=village,
        kind="wedding",
        family=f"{names[0]}家",
        event_date=today - dt.timedelta(days=20),
        tables=8,
        guests=80,
        spending=Decimal("15000"),
        gift=Decimal("100"),
    )
    svc.filing_advise(actor=cadre, filing=ok, advice="符合本村标准，理事会派员协助婚事新办。")
    over = svc.filing_create(
        actor=cadre,
        village_code=village,
        kind="wedding",
        family=f"{names[min(1, len(names) - 1)]}家",
        event_date=today + dt.timedelta(days=10),
        tables=18,
        guests=200,
        spending=Decimal("46000"),
        gift=Decimal("200"),
    )
    svc.filing_advise(actor=cadre, filing=over, advice="超出本村标准，理事会已上门劝导压减至10桌以内。")
    svc.filing_create(
        actor=cadre,
        village_code=village,
        kind="funeral",
        family=f"{names[-1]}家",
        event_date=today - dt.timedelta(days=3),
        tables=3,
        guests=40,
        spending=Decimal("5000"),
        gift=Decimal("0"),
        simplified=True,
    )
