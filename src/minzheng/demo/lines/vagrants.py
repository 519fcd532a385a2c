"""Demo data of the vagrant-assistance line: the 任城区 rescue station with a few stays (one past the
in-station limit, one in outside care, one repeat wandering), an unidentified man with a tracing case whose
self-reported name matches a resident (the planted match, left for a worker to confirm), "244" ledgers of
the demo village and grid with this month's visits half done, and street patrols. Written through the
line's services by the demo accounts (shehui at the station, cunxieli and wangge visiting)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.people.models import Person
from minzheng.vagrants import services
from minzheng.vagrants.models import Station


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed(*, actor: Any, seed: int) -> str:
    users = {u.username: u for u in User.objects.filter(username__in=("shehui", "cunxieli", "wangge"))}
    officer = users.get("shehui")
    if officer is None or officer.region is None:
        return "流浪救助：缺少演示账号，跳过"
    county = officer.region.code[:6]
    if Station.objects.filter(region_code=county).exists():
        return "流浪救助：已有演示数据，跳过"
    today = timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    station = services.station_create(
        actor=officer, region_code=county, name="任城区救助管理站", address="任城区建设路88号", beds=60
    )
    village_user = users.get("cunxieli")
    village = village_user.region.code if village_user and village_user.region else ""
    adults = list(
        Person.objects.filter(region_code__startswith=village or county, is_alive=True, id_hash__isnull=False)
        .filter(birth_date__lte=today - dt.timedelta(days=40 * 366))
        .order_by("id")[:60]
    )
    if len(adults) < 12:
        return "流浪救助：演示村成年人不足，跳过"
    rng.shuffle(adults)

    def intake(person: Person | None, days_ago: int, **unknown: Any) -> Any:
        day = today - dt.timedelta(days=days_ago)
        return services.stay_intake(
            actor=officer,
            station=station,
            found_by=rng.choice(["patrol", "police", "public"]),
            found_place=rng.choice(["济宁火车站广场", "太白楼路地下通道", "运河桥下", "汽车总站候车厅"]),
            found_at=_at(day, rng.choice([6, 9, 21])),
            intake_on=day,
            id_number=person.id_number if person else "",
            unknown=unknown or None,
        )

    services.care_record(actor=officer, stay=intake(adults[0], 2), kind="meal", on=today, note="一日三餐")
    overdue = intake(adults[1], 14)
    services.care_record(actor=officer, stay=overdue, kind="medical", on=today, note="高血压复诊")
    placed = intake(adults[2], 20)
    placement = services.stay_place(
        actor=officer, stay=placed, provider="任城区康宁托养中心", start_on=today - dt.timedelta(days=15)
    )
    services.placement_visit(
        actor=officer, placement=placement, visited_on=today - dt.timedelta(days=3), note="饮食起居正常"
    )
    # Returned home five weeks ago (onto the ledger), found again this week: a repeat wandering.
    wanderer = adults[3]
    first = intake(wanderer, 40)
    services.stay_exit(
        actor=officer, stay=first, kind="escorted", on=today - dt.timedelta(days=35), note="护送回村"
    )
    intake(wanderer, 3)
    # The planted match: an unidentified man whose self-reported name is a resident's.
    match = next((p for p in adults[4:] if p.sex == "M" and len(p.name) >= 2), adults[4])
    age = today.year - match.birth_date.year
    unknown = intake(
        None,
        1,
        region_code=village or match.region_code,
        found_on=today - dt.timedelta(days=1),
        found_place="济宁火车站广场",
        description="身高约168厘米，偏瘦，穿深蓝色棉袄，说话含糊，左手腕有旧疤",
        sex=match.sex,
        estimated_age=age + rng.choice([-1, 1, 2]),
        name=match.name,
    )
    services.tracing_open(
        actor=officer,
        stay=unknown,
        claimed_name=match.name,
        hint_region=county,
        details="自述家在任城，口音为本地口音",
    )
    # "244" ledgers: persons at risk of wandering in the demo village, half visited this month.
    risks = ["dementia", "mental", "intellectual", "dementia"]
    entries = [
        services.ledger_add(actor=officer, person=p, kind="at_risk", risk=r, guardian="家属")
        for p, r in zip(adults[6:10], risks, strict=True)
    ]
    grid_user = users.get("wangge")
    if grid_user and grid_user.region and grid_user.region.code.startswith(adults[10].region_code):
        entries.append(
            services.ledger_add(
                actor=officer,
                person=adults[10],
                kind="at_risk",
                risk="mental",
                region_code=grid_user.region.code,
            )
        )
    visitor = village_user or officer
    for entry in entries[:2]:
        if entry.region_code.startswith(getattr(visitor.region, "code", "-")):
            services.ledger_visit(
                actor=visitor, entry=entry, visited_on=today, at_home=True, note="在家，情况稳定"
            )
    now = timezone.now()
    for days, campaign, met in ((1, "winter", 5), (8, "winter", 3), (30, "routine", 2)):
        start = now - dt.timedelta(days=days, hours=3)
        services.patrol_record(
            actor=officer,
            route="火车站—太白楼路—运河沿岸",
            started_at=start,
            ended_at=start + dt.timedelta(hours=2),
            persons_met=met,
            persons_helped=min(1, met),
            campaign=campaign,
        )
    ledger = len(entries) + 1
    return (
        f"流浪救助：救助站1个，救助记录6条（1条超期、1条再次流浪），寻亲1件，244台账{ledger}人，街面巡查3次"
    )
