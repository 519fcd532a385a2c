"""Writes of the line: keyword-only, each audited in its transaction. A stay moves only through
`casework.services.case_transition` (workflow.STAY). A person without papers is registered through
`people.services.unidentified_register`; a confirmed tracing match asks people's merge (make), another
officer approves it there (check)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.casework.services import case_transition
from minzheng.core import crypto
from minzheng.core.dates import plausible_date
from minzheng.core.idnumber import normalize, parse_id_number
from minzheng.core.inputs import form_name
from minzheng.people.models import HukouType, Person, UnidentifiedKind, UnidentifiedRecord
from minzheng.people.services import person_create, unidentified_merge_request, unidentified_register
from minzheng.programmes.registry import DeathEffect
from minzheng.regions.models import Region, RegionLevel
from minzheng.regions.selectors import division_name

from .models import (
    RETURN_KINDS,
    Campaign,
    CareEntry,
    CareKind,
    ExitKind,
    FoundBy,
    LedgerEntry,
    LedgerKind,
    LedgerVisit,
    Patrol,
    Placement,
    RiskReason,
    Station,
    Stay,
    SupervisionVisit,
    Tracing,
)
from .selectors import _subject, exit_kinds_open, tracing_candidates
from .workflow import OPEN, STAY


def _audit(actor: Any, event: str, what: str, pk: Any, region_code: str, **kw: Any) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        target_type=f"vagrant.{what}",
        target_id=pk,
        region_code=region_code,
        **kw,
    )


def _text(value: str | None, label: str, *, lo: int = 1, hi: int = 200) -> str:
    text = (value or "").strip()
    if not lo <= len(text) <= hi:
        raise ValidationError(f"请填写{label}（不超过{hi}字）" if lo else f"{label}不超过{hi}字")
    return text


def _day(value: dt.date | None, label: str) -> dt.date:
    if value is None:
        raise ValidationError(f"请填写{label}")
    return plausible_date(value, label)


# ---------------------------------------------------------------- station
@transaction.atomic
def station_create(*, actor: Any, region_code: str, name: str, address: str = "", beds: int = 0) -> Station:
    county = Region.objects.filter(code=(region_code or "").strip(), level=RegionLevel.COUNTY).first()
    if county is None:
        raise ValidationError("请选择救助管理站所在的县（市、区）")
    require(actor, "vagrant.intake", region_code=county.code, target=f"region:{county.code}")
    if Station.objects.filter(region_code=county.code).exists():
        raise ValidationError(f"{county.name}已有救助管理站")
    station = Station.objects.create(
        region_code=county.code,
        name=form_name(name, "救助管理站名称", max_length=100),
        address=_text(address, "地址", lo=0),
        beds=max(int(beds or 0), 0),
    )
    _audit(actor, AuditEvent.CREATE, "station", station.pk, county.code, new={"name": station.name})
    return station


# ---------------------------------------------------------------- intake
CITY_PREFIX = "3708"  # an ID number issued in the city belongs to someone the registry should hold


def _outsider_check(number: str, given: dict[str, str], errors: dict[str, list[str]]) -> dict[str, str]:
    """What registering a person of another city needs, checked before anything is written: the hukou
    place from the number's region code (a county of the national list), a name, the hukou type and the
    village where they were found (their residence while here)."""
    if not division_name(number[:6]):
        errors["id_number"] = [f"身份证号前6位{number[:6]}不在全国县级行政区划代码表中，请核对"]
    try:
        name = form_name(given.get("name", ""), "姓名")
    except ValidationError:
        errors["outsider_name"] = ["外地人员请填写姓名（按身份证件）"]
        name = ""
    if given.get("hukou_type") not in HukouType.values:
        errors["outsider_hukou_type"] = ["外地人员请选择户口性质"]
    village = Region.objects.filter(code=(given.get("region_code") or "").strip()).first()
    if village is None or village.level != RegionLevel.VILLAGE:
        errors["region_code"] = ["外地人员请选择发现地所在的村(社区)，作为在本市的临时居住地"]
    return {
        "name": name,
        "hukou_type": given.get("hukou_type", ""),
        "hukou_region_code": number[:6],
        "residence_region_code": village.code if village else "",
    }


def _on_ledger(person: Person) -> bool:
    return LedgerEntry.objects.filter(person=person, active=True).exists()


@transaction.atomic
def stay_intake(
    *,
    actor: Any,
    station: Station,
    found_by: str,
    found_place: str,
    found_at: dt.datetime | None,
    intake_on: dt.date | None,
    id_number: str = "",
    unknown: dict[str, Any] | None = None,
    outsider: dict[str, str] | None = None,
) -> Stay:
    """入站登记. The person is found by ID number (anywhere in the city: a vagrant is rarely at home), or,
    without papers, registered as an unidentified person (temporary number, photo, description). A valid ID
    number of another city, not in the registry, is taken in as identified: the person is registered
    (`outsider`: name, hukou type, the village where found) with the hukou place the number's region code
    names, so no tracing is needed and the way home is known. A person already on a "244" ledger coming in
    again is a repeat wandering (`repeat`, an alert)."""
    require(actor, "vagrant.intake", region_code=station.region_code, target=f"station:{station.pk}")
    errors: dict[str, list[str]] = {}
    if found_by not in FoundBy.values:
        errors["found_by"] = ["请选择发现方式"]
    place = (found_place or "").strip()
    if not place or len(place) > 200:
        errors["found_place"] = ["请填写发现地点（不超过200字）"]
    today = timezone.localdate()
    if intake_on is None:
        errors["intake_on"] = ["请填写入站日期"]
    elif intake_on > today:
        errors["intake_on"] = ["入站日期不能晚于今天"]
    else:
        try:
            plausible_date(intake_on, "入站日期")
        except ValidationError as e:
            errors["intake_on"] = e.messages
    if found_at is None:
        errors["found_at"] = ["请填写发现时间"]
    elif intake_on is not None and timezone.localdate(found_at) > intake_on:
        errors["found_at"] = ["发现时间不能晚于入站日期"]
    person: Person | None = None
    outside: dict[str, str] = {}
    if not unknown:
        if not (id_number or "").strip():
            errors["id_number"] = ["请填写身份证号，或登记为身份不明人员"]
        else:
            try:
                number = normalize(id_number)
            except ValidationError:
                number = ""
            person = Person.objects.filter(id_hash=crypto.blind_index(number)).first() if number else None
            if person is None and number and not number.startswith(CITY_PREFIX):
                try:
                    parse_id_number(number)
                except ValidationError as e:
                    errors["id_number"] = e.messages
                else:
                    outside = _outsider_check(number, outsider or {}, errors)
            elif person is None:
                errors["id_number"] = ["本市人口库中未找到该身份证号，请核对或登记为身份不明人员"]
            elif not person.is_alive:
                errors["id_number"] = ["该人员已登记死亡，请核对身份"]
            else:
                here = (
                    Stay.objects.filter(Q(person=person) | Q(subject=person), state__in=OPEN)
                    .order_by("pk")
                    .first()
                )
                if here is not None:
                    errors["id_number"] = [f"该人员已在站（受助记录#{here.pk}），不能重复入站"]
    if errors:
        raise ValidationError(errors)
    if person is None and not unknown:
        person = person_create(
            actor=actor,
            id_number=number,
            name=outside["name"],
            hukou_type=outside["hukou_type"],
            hukou_region_code=outside["hukou_region_code"],
            residence_region_code=outside["residence_region_code"],
        )
    if person is None:
        assert unknown is not None  # noqa: S101 (checked above)
        record = unidentified_register(actor=actor, kind=UnidentifiedKind.VAGRANT, **unknown)
        person = record.person
    assert found_at is not None and intake_on is not None  # noqa: S101 (checked above)
    subject = person if person.is_identified else None
    stay = Stay.objects.create(
        state=STAY.initial,
        region_code=station.region_code,
        station=station,
        person=person,
        subject=subject,
        found_by=found_by,
        found_place=place,
        found_at=found_at,
        intake_on=intake_on,
        repeat=bool(subject and _on_ledger(subject)),
        opened_by=actor,
    )
    _audit(
        actor,
        AuditEvent.CREATE,
        "stay",
        stay.pk,
        station.region_code,
        new={"person": person.pk, "found_by": found_by, "repeat": stay.repeat},
    )
    return case_transition(actor=actor, workflow=STAY, case=stay, to="in_station", note="入站登记")


def _open(stay: Stay) -> None:
    if stay.state not in OPEN:
        raise ValidationError("该救助记录已离站，不能再登记")


@transaction.atomic
def care_record(*, actor: Any, stay: Stay, kind: str, on: dt.date | None, note: str = "") -> CareEntry:
    require(actor, "vagrant.intake", region_code=stay.region_code, target=f"stay:{stay.pk}")
    if stay.state != "in_station":
        raise ValidationError("只有站内救助中的人员可登记站内救助")
    if kind not in CareKind.values:
        raise ValidationError("请选择救助内容")
    day = _day(on, "救助日期")
    if day < stay.intake_on or day > timezone.localdate():
        raise ValidationError("救助日期应在入站之日至今天之间")
    entry = CareEntry.objects.create(
        stay=stay, kind=kind, on=day, note=_text(note, "说明", lo=0, hi=300), recorded_by=actor
    )
    _audit(actor, AuditEvent.CREATE, "care", stay.pk, stay.region_code, new={"kind": kind, "on": day})
    return entry


@transaction.atomic
def stay_place(*, actor: Any, stay: Stay, provider: str, start_on: dt.date | None) -> Placement:
    """站外托养: the stay leaves the station for a contracted care provider (the in-station clock stops)."""
    name = form_name(provider, "托养机构", max_length=100)
    day = _day(start_on, "托养开始日期")
    if day < stay.intake_on or day > timezone.localdate():
        raise ValidationError("托养开始日期应在入站之日至今天之间")
    case_transition(actor=actor, workflow=STAY, case=stay, to="outside", note=f"站外托养：{name}")
    placement = Placement.objects.create(stay=stay, provider=name, start_on=day, recorded_by=actor)
    _audit(actor, AuditEvent.CREATE, "placement", stay.pk, stay.region_code, new={"provider": name})
    return placement


@transaction.atomic
def placement_visit(
    *, actor: Any, placement: Placement, visited_on: dt.date | None, note: str
) -> SupervisionVisit:
    stay = placement.stay
    require(actor, "vagrant.intake", region_code=stay.region_code, target=f"stay:{stay.pk}")
    day = _day(visited_on, "检查日期")
    if day < placement.start_on or day > timezone.localdate():
        raise ValidationError("检查日期应在托养开始之日至今天之间")
    visit = SupervisionVisit.objects.create(
        placement=placement, visited_on=day, note=_text(note, "检查情况", hi=300), visited_by=actor
    )
    _audit(actor, AuditEvent.CREATE, "supervision", stay.pk, stay.region_code, new={"on": day})
    return visit


@transaction.atomic
def stay_exit(*, actor: Any, stay: Stay, kind: str, on: dt.date | None, note: str = "") -> Stay:
    """离站. A person returned home (or escorted) whose identity is known goes onto the "244" ledger of
    returned vagrants of their village, to be visited every month."""
    if kind not in ExitKind.values:
        raise ValidationError("请选择离站方式")
    day = _day(on, "离站日期")
    if day < stay.intake_on or day > timezone.localdate():
        raise ValidationError("离站日期应在入站之日至今天之间")
    open_kinds, why = exit_kinds_open(stay=stay)
    if kind not in open_kinds:
        raise ValidationError(why)
    text = _text(note, "离站说明", lo=0, hi=300)
    case_transition(
        actor=actor, workflow=STAY, case=stay, to="exited", note=f"{ExitKind(kind).label} {text}".strip()
    )
    Stay.objects.filter(pk=stay.pk).update(exit_kind=kind, exit_on=day, exit_note=text)
    Placement.objects.filter(stay=stay, end_on__isnull=True).update(end_on=day)
    stay.refresh_from_db()
    _audit(actor, AuditEvent.UPDATE, "stay", stay.pk, stay.region_code, new={"exit": kind, "on": day})
    subject = _subject(stay)
    if subject is not None and stay.subject_id is None:
        Stay.objects.filter(pk=stay.pk).update(subject=subject)
    on_ledger = LedgerEntry.objects.filter(person=subject, kind=LedgerKind.RETURNED, active=True)
    if kind in RETURN_KINDS and subject is not None and subject.hukou_region_id is None:
        # a person of another city goes home there: the place is named; the city's "244" ledger is for
        # its own returned vagrants, whom its villages visit
        place = division_name(subject.hukou_code)
        text = f"返回户籍地{place} {text}".strip()[:300]
        Stay.objects.filter(pk=stay.pk).update(exit_note=text)
        stay.refresh_from_db()
    elif kind in RETURN_KINDS and subject is not None and not on_ledger.exists():
        entry = LedgerEntry.objects.create(
            person=subject,
            kind=LedgerKind.RETURNED,
            region_code=subject.region_code,
            since=day,
            stay=stay,
            created_by=actor,
        )
        _audit(actor, AuditEvent.CREATE, "ledger", entry.pk, subject.region_code, new={"kind": "returned"})
    return stay


# ---------------------------------------------------------------- tracing
def _notice_no(stay: Stay, on: dt.date) -> str:
    county = Region.objects.filter(code=stay.region_code[:6]).first()
    seq = Tracing.objects.filter(region_code=stay.region_code, opened_on__year=on.year).count() + 1
    return f"{county.name if county else ''}救助寻字〔{on.year}〕{seq}号"


@transaction.atomic
def tracing_open(
    *, actor: Any, stay: Stay, claimed_name: str = "", hint_region: str = "", details: str = ""
) -> Tracing:
    """寻亲: opened for a person whose identity is not known; its clues drive the registry match."""
    require(actor, "vagrant.tracing", region_code=stay.region_code, target=f"stay:{stay.pk}")
    _open(stay)
    if stay.subject_id is not None:
        raise ValidationError("该人员身份已确认，无需寻亲")
    if Tracing.objects.filter(stay=stay).exists():
        raise ValidationError("该救助记录已有寻亲")
    hint = (hint_region or "").strip()
    if hint and not Region.objects.filter(code=hint).exists():
        raise ValidationError("疑似户籍地不正确")
    today = timezone.localdate()
    tracing = Tracing.objects.create(
        stay=stay,
        region_code=stay.region_code,
        claimed_name=form_name(claimed_name, "自报姓名", required=False),
        hint_region=hint,
        details=_text(details, "线索", lo=0, hi=1000),
        notice_no=_notice_no(stay, today),
        opened_on=today,
        opened_by=actor,
    )
    _audit(actor, AuditEvent.CREATE, "tracing", stay.pk, stay.region_code, new={"notice": tracing.notice_no})
    return tracing


@transaction.atomic
def tracing_confirm(*, actor: Any, tracing: Tracing, person_id: int, note: str) -> Tracing:
    """A worker confirms a suggested match: people's merge is asked (another officer approves it there),
    the stay's subject is the identified person from now on (ledgers, repeat wandering)."""
    stay = tracing.stay
    require(actor, "vagrant.tracing", region_code=stay.region_code, target=f"stay:{stay.pk}")
    _open(stay)
    if tracing.confirmed_person_id is not None:
        raise ValidationError("该寻亲已确认身份")
    target = Person.objects.filter(pk=person_id, id_hash__isnull=False).first()
    if target is None:
        raise ValidationError("请选择比对出的人员")
    # Only a suggestion the page offered may be confirmed: the match is recomputed here, so a tampered id
    # (another person, the other sex) is refused. (Imported here: selectors read this module.)

    if target.pk not in {c.person.pk for c in tracing_candidates(tracing=tracing)}:
        raise ValidationError("所选人员不在比对建议中")
    record = UnidentifiedRecord.objects.filter(person_id=stay.person_id).first()
    if record is None:
        raise ValidationError("该人员不是身份不明人员，无需合并")
    unidentified_merge_request(
        actor=actor, record=record, id_number=target.id_number, note=_text(note, "确认依据", hi=300)
    )
    today = timezone.localdate()
    Tracing.objects.filter(pk=tracing.pk).update(
        confirmed_person=target, confirmed_by=actor, confirmed_on=today
    )
    Stay.objects.filter(pk=stay.pk).update(subject=target, repeat=stay.repeat or _on_ledger(target))
    tracing.refresh_from_db()
    _audit(actor, AuditEvent.UPDATE, "tracing", stay.pk, stay.region_code, new={"confirmed": target.pk})
    return tracing


