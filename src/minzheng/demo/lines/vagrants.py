"""Demo data of the vagrant-assistance line: the 任城区 rescue station with stays in every state (in the
station, one past the in-station limit, one in outside care with a supervision visit, one returned home,
one referred to a welfare home, one repeat wandering), an unidentified man with a photo and a tracing case
whose self-reported name matches a resident (the planted match, left for a worker to confirm) and its
notice, both "244" ledgers with visits (one not visited this month: the alert), street patrols of the
winter campaign, and so a repeat-wandering rate. People are taken from the county, the demo village first,
never one another demo line already uses (an assessed elder, a funeral case, a child's file …). Written
through the line's services by the demo accounts (shehui at the station, cunxieli and wangge visiting)."""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.permissions import can
from minzheng.people.models import Person
from minzheng.vagrants import services
from minzheng.vagrants.models import LedgerEntry, Station

VISIT = "vagrant.visit_record"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _photo() -> SimpleUploadedFile:
    """A small grey PNG standing in for the station's photo of the man (the demo has no real faces)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * 8 for _ in range(8))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("photo.png", png, content_type="image/png")


def _unused(county: str, village: str, today: dt.date) -> list[Person]:
    """Identified living adults (30 and over) of the county, the demo village first, whom no other line's
    table names (every relation to Person outside the registry itself): one set-based query."""
    qs = Person.objects.filter(
        region_code__startswith=county,
        is_alive=True,
        id_hash__isnull=False,
        birth_date__lte=today - dt.timedelta(days=30 * 366),
    )
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if isinstance(model, str) or not rel.field.concrete:
            continue
        if model._meta.app_label in ("people", "vagrants"):
            continue
        qs = qs.exclude(Exists(model._default_manager.filter(**{rel.field.name: OuterRef("pk")})))
    own = ExpressionWrapper(Q(region_code__startswith=village or county), BooleanField())
    return list(qs.annotate(own=own).order_by("-own", "id")[:80])


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
    village_user = users.get("cunxieli")
    village = village_user.region.code if village_user and village_user.region else ""
    adults = _unused(county, village, today)
    if len(adults) < 14:
        return "流浪救助：演示县可用成年人不足，跳过"
    station = services.station_create(
        actor=officer, region_code=county, name="任城区救助管理站", address="任城区建设路88号", beds=60
    )
    local, rest = [p for p in adults if p.region_code.startswith(village or county)], adults
    # The ledgers' people are the demo village's where it has them (cunxieli visits them); the stays may
    # be anyone of the county.
    ledger_people = (local + [p for p in rest if p not in local])[:5]
    adults = ledger_people + rng.sample([p for p in rest if p not in ledger_people], 9)

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

    stays = adults[5:]
    services.care_record(actor=officer, stay=intake(stays[0], 2), kind="meal", on=today, note="一日三餐")
    overdue = intake(stays[1], 14)
    services.care_record(actor=officer, stay=overdue, kind="medical", on=today, note="高血压复诊")
    placed = intake(stays[2], 20)
    placement = services.stay_place(
        actor=officer, stay=placed, provider="任城区康宁托养中心", start_on=today - dt.timedelta(days=15)
    )
    services.placement_visit(
        actor=officer, placement=placement, visited_on=today - dt.timedelta(days=3), note="饮食起居正常"
    )
    # Returned home five weeks ago (onto the ledger), found again this week: a repeat wandering. Kept
    # within the year where the year allows it, so this year's repeat-wandering rate counts it.
    wanderer = stays[3]
    back = min(35, max((today - today.replace(month=1, day=1)).days - 1, 2))
    first = intake(wanderer, back + 5)
    services.stay_exit(
        actor=officer, stay=first, kind="escorted", on=today - dt.timedelta(days=back), note="护送回村"
    )
    intake(wanderer, min(3, back - 1))
    home = intake(stays[4], 12)
    services.stay_exit(
        actor=officer, stay=home, kind="returned", on=today - dt.timedelta(days=9), note="家属到站接回"
    )
    referred = intake(stays[5], 25)
    services.stay_exit(
        actor=officer,
        stay=referred,
        kind="facility",
        on=today - dt.timedelta(days=18),
        note="无劳动能力、无人照料，转介区社会福利中心",
    )
    # The planted match: an unidentified man whose self-reported name is a resident's.
    match = next((p for p in stays[6:] if p.sex == "M" and len(p.name) >= 2), stays[6])
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
        photo=_photo(),
    )
    services.tracing_open(
        actor=officer,
        stay=unknown,
        claimed_name=match.name,
        hint_region=county,
        details="自述家在任城，口音为本地口音",
    )
    # "244" ledgers: persons at risk of wandering in the demo village; with the returned, visited this
    # month but one of each (the alert on the 首页), and last month all.
    risks = ["dementia", "mental", "intellectual", "dementia"]
    entries = [
        services.ledger_add(
            actor=officer,
            person=p,
            kind="at_risk",
            risk=r,
            guardian="家属",
            since=today - dt.timedelta(days=70),
        )
        for p, r in zip(ledger_people[:4], risks, strict=True)
    ]
    grid_user = users.get("wangge")
    if grid_user and grid_user.region and grid_user.region.code.startswith(ledger_people[4].region_code):
        entries.append(
            services.ledger_add(
                actor=officer,
                person=ledger_people[4],
                kind="at_risk",
                risk="mental",
                region_code=grid_user.region.code,
            )
        )

    def visit(entry: LedgerEntry, on: dt.date, note: str) -> None:
        who = next(
            (
                u
                for u in (village_user, grid_user, officer)
                if u and can(u, VISIT, region_code=entry.region_code)
            ),
            None,
        )
        if who is not None:
            services.ledger_visit(actor=who, entry=entry, visited_on=on, at_home=True, note=note)

    last_month = today.replace(day=1) - dt.timedelta(days=10)
    for entry in entries[:4]:
        visit(entry, last_month, "在家，家属看护")
    for entry in entries[:2]:
        visit(entry, today, "在家，情况稳定")
    returned = LedgerEntry.objects.filter(kind="returned", active=True, stay__station=station).order_by("pk")
    for entry in returned[:1]:
        visit(entry, today, "返乡后在家务农，情绪稳定")
    now = timezone.now()
    for days, campaign, met in ((1, "winter", 5), (8, "winter", 3), (30, "routine", 2)):
        start = now - dt.timedelta(days=days, hours=3)
        if not services.campaign_in_season(campaign, timezone.localdate(start)):
            campaign = "routine"  # the demo may be set up outside the winter campaign's months
        services.patrol_record(
            actor=officer,
            route="火车站—太白楼路—运河沿岸",
            started_at=start,
            ended_at=start + dt.timedelta(hours=2),
            persons_met=met,
            persons_helped=min(1, met),
            campaign=campaign,
        )
    ledger = (
        LedgerEntry.objects.filter(active=True, pk__in=[e.pk for e in entries]).count() + returned.count()
    )
    return (
        "流浪救助：救助站1个，救助记录8条（在站、超期、托养、返家、转介、再次流浪），寻亲1件（附照片、已发布公告），"
        f"244台账{ledger}人（本月有未走访），街面巡查3次（含寒冬送温暖）"
    )
