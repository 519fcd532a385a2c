"""慈善 and 福彩公益金 demo data, written through the charity services by the demo org officer (shezu):
three charitable organisations, two public fund-raising projects with donations (units, masked persons,
anonymous; some restricted) and spending with beneficiaries of the registry, the funds other lines draw
on (监护缺失儿童, 集中照护补足, 济时救) with a few monthly draws, two community charity funds, and two
years of lottery public-welfare plans with funded projects waiting for acceptance (the 首页 to-do)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from minzheng.charity import services
from minzheng.charity.models import CharityOrg
from minzheng.charity.rules import credit_check_char
from minzheng.people.models import Person
from minzheng.regions.models import Region

UNITS = ["济宁鲁兴建设有限公司", "任城区爱心企业联合会", "山东运河农商银行任城支行", "济宁市某某商贸有限公司"]
NAMES = ["张志强", "李秀英", "王建国", "刘芳", "陈明", "赵丽华", "孙伟", "周静", "吴海涛", "郑玉兰"]


def _code(n: int) -> str:
    body = f"53370811MJD{n:06d}"
    return body + credit_check_char(body)


def seed(*, actor: Any, seed: int) -> str:
    if CharityOrg.objects.exists():
        return "慈善：演示数据已存在"
    officer = get_user_model().objects.select_related("region").filter(username="shezu").first()
    if officer is None or officer.region is None:
        return "慈善：缺少演示账号shezu，跳过"
    county = officer.region.code
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    today = timezone.localdate()
    people = list(Person.objects.filter(region_code__startswith=county, is_alive=True).order_by("pk")[:400])
    kids = [p for p in people if p.birth_date > today - dt.timedelta(days=16 * 365)][:40]
    orgs = [
        services.org_create(
            actor=officer,
            name=name,
            credit_code=_code(i + 1),
            registered_on=dt.date(year, 3, 1),
            region_code=county,
            fundraising_from=dt.date(year + 3, 6, 1) if qualified else None,
        )
        for i, (name, year, qualified) in enumerate(
            [
                ("任城区慈善总会", 2008, True),
                ("任城区红十字博爱基金会", 2014, True),
                ("任城区邻里互助促进会", 2021, False),
            ]
        )
    ]
    start = today - dt.timedelta(days=150)
    projects = [
        services.project_file(
            actor=officer,
            org=orgs[0],
            name="困境儿童助学行动",
            purpose="资助困境儿童就学、购置学习用品",
            filing_number="53370811MJD0001A2026001",
            platform="腾讯公益",
            target=Decimal("200000"),
            starts_on=start,
            ends_on=today + dt.timedelta(days=200),
        ),
        services.project_file(
            actor=officer,
            org=orgs[1],
            name="冬日暖阳·困难老人取暖",
            purpose="为困难老年人发放取暖补助和冬衣",
            filing_number="53370811MJD0002A2026002",
            platform="支付宝公益",
            target=Decimal("80000"),
            starts_on=start,
            ends_on=today + dt.timedelta(days=60),
        ),
    ]
    funds = [
        (
            orgs[0],
            "guardianship_lacking",
            "监护缺失儿童慈善基金",
            "监护缺失儿童基本生活费",
            Decimal("300000"),
        ),
        (orgs[0], "central_care", "低保失能老人集中照护补足基金", "补足集中照护成本", Decimal("150000")),
        (orgs[1], "jishijiu", "“济时救”救助基金", "急难型临时救助", Decimal("120000")),
    ]
    fund_rows = []
    for org, code, name, purpose, seed_money in funds:
        fund = services.project_file(
            actor=officer,
            org=org,
            kind="fund",
            fund_code=code,
            name=name,
            purpose=purpose,
            starts_on=dt.date(today.year - 1, 1, 1),
        )
        services.donation_record(
            actor=officer,
            project=fund,
            donor_kind="org",
            donor_name="济宁市慈善总会",
            amount=seed_money,
            received_on=dt.date(today.year - 1, 1, 15),
        )
        fund_rows.append(fund)
    communities = list(Region.objects.filter(level="village", code__startswith=county).order_by("code")[:2])
    for village in communities:
        fund = services.project_file(
            actor=officer,
            org=orgs[2],
            kind="community",
            name=f"{village.name}社区慈善基金",
            purpose="社区困难家庭帮扶和邻里互助",
            starts_on=start,
            region_code=village.code,
        )
        for _ in range(4):
            services.donation_record(
                actor=officer,
                project=fund,
                donor_kind="person",
                donor_name=rng.choice(NAMES),
                amount=Decimal(rng.choice([100, 200, 500, 1000])),
                received_on=start + dt.timedelta(days=rng.randrange(100)),
            )
    n_donations = 0
    for project in projects:
        for i in range(18):
            kind = ("org", "person", "person", "anonymous")[i % 4]
            person = rng.choice(people) if kind == "person" and people and i % 8 == 1 else None
            services.donation_record(
                actor=officer,
                project=project,
                donor_kind=kind,
                donor_name=rng.choice(UNITS if kind == "org" else NAMES),
                donor_person_id=person.pk if person else None,
                amount=Decimal(
                    rng.choice([50, 100, 200, 500, 1000, 5000, 10000] if kind != "org" else [20000, 30000])
                ),
                restricted_purpose="购置书包文具" if project is projects[0] and i == 4 else "",
                received_on=start + dt.timedelta(days=rng.randrange(140)),
            )
            n_donations += 1
    helped = kids[:12]
    services.spending_record(
        actor=officer,
        project=projects[0],
        purpose="春季学期助学金",
        amount=Decimal("36000"),
        spent_on=today - dt.timedelta(days=20),
        beneficiary_count=len(helped) or 12,
        beneficiary_ids=[k.pk for k in helped],
    )
    services.spending_record(
        actor=officer,
        project=projects[1],
        purpose="发放取暖补助",
        amount=Decimal("20000"),
        spent_on=today - dt.timedelta(days=10),
        beneficiary_count=40,
    )
    caiwu = get_user_model().objects.filter(username="caiwu").first() or officer
    for back in (3, 2, 1):
        month = (today.replace(day=1) - dt.timedelta(days=28 * back)).replace(day=1)
        services.fund_draw(
            fund_code="guardianship_lacking",
            month=month,
            amount=Decimal(1380 * 6),
            actor=caiwu,
            reference=f"demo:children:{month:%Y-%m}",
            source_line="children",
            beneficiary_count=6,
        )
        services.fund_draw(
            fund_code="jishijiu",
            month=month,
            amount=Decimal(rng.choice([3000, 4500, 6000])),
            actor=officer,
            reference=f"demo:jishijiu:{month:%Y-%m}",
            source_line="assistance",
            beneficiary_count=rng.randint(2, 5),
        )
    for year, elderly, other in ((today.year - 1, "6200000", "4300000"), (today.year, "6800000", "4700000")):
        plan = services.lottery_plan_create(
            actor=officer,
            year=year,
            region_code=county,
            document_number=f"任民发〔{year}〕12号",
            allocations={
                "elderly": Decimal(elderly),
                "disability": Decimal(other) * Decimal("0.3"),
                "children": Decimal(other) * Decimal("0.3"),
                "assistance": Decimal(other) * Decimal("0.4"),
            },
        )
        for use, name, grantee, amount in (
            ("elderly", "农村幸福院运营补助", "各镇街农村幸福院", "1800000"),
            ("elderly", "乡镇敬老院护理床位改造", "任城区社会福利中心", "2500000"),
            ("children", "儿童之家建设", "各镇街儿童之家", "600000"),
            ("disability", "残疾人康复辅具适配", "任城区残疾人康复中心", "500000"),
        ):
            services.lottery_project_fund(
                actor=officer,
                plan=plan,
                use=use,
                name=f"{year}年{name}",
                grantee=grantee,
                amount=Decimal(amount),
            )
    return (
        f"慈善：{len(orgs)}个慈善组织、{len(projects)}个募捐项目（{n_donations}笔捐赠）、{len(fund_rows)}个专项基金、"
        f"{len(communities)}个社区慈善基金、2个年度福彩公益金计划（资助项目待验收）"
    )