# ---------------------------------------------------------------- "244" ledgers
@transaction.atomic
def ledger_add(
    *,
    actor: Any,
    person: Person,
    kind: str,
    risk: str = "",
    region_code: str = "",
    guardian: str = "",
    since: dt.date | None = None,
) -> LedgerEntry:
    """列入台账. `region_code` may name a grid under the person's village, so its grid worker visits."""
    code = (region_code or "").strip() or person.region_code
    if not code.startswith(person.region_code) or not Region.objects.filter(code=code).exists():
        raise ValidationError("管辖区划须为该人员所在村（社区）或其下的网格")
    require(actor, "vagrant.intake", region_code=code, target=f"person:{person.pk}")
    if not person.is_identified or not person.is_alive:
        raise ValidationError("只能将身份已确认、在世的人员列入台账")
    if kind not in LedgerKind.values:
        raise ValidationError("请选择台账类别")
    if risk not in RiskReason.values or (kind == LedgerKind.AT_RISK and not risk):
        raise ValidationError("易走失人员须选择走失风险（认知障碍、精神障碍或智力残疾）")
    if LedgerEntry.objects.filter(person=person, kind=kind, active=True).exists():
        raise ValidationError("该人员已在此台账中")
    entry = LedgerEntry.objects.create(
        person=person,
        kind=kind,
        risk=risk,
        region_code=code,
        since=_day(since or timezone.localdate(), "列入日期"),
        guardian=form_name(guardian, "监护人", required=False),
        created_by=actor,
    )
    _audit(actor, AuditEvent.CREATE, "ledger", entry.pk, code, new={"kind": kind, "risk": risk})
    return entry


