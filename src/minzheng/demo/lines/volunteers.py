"""Demo data of 志愿服务 and 社会工作 in the demo county: two volunteer teams, about thirty volunteers
(registry people of the county, registered under their registry names), zhiyuan bound to one of them with
hours already earned, one activity today zhiyuan has signed up for, more open for sign-up, a finished
activity whose hours wait for shezu's confirmation, and the county's 益币 store."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal
from typing import Any

from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.services import user_create
from minzheng.core.idnumber import make_id_number
from minzheng.people.models import Person
from minzheng.volunteers import services
from minzheng.volunteers.models import Skill, Volunteer

SURNAMES = "王李张刘陈杨赵黄周吴孙马朱胡郭何高林罗郑"
GIVEN = ["秀英", "建国", "丽华", "志强", "海燕", "文博", "春梅", "国栋", "晓静", "明辉", "玉兰", "鹏飞"]
ACTIVITIES = [
    ("敬老院陪伴读报", "任城区社会福利中心", ["elderly"]),
    ("社区义诊量血压", "社区党群服务中心", ["medical", "elderly"]),
    ("留守儿童课业辅导", "村儿童之家", ["children", "tutoring"]),
    ("运河沿岸清洁", "运河北岸步道", ["environment"]),
    ("反诈宣传进社区", "社区文化广场", ["legal"]),
]
STORE = [
    ("大米5斤", "3"),
    ("食用油1桶", "5"),
    ("理发服务1次", "1"),
    ("助浴服务1次", "4"),
    ("家电清洗1次", "6"),
]


def _people(county: str, n: int, rng: random.Random) -> list[Person]:
    today = timezone.localdate()
    qs = Person.objects.filter(
        region_code__startswith=county,
        is_alive=True,
        id_hash__isnull=False,
        birth_date__lte=today.replace(year=today.year - 18),
        birth_date__gte=today.replace(year=today.year - 66),
        volunteer_profile__isnull=True,
    ).order_by("pk")
    pool = list(qs[: n * 4])
    rng.shuffle(pool)
    return pool[:n]


def _register(
    *, actor: Any, person: Person | None, village: str, rng: random.Random, i: int, **kw: Any
) -> Volunteer:
    skills = rng.sample([s.value for s in Skill if s != Skill.OTHER], 2)
    on = timezone.localdate() - dt.timedelta(days=rng.randint(30, 900))
    if person is not None:
        return services.volunteer_register(
            actor=actor,
            id_number=person.id_number,
            name=person.name,
            skills=skills,
            availability=["weekend"],
            registered_on=on,
            **kw,
        )
    birth = dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
    return services.volunteer_register(
        actor=actor,
        id_number=make_id_number(village[:6], birth, 300 + i, "M" if i % 2 else "F"),
        name=SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
        region_code=village,
        skills=skills,
        availability=["weekend", "holiday"],
        registered_on=on,
        **kw,
    )


def _served(*, organiser: Any, volunteer: Volunteer, activity: Any, confirm: bool) -> None:
    s = services.activity_signup(
        actor=volunteer.user, activity=activity, now=activity.starts_at - dt.timedelta(days=1)
    )
    services.signup_check_in(actor=volunteer.user, signup=s, now=activity.starts_at)
    services.signup_check_out(actor=volunteer.user, signup=s, now=activity.ends_at)
    if confirm:
        services.signup_confirm(actor=organiser, signup=s)


def _social_work(*, organiser: Any, county: str, rng: random.Random) -> int:
    """Stations in most of the county's townships (not all: the coverage page has a gap to show), their
    certified social workers and a few service records of the first township's residents."""
    from minzheng.regions.models import Region, RegionLevel
    from minzheng.volunteers import socialwork as sw

    towns = list(Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=county).order_by("code"))
    built = towns[: max(1, len(towns) * 4 // 5)]
    today = timezone.localdate()
    levels = ["assistant", "assistant", "intermediate", "senior"]
    n = 0
    for k, town in enumerate(built):
        st = sw.station_create(
            actor=organiser,
            region_code=town.code,
            name=f"{town.name}社会工作站",
            opened_on=dt.date(2022, 3 + k % 9, 1),
            services=["assistance", "elderly", "children"][: 1 + k % 3],
            address=f"{town.name}便民服务中心二楼",
        )
        for j in range(2):
            n += 1
            sw.worker_create(
                actor=organiser,
                name=SURNAMES[(k + j) % len(SURNAMES)] + GIVEN[(k * 2 + j) % len(GIVEN)],
                level=levels[(k + j) % 4],
                certificate_no=f"SG{county}{n:05d}",
                certified_on=today - dt.timedelta(days=rng.randint(20, 2000)),
                employer="济宁市阳光社会工作服务中心",
                region_code=town.code,
                station=st,
            )
        if k == 0:
            served = Person.objects.filter(region_code__startswith=town.code, is_alive=True).order_by("pk")[
                :5
            ]
            for person in served:
                sw.service_record_create(
                    actor=organiser,
                    station=st,
                    person=person,
                    served_on=today - dt.timedelta(days=rng.randint(1, 60)),
                    kind=rng.choice(["visit", "case", "referral"]),
                    summary="入户走访了解生活状况，链接助餐和政策咨询服务",
                    worker=st.staff.first(),
                )
    return len(built)


def seed(*, actor: Any, seed: int) -> str:
    users = {
        u.username: u for u in User.objects.filter(username__in=["shezu", "zhiyuan"]).select_related("region")
    }
    organiser, login = users.get("shezu"), users.get("zhiyuan")
    if organiser is None or login is None or login.region is None or organiser.region is None:
        return "志愿服务：缺少演示账号，未生成"
    if Volunteer.objects.filter(user=login).exists():
        return "志愿服务：已有演示数据"
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    village, county = login.region.code, organiser.region.code
    town = village[:9]
    teams = [
        services.team_create(
            actor=organiser,
            name="王府街道“红马甲”志愿服务队",
            region_code=town,
            description="助老助残、社区治理",
        ),
        services.team_create(
            actor=organiser,
            name="任城区青年志愿者服务队",
            region_code=county,
            description="关爱儿童、环境保护",
        ),
    ]
    found = _people(village, 1, rng)
    own = found[0] if found else None
    me = _register(actor=organiser, person=own, village=village, rng=rng, i=0, team=teams[0])
    services.volunteer_bind_user(actor=organiser, volunteer=me, user=login)
    me.refresh_from_db()
    others = []
    people = _people(county, 30, rng)
    for i in range(30):
        # the first two live in zhiyuan's village (they get logins below); the rest are registry people
        person = people[i] if 2 <= i < len(people) else None
        v_village = person.region_code if person else village
        others.append(
            _register(actor=organiser, person=person, village=v_village, rng=rng, i=i + 1, team=teams[i % 2])
        )
    # Logins for two other volunteers (check-in and check-out are theirs), made like zhiyuan's
    helpers = []
    for i, v in enumerate(others[:2]):
        u = user_create(
            actor=actor,
            username=f"zhiyuan{i + 2}",
            password=secrets.token_urlsafe(12),
            role=login.role,
            region_code=login.region.code,
            display_name=v.name,
        )
        if v.region_code.startswith(login.region.code):
            services.volunteer_bind_user(actor=organiser, volunteer=v, user=u)
            v.refresh_from_db()
            helpers.append(v)
    now = timezone.localtime()
    today = now.replace(minute=0, second=0, microsecond=0)

    def make(k: int, start: dt.datetime, hours: int, capacity: int, region: str) -> Any:
        title, place, skills = ACTIVITIES[k % len(ACTIVITIES)]
        return services.activity_create(
            actor=organiser,
            title=title,
            region_code=region,
            place=place,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            capacity=capacity,
            team=teams[k % 2],
            skills=skills,
            description="请提前10分钟到场签到，活动结束后签退，时长经组织方确认后记入时间银行。",
        )

    past = [make(k, today - dt.timedelta(days=7 * (k + 1)), 3, 10, town) for k in range(3)]
    for a in past:
        _served(organiser=organiser, volunteer=me, activity=a, confirm=True)
        for v in helpers:
            _served(organiser=organiser, volunteer=v, activity=a, confirm=True)
    for a in past:
        services.activity_close(actor=organiser, activity=a)
    pending = make(3, today - dt.timedelta(days=1), 2, 8, town)  # finished yesterday, hours to confirm
    for v in helpers:
        _served(organiser=organiser, volunteer=v, activity=pending, confirm=False)
    today_start = max(today + dt.timedelta(hours=1), today.replace(hour=9))
    if today_start.date() != now.date():  # late in the evening: keep it today
        last = now.replace(hour=23, minute=59, second=0, microsecond=0)  # not past midnight either
        today_start = min(now.replace(second=0, microsecond=0) + dt.timedelta(minutes=5), last)
    mine_today = make(4, today_start, 2, 15, town)
    services.activity_signup(actor=login, activity=mine_today)
    for k in range(3):
        make(k, (today + dt.timedelta(days=2 + 3 * k)).replace(hour=9), 3, 12, town if k % 2 else county)
    for name, price in STORE:
        services.store_item_create(
            actor=organiser,
            name=name,
            region_code=county,
            price=Decimal(price),
            stock=rng.randint(5, 30),
            place="王府街道新时代文明实践站",
        )
    stations = _social_work(organiser=organiser, county=county, rng=rng)
    return (
        f"社会工作：{stations}处社工站；"
        f"志愿服务：{len(others) + 1}名注册志愿者、2支队伍、{len(past) + 5}场活动、"
        f"{len(STORE)}种益币兑换物品；"
        "zhiyuan 已绑定志愿者并有今日已报名的活动"
    )
