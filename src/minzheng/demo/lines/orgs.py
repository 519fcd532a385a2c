"""Demo data of the social-organisation line: a few dozen organisations in three counties (registered
through the registration flow, backdated to believable years), last year's annual reports at about the
city's rate (filed through the filer login, reviewed by the bureau), grade evaluations, a 双随机 draw with
an overdue rectification, a penalty, zombie candidates and illegal-organisation cases. `tianbao` is bound
to one organisation whose report for last year is still to be filed."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal
from typing import Any

from django.utils import timezone

from minzheng.accounts.models import Role, User
from minzheng.accounts.services import user_create
from minzheng.core.idnumber import make_id_number
from minzheng.orgs import services
from minzheng.orgs.creditcode import ALPHABET, check_char
from minzheng.orgs.models import KIND_CODE, Kind, Organisation
from minzheng.regions.models import Region, RegionLevel

NAMES = {
    Kind.GROUP: [
        "书法家协会",
        "老年体育协会",
        "个体劳动者协会",
        "志愿者协会",
        "摄影家协会",
        "慈善总会",
        "青年创业促进会",
    ],
    Kind.SERVICE: [
        "阳光社会工作服务中心",
        "康乐养老服务中心",
        "启智儿童康复中心",
        "邻里调解服务中心",
        "青少年成长服务中心",
    ],
    Kind.FOUNDATION: ["教育发展基金会", "扶贫济困基金会"],
    Kind.COMMUNITY: ["社区志愿服务队", "社区文艺队", "社区老年协会", "邻里互助会", "社区读书会"],
}
SUPERVISORS = {Kind.GROUP: "民政局", Kind.SERVICE: "民政局", Kind.FOUNDATION: "民政局", Kind.COMMUNITY: ""}


def _code(kind: str, region6: str, n: int) -> str:
    body = "MJ" + "".join(ALPHABET[(n * 13 + i * 7) % 31] for i in range(3)) + f"{n:04d}"
    first17 = "5" + KIND_CODE[Kind(kind)] + region6 + body
    return first17 + check_char(first17)


def _officer(county: Region, actor: Any) -> User:
    found = User.objects.filter(role=Role.ORG_OFFICER, region=county, is_active=True).order_by("pk").first()
    if found is not None:
        return found
    return user_create(
        actor=actor,
        username=f"shezu{county.code}",
        password=secrets.token_urlsafe(12),
        role=Role.ORG_OFFICER,
        region_code=county.code,
        display_name=f"{county.name}社会组织管理员",
    )


def seed(*, actor: Any, seed: int) -> str:
    shezu = User.objects.filter(username="shezu").first()
    tianbao = User.objects.filter(username="tianbao").first()
    if shezu is None or tianbao is None or shezu.region is None:
        return "社会组织：缺少演示账号，跳过"
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    today = timezone.localdate()
    last = today.year - 1
    home = shezu.region
    others = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=home.code[:4]).exclude(
        pk=home.pk
    )
    counties = [home, *others.order_by("code")[:2]]
    # A second inspector of the home county: a 双随机 draw pairs two inspectors with each organisation.
    if User.objects.filter(role=Role.ORG_OFFICER, region=home).count() < 2:
        user_create(
            actor=actor,
            username="shezu2",
            password=secrets.token_urlsafe(12),
            role=Role.ORG_OFFICER,
            region_code=home.code,
            display_name="社会组织执法检查员",
        )
    n = 0
    made: list[tuple[Organisation, User]] = []
    for county in counties:
        officer = shezu if county.pk == home.pk else _officer(county, actor)
        villages = list(
            Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=county.code).order_by("code")
        )
        towns = list(
            Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=county.code).order_by("code")
        )
        if not villages or not towns:
            continue
        for kind, names in NAMES.items():
            for name in names:
                n += 1
                place = rng.choice(villages) if kind == Kind.COMMUNITY else rng.choice(towns)
                full = f"{place.name}{name}" if kind == Kind.COMMUNITY else f"{county.name}{name}"
                case = services.org_apply(
                    actor=officer,
                    region_code=place.code,
                    name=full,
                    kind=kind,
                    authority_level="county",
                    supervisor=f"{county.name}{SUPERVISORS[kind]}" if SUPERVISORS[kind] else "",
                    legal_rep_name=rng.choice(["王", "李", "张", "刘", "陈", "孔", "孟"])
                    + rng.choice(["建国", "秀英", "志强", "丽华", "海涛"]),
                    legal_rep_id=make_id_number(
                        county.code, dt.date(1960 + n % 30, 1 + n % 12, 1 + n % 27), n % 500, "M"
                    ),
                    address=f"{place.name}{rng.randint(1, 200)}号",
                    registered_capital=Decimal(
                        2000000 if kind == Kind.FOUNDATION else rng.choice([3000, 30000, 50000, 100000])
                    ),
                    party_org=rng.choice(["own", "joint", "instructor", "none"]),
                    applied_on=today - dt.timedelta(days=40),
                    documents=["application", "supervisor", "premises", "capital", "people", "charter"],
                )
                services.org_case_decide(
                    actor=officer,
                    case=case,
                    approve=True,
                    decision_no=f"{county.name[:2]}民社登〔{today.year}〕{n}号",
                    decided_on=today - dt.timedelta(days=30),
                    credit_code=_code(kind, county.code, n),
                )
                org = Organisation.objects.get(pk=case.org_id)
                # Demo only: spread the registrations over the past years.
                year = today.year - rng.randint(1, 9)
                registered = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
                Organisation.objects.filter(pk=org.pk).update(
                    registered_on=registered, last_activity_on=today - dt.timedelta(days=rng.randint(10, 300))
                )
                org.refresh_from_db()
                made.append((org, officer))
    if not made:
        return "社会组织：演示城市无区划，跳过"
    # Annual reports for last year, filed through the filer login bound in turn, most approved.
    own, own_officer = made[1]
    filed = approved = 0
    zombies = {org.pk for org, _ in made[5::17]}
    for org, officer in made:
        if org.pk == own.pk or org.pk in zombies or rng.random() > 0.93:
            continue
        services.filer_bind(actor=officer, user=tianbao, org=org)
        r = services.report_save(
            actor=tianbao,
            year=last,
            income=Decimal(rng.randint(20, 900) * 1000),
            spending=Decimal(rng.randint(15, 800) * 1000),
            staff=rng.randint(1, 12),
            activities=rng.randint(2, 40),
            activity_summary="开展为老服务、社区文化和志愿服务活动",
            party_building="按期开展主题党日活动" if org.party_org != "none" else "",
        )
        services.report_submit(actor=tianbao, report=r)
        filed += 1
        if rng.random() < 0.85:
            services.report_review(actor=officer, report=r, approve=True)
            approved += 1
    services.filer_bind(actor=own_officer, user=tianbao, org=own)
    # Zombie candidates: registered long ago, silent since.
    for org, _ in made[5::17]:
        Organisation.objects.filter(pk=org.pk).update(
            registered_on=dt.date(today.year - 6, 3, 1), last_activity_on=dt.date(today.year - 4, 6, 1)
        )
    services.org_reachability(
        actor=made[3][1], org=made[3][0], reachable=False, note="登记住所已无该组织，电话停机"
    )
    # Grade evaluations in the home county.
    home_orgs = [(o, off) for o, off in made if o.region_code.startswith(home.code)]
    sheets = [(60, 370, 360, 125), (55, 330, 300, 110), (50, 300, 260, 100), (40, 220, 200, 80)]
    for (org, officer), s in zip(home_orgs[:4], sheets, strict=False):
        services.evaluation_record(
            actor=officer,
            org=org,
            scores=dict(
                zip(("basic", "governance", "performance", "reputation"), map(Decimal, s), strict=True)
            ),
            evaluated_on=today - dt.timedelta(days=60),
        )
    # A 双随机 draw of the home county, one finding past its rectification deadline.
    draw = services.inspection_draw(
        actor=shezu, region_code=home.code, year=today.year, size=4, seed=seed or 2026
    )
    items = list(draw.items.order_by("id"))
    services.inspection_record(
        actor=shezu,
        item=items[0],
        inspected_on=today - dt.timedelta(days=45),
        findings="未按章程规定召开会员代表大会，财务凭证不全",
        rectify_by=today - dt.timedelta(days=5),
    )
    services.inspection_record(
        actor=shezu, item=items[1], inspected_on=today - dt.timedelta(days=40), findings="", rectify_by=None
    )
    # A warning, and illegal-organisation cases (one banned).
    org, officer = home_orgs[-1]
    services.penalty_decide(
        actor=officer,
        org=org,
        kind="warning",
        legal_basis="group30",
        facts="未按规定办理变更登记",
        amount=Decimal(0),
        decision_no=f"任民罚〔{today.year}〕1号",
        decided_on=today - dt.timedelta(days=20),
    )
    town = (
        Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=home.code).order_by("code").first()
    )
    for i, name in enumerate(["中华国学文化研究总会", "全球华人慈善联合会", "国际养生协会济宁分会"]):
        illegal = services.illegal_open(
            actor=shezu,
            region_code=town.code if town else home.code,
            name=name,
            found_on=today - dt.timedelta(days=90 - i * 20),
            summary="未经登记擅自以社会组织名义开展活动、收取会费",
        )
        if i == 0:
            services.illegal_close(
                actor=shezu,
                case=illegal,
                banned=True,
                decision_no=f"任民取〔{today.year}〕1号",
                closed_on=today - dt.timedelta(days=10),
            )
    # One registration waiting for the decision.
    services.org_apply(
        actor=shezu,
        region_code=town.code if town else home.code,
        name=f"{home.name}围棋协会",
        kind=Kind.GROUP,
        authority_level="county",
        supervisor=f"{home.name}教育和体育局",
        legal_rep_name="孔维新",
        legal_rep_id=make_id_number(home.code, dt.date(1975, 5, 5), 7, "M"),
        address="文体中心二楼",
        registered_capital=Decimal(30000),
        party_org="instructor",
        applied_on=today - dt.timedelta(days=3),
        documents=["application", "supervisor", "premises", "people", "charter"],
    )
    # A 减费让利 campaign of the home county: a few organisations filed (some approved); tianbao's
    # organisation has still to file (the filer's 首页 to-do), and a closed campaign of last year.
    campaign = services.campaign_create(
        actor=shezu,
        region_code=home.code,
        kind="fee_reduction",
        title=f"{today.year}年社会组织减费让利专项行动",
        target_kind="",
        starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=40),
        requirement="行业协会商会减免或降低会费、培训费等收费，公益性服务机构为困难群众减免服务费用",
    )
    services.campaign_create(
        actor=shezu,
        region_code=home.code,
        kind="public_service",
        title=f"{today.year - 1}年社会组织公益服务进社区行动",
        target_kind=Kind.SERVICE,
        starts_on=dt.date(today.year - 1, 5, 1),
        ends_on=dt.date(today.year - 1, 10, 31),
    )
    campaign_filed = 0
    for org, officer in home_orgs[:6]:
        if org.pk == own.pk or org.status != "active":
            continue
        services.filer_bind(actor=officer, user=tianbao, org=org)  # filed by each organisation in turn
        result = services.campaign_result_file(
            actor=tianbao,
            campaign=campaign,
            beneficiaries=rng.randint(20, 400),
            amount=Decimal(rng.choice([3000, 8500, 12000, 26800])),
            summary="为会员单位减免会费，降低培训收费标准，为困难群众免费提供咨询服务",
        )
        campaign_filed += 1
        if campaign_filed % 2:
            services.campaign_result_review(actor=shezu, result=result, approve=True)
    services.filer_bind(actor=own_officer, user=tianbao, org=own)
    return (
        f"社会组织：{len(made)}家，上年度年报已报{filed}家（通过{approved}家），"
        f"减费让利专项行动已报送{campaign_filed}家，填报账号tianbao绑定“{own.name}”"
    )