@transaction.atomic
def ledger_close_on_death(*, actor: Any, person: Person, died_on: dt.date) -> list[DeathEffect]:
    """The death hook: the person's open 244 entries leave the ledger (no more visits fall due)."""
    entries = list(LedgerEntry.objects.select_for_update().filter(person=person, active=True))
    LedgerEntry.objects.filter(pk__in=[e.pk for e in entries]).update(active=False)
    for e in entries:
        _audit(
            actor, AuditEvent.UPDATE, "ledger", e.pk, e.region_code, new={"active": False, "died_on": died_on}
        )
    return [
        DeathEffect("流浪救助", f"244台账（{e.get_kind_display()}）", "已销账：本人死亡") for e in entries
    ]


@transaction.atomic
def ledger_visit(
    *, actor: Any, entry: LedgerEntry, visited_on: dt.date | None, at_home: bool, note: str = ""
) -> LedgerVisit:
    require(actor, "vagrant.visit_record", region_code=entry.region_code, target=f"ledger:{entry.pk}")
    if not entry.active:
        raise ValidationError("该人员已移出台账")
    day = _day(visited_on, "走访日期")
    if day > timezone.localdate() or day < entry.since:
        raise ValidationError("走访日期应在列入台账之日至今天之间")
    text = _text(note, "情况说明", lo=0, hi=300)
    if not at_home and not text:
        raise ValidationError("人员不在家时请说明去向")
    visit = LedgerVisit.objects.create(
        entry=entry, visited_on=day, at_home=at_home, note=text, visited_by=actor
    )
    _audit(actor, AuditEvent.CREATE, "ledger_visit", entry.pk, entry.region_code, new={"at_home": at_home})
    return visit


