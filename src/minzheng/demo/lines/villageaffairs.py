"""Demo data of 村务公开 in the demo township: every village has a village assistant (cunxieli in its own
village, accounts without a known password in the others); last month is complete in cunxieli's village
and in most others, this month is incomplete (two items still to publish in cunxieli's village, more
elsewhere); a corrected item with its history; villagers' questions open, overdue, answered and closed."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal
from typing import Any

from django.utils import timezone

from minzheng.accounts.models import Role, User
from minzheng.accounts.services import user_create
from minzheng.regions.models import Region, RegionLevel
from minzheng.villageaffairs import services
from minzheng.villageaffairs.models import CatalogueItem, Disclosure, Frequency, Question
from minzheng.villageaffairs.periods import due_q, period_of, period_start, previous_period

VILLAGES = 8  # villages of the demo township that take part (cunxieli's first)
TEXTS = {
    "monthly": "本月收入{a}元、支出{b}元，明细见附表，村务监督委员会已审核。",
    "quarterly": "本季度共办理{a}件，涉及资金{b}元，名单及金额张贴于村务公开栏。",
    "yearly": "本年度情况：完成{a}项，资金{b}元，经村民代表会议通过。",
    "event": "事项发生后公开：涉及{a}户，金额{b}元。",
}
QUESTIONS = [
    (
        "村东头修路的钱是多少，谁承包的？",
        "村级公益事业建设项目及招投标情况",
        "修路工程造价8.2万元，经村民代表会议议定，由本村施工队承建，合同已公开。",
    ),
    (
        "我家申请低保为什么没批下来？",
        "低保基本信息（对象、人数、保障金额）",
        "经入户调查，家庭人均收入高于低保标准，已当面解释并告知申请临时救助的途径。",
    ),
    (
        "集体鱼塘承包费今年收了没有？",
        "集体资源（土地、林地、水面）发包租赁情况",
        "承包费1.5万元已于3月入账，见本月财务收支明细。",
    ),
    ("村干部补贴是怎么定的？", "村干部报酬及补贴发放情况", ""),
    ("去年的救灾面粉发给了哪些户？", "救灾救济款物发放明细", ""),
    ("村里的旧学校租给谁了，租金多少？", "集体资产处置（出租、出售、拍卖）情况", ""),
]


def _assistant(actor: Any, village: Region, n: int) -> User:
    found = (
        User.objects.filter(role=Role.VILLAGE_ASSISTANT, region=village, is_active=True)
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    return user_create(
        actor=actor,
        username=f"cunxieli{village.code[-3:]}{n}",
        password=secrets.token_urlsafe(12),
        role=Role.VILLAGE_ASSISTANT,
        region_code=village.code,
        display_name=f"{village.name}村务协理员",
    )


def _publish(
    rng: random.Random, *, who: User, village: Region, period: str, items: list[CatalogueItem]
) -> int:
    today = timezone.localdate()
    start = period_start(period)
    n = 0
    for item in items:
        if Disclosure.objects.filter(region_code=village.code, period=period, item=item).exists():
            continue
        day = min(today, start + dt.timedelta(days=rng.randint(0, 9)))
        text = TEXTS[item.frequency].format(a=rng.randint(3, 40), b=rng.randint(2, 90) * 1000)
        services.disclosure_publish(
            actor=who, region_code=village.code, period=period, item=item, text=text, published_on=day
        )
        n += 1
    return n


def seed(*, actor: Any, seed: int) -> str:
    cadre = User.objects.filter(username="cunxieli").select_related("region").first()
    clerk = User.objects.filter(username="xiangzhen").first()
    approver = User.objects.filter(username="shenpi").first()
    if cadre is None or clerk is None or approver is None or cadre.region is None:
        return "村务公开：缺少演示账号，未生成"
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    this, last = period_of(today), previous_period(period_of(today))
    home = cadre.region
    if Disclosure.objects.filter(region_code=home.code).exists():
        return "村务公开：演示数据已存在"
    others = list(
        Region.objects.filter(level=RegionLevel.VILLAGE, parent__code=home.code[:9])
        .exclude(code=home.code)
        .order_by("code")[: VILLAGES - 1]
    )
    published = 0
    for n, village in enumerate([home, *others]):
        who = cadre if village == home else _assistant(actor, village, n)
        due_last = list(CatalogueItem.objects.filter(due_q(last)).order_by("order"))
        due_this = list(CatalogueItem.objects.filter(due_q(this)).order_by("order"))
        # last month: complete in the home village and in most others; this month: under way everywhere
        keep_last = len(due_last) if village == home or n % 3 else len(due_last) - rng.randint(1, 3)
        keep_this = len(due_this) - 2 if village == home else rng.randint(0, len(due_this))
        published += _publish(rng, who=who, village=village, period=last, items=due_last[:keep_last])
        published += _publish(rng, who=who, village=village, period=this, items=due_this[:keep_this])
    events = list(CatalogueItem.objects.filter(frequency=Frequency.EVENT).order_by("order")[:2])
    published += _publish(rng, who=cadre, village=home, period=last, items=events)
    first = Disclosure.objects.filter(region_code=home.code, period=last).order_by("pk").first()
    if first is not None and first.revision == 1:
        services.disclosure_correct(
            actor=cadre,
            disclosure=first,
            text=first.text + "（更正：漏记村委会办公用品支出320元）",
            published_on=first.published_on,
            reason="漏记一笔支出",
        )
    recorded = 0
    if not Question.objects.filter(region_code=home.code).exists():
        names = {i.name: i for i in CatalogueItem.objects.all()}
        for i, (text, item_name, answer) in enumerate(QUESTIONS):
            raised = today - dt.timedelta(days=3 + i * 9)
            q = services.question_record(
                actor=cadre,
                region_code=home.code,
                text=text,
                raised_on=raised,
                asker=rng.choice(["王", "李", "张", "刘", "陈"]) + rng.choice(["大爷", "大娘", "师傅"]),
                item=names.get(item_name),
            )
            recorded += 1
            if i == 3:
                services.question_assign(actor=clerk, question=q, assignee="村党支部书记")
            if answer:
                services.question_assign(actor=clerk, question=q, assignee="村委会")
                services.question_answer(actor=clerk, question=q, answer=answer)
                if i < 2:
                    services.question_close(actor=approver, question=q)
    # 明查暗访: one unannounced inspection of three villages this month, two findings, one rectified and
    # waiting for the township's check
    inspection = services.inspection_create(
        actor=clerk,
        region_code=home.code[:9],
        mode="unannounced",
        held_on=today - dt.timedelta(days=min(today.day - 1, 6)),
        villages=[home.code, *(v.code for v in others[:2])],
        note="随机抽取三个村，查看公开栏和财务公开资料",
    )
    findings = [
        services.finding_add(
            actor=clerk,
            inspection=inspection,
            region_code=home.code,
            problem="公开栏低保名单未标注保障金额",
            rectify_by=inspection.held_on + dt.timedelta(days=15),
            item=CatalogueItem.objects.filter(code="CW03").first(),
        ),
    ]
    if others:
        findings.append(
            services.finding_add(
                actor=clerk,
                inspection=inspection,
                region_code=others[0].code,
                problem="上月财务收支明细未张贴",
                rectify_by=inspection.held_on + dt.timedelta(days=10),
            )
        )
    services.finding_rectify(
        actor=cadre, finding=findings[0], rectification="已补充保障金额并重新张贴，附照片"
    )
    # 议事协商: one matter half-way through the seven steps (reviewed, consensus gathered, meeting to hold)
    matter = services.matter_propose(
        actor=cadre,
        region_code=home.code,
        title="村内东西大街道路硬化",
        proposer="村民代表王某等12人",
        note="东西大街雨天泥泞，群众出行不便，建议硬化约800米。",
        on=today - dt.timedelta(days=20),
    )
    services.matter_step(
        actor=clerk,
        matter=matter,
        action="review",
        note="议题属村民自治范围，同意提交协商。",
        on=today - dt.timedelta(days=18),
    )
    services.matter_step(
        actor=cadre,
        matter=matter,
        action="consult",
        note="入户征求意见86户，赞成79户；拟按一事一议筹资筹劳。",
        on=today - dt.timedelta(days=10),
    )
    # 一述两问三评四定: last quarter's 阳光报告会 review of the village committee director
    services.cadre_review_record(
        actor=cadre,
        region_code=home.code,
        cadre_name="李建国",
        post="director",
        held_on=today - dt.timedelta(days=40),
        report="本年度完成村内道路修缮两条，低保、临时救助评议全部公开，集体收入增加3.2万元。",
        questions="鱼塘承包费收了多少？村里路灯什么时候修？",
        suggestions="群众建议建设文化广场、增加路灯",
        scores={
            "score_representatives": Decimal("88"),
            "score_party": Decimal("91"),
            "score_township": Decimal("86"),
        },
        goal="年内修复路灯40盏",
        measures="申请乡镇以奖代补资金，不足部分一事一议",
        responsible="李建国",
        due_on=today + dt.timedelta(days=120),
    )
    return (
        f"村务公开：{1 + len(others)}个村公开{published}项，登记村民问题{recorded}条，"
        f"明查暗访1次（发现问题{len(findings)}个），议事协商事项1件"
    )