# The months each special campaign runs in, as the Ministry's yearly notices set them (民政部《关于开展
# “夏季送清凉”专项救助服务行动的通知》: June to September; 《关于开展“寒冬送温暖”专项救助行动的通知》:
# November to March of the next year). Not a figure of money: a calendar the notices repeat each year.
CAMPAIGN_MONTHS = {
    Campaign.SUMMER: frozenset({6, 7, 8, 9}),
    Campaign.WINTER: frozenset({11, 12, 1, 2, 3}),
}


def campaign_in_season(campaign: str, on: dt.date) -> bool:
    months = CAMPAIGN_MONTHS.get(Campaign(campaign)) if campaign in Campaign.values else None
    return months is None or on.month in months


def patrol_span(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """A patrol typed as one date and two clock times: an end earlier than (or equal to) the start is on
    the next day (a night patrol 22:00–00:30), so a patrol is always shorter than 24 hours."""
    started = timezone.make_aware(dt.datetime.combine(day, start))
    ended = timezone.make_aware(dt.datetime.combine(day, end))
    if ended <= started:
        ended = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), end))
    return started, ended


@transaction.atomic
def patrol_record(
    *,
    actor: Any,
    route: str,
    started_at: dt.datetime | None,
    ended_at: dt.datetime | None,
    persons_met: int,
    persons_helped: int = 0,
    campaign: str = Campaign.ROUTINE,
    note: str = "",
) -> Patrol:
    """街面巡查, recorded in the actor's county."""
    region = getattr(actor, "region", None)
    code = region.code[:6] if region is not None else ""
    require(actor, "vagrant.intake", region_code=code, target="patrol:new")
    if campaign not in Campaign.values:
        raise ValidationError("请选择专项行动")
    if started_at is None or ended_at is None:
        raise ValidationError("请填写巡查开始和结束时间")
    if ended_at <= started_at or ended_at - started_at >= dt.timedelta(hours=24):
        raise ValidationError("结束时间应晚于开始时间，且一次巡查不超过24小时")
    if ended_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError("结束时间不能晚于现在")
    plausible_date(timezone.localdate(started_at), "巡查日期")
    if not campaign_in_season(campaign, timezone.localdate(started_at)):
        season = "6月至9月" if campaign == Campaign.SUMMER else "11月至次年3月"
        raise ValidationError(f"{Campaign(campaign).label}专项行动只在{season}开展，请选择日常巡查")
    if persons_helped > persons_met:
        raise ValidationError("劝导入站人数不能多于遇见人数")
    patrol = Patrol.objects.create(
        region_code=code,
        route=form_name(route, "巡查路线", max_length=200),
        started_at=started_at,
        ended_at=ended_at,
        persons_met=persons_met,
        persons_helped=persons_helped,
        campaign=campaign,
        note=_text(note, "备注", lo=0, hi=300),
        recorded_by=actor,
    )
    _audit(actor, AuditEvent.CREATE, "patrol", patrol.pk, code, new={"campaign": campaign})
    return patrol


@transaction.atomic
def ledger_export_xlsx(*, actor: Any, entries: Any) -> bytes:
    """The "244" ledger as Excel: masked ID numbers, formula-looking names neutralised, the export audited."""
    from minzheng.core.spreadsheet import xlsx_bytes

    header = ["姓名", "证件号", "台账类别", "走失风险", "列入日期", "监护人/联系人", "本月走访"]
    rows = [
        [
            e.person.name,
            e.person.id_masked,
            e.get_kind_display(),
            e.get_risk_display() if e.risk else "",
            e.since.isoformat(),
            e.guardian,
            "已走访" if e.visited else "未走访",
        ]
        for e in entries[:5000]
    ]
    region = getattr(actor, "region", None)
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type="vagrant.ledger",
        region_code=region.code if region is not None else "",
        detail=f"导出244台账{len(rows)}行（证件号已脱敏）",
    )
    return xlsx_bytes(header, rows, title="244台账")


@transaction.atomic
def intake_lookup(*, actor: Any, station: Station, id_number: str) -> dict[str, Any]:
    """入站身份核查: is this ID number a person of the city, and are they on a "244" ledger or were they here
    before? Masked answers only; every lookup is audited (never the number itself)."""
    require(actor, "vagrant.intake", region_code=station.region_code, target=f"station:{station.pk}")
    number = normalize(id_number)
    person = Person.objects.filter(id_hash=crypto.blind_index(number)).first() if number else None
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="vagrant.lookup",
        target_id=person.pk if person else "",
        region_code=station.region_code,
        detail="入站身份核查" + ("" if person else "（未找到）"),
    )
    if person is None:
        return {"found": False, "name": "", "id_number": "", "alive": False, "on_ledger": False, "stays": 0}
    return {
        "found": True,
        "name": person.name,
        "id_number": person.id_masked,
        "alive": person.is_alive,
        "on_ledger": _on_ledger(person),
        "stays": Stay.objects.filter(subject=person).count(),
    }
