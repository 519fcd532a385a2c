"""Writes of 婚姻登记, each audited in its transaction and behind `marriage.register` in the office's county.

A booking takes the lowest free slot number of the office's day; the unique constraint on (office, date,
slot) among holding bookings is what makes the quota hold under concurrency: of two clerks who both saw the
last slot free, the second insert fails and is refused as full (on PostgreSQL the office row is locked
first as well, so the second clerk normally waits and then sees the day full)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.accounts.scoping import scope
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core import crypto
from minzheng.core.dates import plausible_date
from minzheng.core.idnumber import parse_id_number
from minzheng.core.inputs import form_name
from minzheng.core.masking import mask_phone
from minzheng.people.models import Membership, Person
from minzheng.policy.selectors import policy_resolve

from .models import (
    HOLDING,
    Appointment,
    AppointmentStatus,
    Basis,
    CertificateCounter,
    ChangeKind,
    ClosedDay,
    DailyQuota,
    DivorceApplication,
    DivorceStatus,
    Grade,
    HouseholdChange,
    Kind,
    Party,
    Registration,
    RegistrationKind,
    RegistryOffice,
    SpecialDate,
)

PERMISSION = "marriage.register"
BOOKING_DAYS = 180  # how far ahead a date typed at the desk can plausibly be (a typing guard, not policy)
PROVINCE_MAX = 20


def _audit(actor: Any, event: str, obj: Any, detail: str, new: dict[str, Any] | None = None) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        target_type=obj._meta.model_name,
        target_id=obj.pk,
        region_code=getattr(obj, "region_code", ""),
        detail=detail,
        new=new,
    )


# ---------------------------------------------------------------- offices and their calendar
@transaction.atomic
def office_create(
    *, actor: Any, name: str, region_code: str, address: str, phone: str = "", quotas: list[int]
) -> RegistryOffice:
    require(actor, PERMISSION, region_code=region_code, target="marriage:office")
    name, address = form_name(name, "登记机关名称", max_length=100), (address or "").strip()
    if not 2 <= len(name) <= 100 or not address:
        raise ValidationError("请填写登记机关名称和地址")
    if len(region_code) != 6:
        raise ValidationError("婚姻登记机关设在县（市、区）")
    if len(quotas) != 7 or any(not 0 <= q <= 500 for q in quotas):
        raise ValidationError("请填写星期一至星期日每天的预约名额（0至500，0为不办理）")
    if RegistryOffice.objects.filter(name=name).exists():
        raise ValidationError("已有同名的婚姻登记机关")
    office = RegistryOffice.objects.create(name=name, region_code=region_code, address=address, phone=phone)
    DailyQuota.objects.bulk_create(
        DailyQuota(office=office, weekday=i, slots=q) for i, q in enumerate(quotas)
    )
    _audit(actor, AuditEvent.CREATE, office, "设立婚姻登记机关", {"quotas": quotas})
    return office


def _holding_by_day(office_filter: Q, *, since: dt.date) -> list[dict[str, Any]]:
    """Couples holding a slot per office and coming day (a cancelled booking frees its slot)."""
    return list(
        Appointment.objects.filter(office_filter, date__gte=since, status__in=HOLDING)
        .values("office", "date")
        .annotate(n=Count("id"))
        .order_by("date", "office")
    )


def _refuse_cut_below_bookings(*, office: RegistryOffice, weekday: int, slots: int) -> None:
    """A quota is never cut below the couples already booked on a coming day of that weekday (a special
    date's extra slots count; a closed day takes no bookings): they were promised a slot."""
    RegistryOffice.objects.select_for_update().filter(pk=office.pk).first()  # no booking slips in meanwhile
    specials = {d.date: d for d in SpecialDate.objects.filter(date__gte=timezone.localdate())}
    for row in _holding_by_day(Q(office=office), since=timezone.localdate()):
        day, n = row["date"], row["n"]
        special = specials.get(day)
        extra = special.extra_slots if special else 0
        if day.weekday() == weekday and n > slots + extra:
            with_extra = f"（含{special.name}增加的{extra}个名额）" if special else ""
            raise ValidationError(
                f"{day:%Y年%m月%d日}已有{n}对预约{with_extra}，该日每日名额不能少于{n - extra}；"
                "如确需减少，请先为这些预约改约或取消"
            )


@transaction.atomic
def office_set_quota(*, actor: Any, office: RegistryOffice, weekday: int, slots: int) -> DailyQuota:
    require(actor, PERMISSION, region_code=office.region_code, target=f"marriage:office:{office.pk}")
    if not 0 <= weekday <= 6 or not 0 <= slots <= 500:
        raise ValidationError("每日名额应为0至500")
    _refuse_cut_below_bookings(office=office, weekday=weekday, slots=slots)
    quota, _ = DailyQuota.objects.update_or_create(office=office, weekday=weekday, defaults={"slots": slots})
    _audit(actor, AuditEvent.UPDATE, office, "调整每日预约名额", {"weekday": weekday, "slots": slots})
    return quota


@transaction.atomic
def office_grade(*, actor: Any, office: RegistryOffice, grade: str, graded_on: dt.date) -> RegistryOffice:
    """等级评定 (3A/4A/5A) with the date it was awarded."""
    require(actor, PERMISSION, region_code=office.region_code, target=f"marriage:office:{office.pk}")
    if grade not in Grade.values:
        raise ValidationError("请选择等级（3A、4A、5A）")
    plausible_date(graded_on, "评定日期", past_years=30)
    old = {"grade": office.grade, "graded_on": office.graded_on}
    office.grade, office.graded_on = grade, graded_on
    office.save(update_fields=["grade", "graded_on"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="registryoffice",
        target_id=office.pk,
        region_code=office.region_code,
        detail="婚姻登记机关等级评定",
        old=old,
        new={"grade": grade, "graded_on": graded_on},
    )
    return office


@transaction.atomic
def closed_day_add(
    *, actor: Any, date: dt.date, name: str, office: RegistryOffice | None = None
) -> ClosedDay:
    require(actor, PERMISSION, region_code=office.region_code if office else None, target="marriage:calendar")
    plausible_date(date, "停办日期", future_days=3 * 366, past_years=5)
    name = form_name(name, "停办日名称", max_length=40)
    # Closing a day takes all its slots away: never over the couples already booked on it.
    offices = RegistryOffice.objects.filter(pk=office.pk) if office else RegistryOffice.objects.all()
    list(offices.select_for_update().values_list("pk", flat=True))
    booked = _holding_by_day(Q(office__in=offices) & Q(date=date), since=date)
    if booked:
        names = dict(offices.values_list("pk", "name"))
        held = "、".join(f"{names[r['office']]}{r['n']}对" for r in booked)
        raise ValidationError(
            f"{date:%Y年%m月%d日}已有预约（{held}），不能设为停办日；请先为这些预约改约或取消"
        )
    day = ClosedDay.objects.create(date=date, name=name, office=office)
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="closedday",
        target_id=day.pk,
        region_code=office.region_code if office else "",
        detail=f"停办日{date}{name}",
    )
    return day


@transaction.atomic
def special_date_add(*, actor: Any, date: dt.date, name: str, extra_slots: int) -> SpecialDate:
    require(actor, PERMISSION, target="marriage:calendar")
    plausible_date(date, "特殊日期", future_days=3 * 366, past_years=5)
    name = form_name(name, "特殊日期名称", max_length=40)
    if not 1 <= extra_slots <= 500:
        raise ValidationError("请填写特殊日期名称和增加的名额（1至500）")
    if SpecialDate.objects.filter(date=date).exists():
        raise ValidationError(f"{date}已设为特殊日期")
    special = SpecialDate.objects.create(date=date, name=name, extra_slots=extra_slots)
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="specialdate",
        target_id=special.pk,
        detail=f"特殊日期{date}{name}增加{extra_slots}个名额",
    )
    return special


@dataclass(frozen=True)
class DayCapacity:
    slots: int  # what the day takes: the weekday's quota plus a special date's extra slots
    closed: str = ""  # the closed day's name
    special: str = ""  # the special date's name
    base: int = 0  # the weekday's quota
    extra: int = 0  # the special date's extra slots


def day_capacity(*, office: RegistryOffice, date: dt.date) -> DayCapacity:
    closed = ClosedDay.objects.filter(Q(office__isnull=True) | Q(office=office), date=date).first()
    if closed is not None:
        return DayCapacity(0, closed=closed.name)
    quota = DailyQuota.objects.filter(office=office, weekday=date.weekday()).first()
    special = SpecialDate.objects.filter(date=date).first()
    base = quota.slots if quota else 0
    if special is not None:
        extra = special.extra_slots
        return DayCapacity(base + extra, special=special.name, base=base, extra=extra)
    return DayCapacity(base, base=base)


def capacities(*, office: RegistryOffice, start: dt.date, days: int) -> dict[dt.date, DayCapacity]:
    """`day_capacity` of each of `days` days from `start`, in three queries."""
    end = start + dt.timedelta(days=days)
    closed: dict[dt.date, str] = {}
    for date, name in ClosedDay.objects.filter(
        Q(office__isnull=True) | Q(office=office), date__gte=start, date__lt=end
    ).values_list("date", "name"):
        closed.setdefault(date, name)
    quotas = dict(DailyQuota.objects.filter(office=office).values_list("weekday", "slots"))
    specials = {d.date: d for d in SpecialDate.objects.filter(date__gte=start, date__lt=end)}
    out: dict[dt.date, DayCapacity] = {}
    for i in range(days):
        date = start + dt.timedelta(days=i)
        base = quotas.get(date.weekday(), 0)
        if date in closed:
            out[date] = DayCapacity(0, closed=closed[date])
        elif (special := specials.get(date)) is not None:
            out[date] = DayCapacity(
                base + special.extra_slots, special=special.name, base=base, extra=special.extra_slots
            )
        else:
            out[date] = DayCapacity(base, base=base)
    return out


# ---------------------------------------------------------------- parties
def _party(*, data: dict[str, Any], label: str) -> Party:
    """A person of the registry found by ID (the typed name must match), or a non-local resident under the
    cross-region pilot (hukou province and residence permit required)."""
    try:
        info = parse_id_number(str(data.get("id_number", "")))
    except ValidationError as e:
        raise ValidationError(f"{label}：{e.messages[0]}") from None
    name = str(data.get("name", "")).strip()
    if not name or len(name) > 64:
        raise ValidationError(f"{label}：请填写姓名")
    try:
        name = form_name(name, "姓名")
    except ValidationError as e:
        raise ValidationError(f"{label}：{e.messages[0]}") from None
    id_hash = crypto.blind_index(info.id_number)
    person = Person.objects.filter(id_hash=id_hash).first()
    if person is not None:
        if person.name != name:
            raise ValidationError(f"{label}：姓名与户籍登记不一致，请核对身份证件")
        if not person.is_alive:
            raise ValidationError(f"{label}：户籍登记显示该人员已死亡，不能办理")
        return Party.objects.create(
            person=person,
            name=name,
            sex=info.sex,
            birth_date=info.birth_date,
            id_number_enc=crypto.encrypt(info.id_number),
            id_hash=id_hash,
            basis=Basis.LOCAL,
            hukou_province="山东省",
        )
    province = str(data.get("hukou_province", "")).strip()
    permit = str(data.get("permit_no", "")).strip()
    if not province or len(province) > PROVINCE_MAX or not permit or len(permit) > 40:
        raise ValidationError(
            f"{label}：本市户籍中没有该身份证号；非本市户籍须填写户籍所在省份和本市居住证编号（跨区域通办试点）"
        )
    # 居住证 numbers are the holder's own citizen ID number (《居住证暂行条例》第十条).
    if permit.upper() != info.id_number:
        raise ValidationError(f"{label}：居住证编号应为持证人本人的18位公民身份号码，请核对居住证")
    return Party.objects.create(
        name=name,
        sex=info.sex,
        birth_date=info.birth_date,
        id_number_enc=crypto.encrypt(info.id_number),
        id_hash=id_hash,
        basis=Basis.RESIDENCE_PERMIT,
        hukou_province=province,
        permit_no=info.id_number,
    )


def _age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _married(id_hash: str) -> bool:
    """Married per this registry: the last marriage or divorce registration naming them is a marriage."""
    last = (
        Registration.objects.filter(
            Q(party_a__id_hash=id_hash) | Q(party_b__id_hash=id_hash),
            kind__in=[RegistrationKind.MARRIAGE, RegistrationKind.DIVORCE],
        )
        .order_by("-registered_on", "-id")
        .first()
    )
    return last is not None and last.kind == RegistrationKind.MARRIAGE


def _check_couple(*, a: Party, b: Party, kind: str, on: dt.date, region_code: str) -> None:
    if a.id_hash == b.id_hash:
        raise ValidationError("双方不能是同一人")
    if kind != Kind.MARRIAGE:
        return
    if a.sex == b.sex:
        raise ValidationError("结婚登记须为一男一女（《民法典》第一千零四十九条）")
    figures = policy_resolve(on=on, region_code=region_code, hukou_type="")
    for p in (a, b):
        key = "marriage.min_age_male" if p.sex == "M" else "marriage.min_age_female"
        minimum = int(figures.get(key))
        if _age_on(p.birth_date, on) < minimum:
            raise ValidationError(f"{p.name}在{on:%Y年%m月%d日}未满{minimum}周岁，未达法定婚龄")
        if _married(p.id_hash):
            raise ValidationError(f"{p.name}有结婚登记记录且未登记离婚，不能再办理结婚登记")


# ---------------------------------------------------------------- appointments
def _free_slot(*, office: RegistryOffice, date: dt.date, capacity: int) -> int | None:
    taken = set(
        Appointment.objects.filter(office=office, date=date, status__in=HOLDING).values_list(
            "slot", flat=True
        )
    )
    return next((s for s in range(1, capacity + 1) if s not in taken), None)


def _take_slot(*, office: RegistryOffice, date: dt.date) -> tuple[int, DayCapacity]:
    today = timezone.localdate()
    if date < today:
        raise ValidationError("预约日期不能早于今天")
    plausible_date(date, "预约日期", future_days=BOOKING_DAYS)
    # PostgreSQL: serialise bookings of one office (SQLite serialises every write transaction anyway).
    RegistryOffice.objects.select_for_update().filter(pk=office.pk).first()
    capacity = day_capacity(office=office, date=date)
    if capacity.closed:
        raise ValidationError(f"{date:%Y年%m月%d日}（{capacity.closed}）{office.name}不办理婚姻登记")
    if capacity.slots == 0:
        raise ValidationError(f"{office.name}{date:%Y年%m月%d日}不办理婚姻登记")
    slot = _free_slot(office=office, date=date, capacity=capacity.slots)
    if slot is None:
        raise ValidationError(f"{office.name}{date:%Y年%m月%d日}的预约名额已满，请选择其他日期")
    return slot, capacity


def _insert(**fields: Any) -> Appointment:
    try:
        with transaction.atomic():
            return Appointment.objects.create(**fields)
    except IntegrityError:
        # Another window took this slot between our count and our insert.
        raise ValidationError("该名额刚被其他窗口预约，该日预约名额已满，请重新选择日期") from None


@transaction.atomic
def appointment_book(
    *,
    actor: Any,
    office: RegistryOffice,
    date: dt.date,
    kind: str,
    party_a: dict[str, Any],
    party_b: dict[str, Any],
    phone: str = "",
) -> Appointment:
    require(actor, PERMISSION, region_code=office.region_code, target=f"marriage:office:{office.pk}")
    if kind not in Kind.values:
        raise ValidationError("请选择业务类型（结婚登记或离婚登记）")
    if not office.active:
        raise ValidationError("该婚姻登记机关已停用")
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if phone and len(digits) != 11:
        raise ValidationError("联系电话应为11位手机号")
    a = _party(data=party_a, label="男方" if kind == Kind.MARRIAGE else "一方")
    b = _party(data=party_b, label="女方" if kind == Kind.MARRIAGE else "另一方")
    _check_couple(a=a, b=b, kind=kind, on=max(date, timezone.localdate()), region_code=office.region_code)
    holding = Appointment.objects.filter(
        Q(party_a__id_hash__in=[a.id_hash, b.id_hash]) | Q(party_b__id_hash__in=[a.id_hash, b.id_hash]),
        status=AppointmentStatus.BOOKED,
        date__gte=timezone.localdate(),
    )
    if holding.exists():
        raise ValidationError("当事人已有未办理的预约，请先取消或改约")
    slot, _ = _take_slot(office=office, date=date)
    appointment = _insert(
        office=office,
        region_code=office.region_code,
        date=date,
        slot=slot,
        kind=kind,
        party_a=a,
        party_b=b,
        phone=mask_phone(digits) if digits else "",
        booked_by=actor,
    )
    _audit(actor, AuditEvent.CREATE, appointment, "婚姻登记预约", {"date": date, "slot": slot, "kind": kind})
    return appointment


def _own_booking(actor: Any, appointment: Appointment) -> None:
    require(
        actor,
        PERMISSION,
        region_code=appointment.region_code,
        target=f"marriage:appointment:{appointment.pk}",
    )
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError(f"该预约{appointment.get_status_display()}，不能再变更")


@transaction.atomic
def appointment_cancel(*, actor: Any, appointment: Appointment) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _own_booking(actor, appointment)
    appointment.status, appointment.closed_at = AppointmentStatus.CANCELLED, timezone.now()
    appointment.save(update_fields=["status", "closed_at"])
    _audit(actor, AuditEvent.UPDATE, appointment, "取消婚姻登记预约")
    return appointment


@transaction.atomic
def appointment_rebook(
    *, actor: Any, appointment: Appointment, date: dt.date, office: RegistryOffice | None = None
) -> Appointment:
    """改约: the old slot is freed and a new one taken in one transaction (a refused date keeps the old)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _own_booking(actor, appointment)
    office = office or appointment.office
    require(actor, PERMISSION, region_code=office.region_code, target=f"marriage:office:{office.pk}")
    # 已改约, not 已取消: the old booking shows where the couple went (it frees its slot all the same)
    appointment.status, appointment.closed_at = AppointmentStatus.RESCHEDULED, timezone.now()
    appointment.save(update_fields=["status", "closed_at"])
    slot, _ = _take_slot(office=office, date=date)
    new = _insert(
        office=office,
        region_code=office.region_code,
        date=date,
        slot=slot,
        kind=appointment.kind,
        party_a=appointment.party_a,
        party_b=appointment.party_b,
        phone=appointment.phone,
        rebooked_from=appointment,
        booked_by=actor,
    )
    _audit(
        actor, AuditEvent.UPDATE, new, "婚姻登记改约", {"from": appointment.pk, "date": date, "slot": slot}
    )
    return new


@transaction.atomic
def appointments_close_day(*, actor: Any, office: RegistryOffice, on: dt.date) -> int:
    """日终: bookings of the day (and earlier) nobody came for are marked 未到场."""
    require(actor, PERMISSION, region_code=office.region_code, target=f"marriage:office:{office.pk}")
    if on > timezone.localdate():
        raise ValidationError("只能对今天及以前的预约做日终处理")
    qs = Appointment.objects.filter(office=office, date__lte=on, status=AppointmentStatus.BOOKED)
    ids = list(qs.values_list("pk", flat=True))
    Appointment.objects.filter(pk__in=ids).update(status=AppointmentStatus.NO_SHOW, closed_at=timezone.now())
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="registryoffice",
        target_id=office.pk,
        region_code=office.region_code,
        detail=f"日终处理：{len(ids)}对预约标记为未到场",
        new={"on": on, "appointments": ids},
    )
    return len(ids)


# ---------------------------------------------------------------- registrations
_PREFIX = {RegistrationKind.MARRIAGE: "J", RegistrationKind.DIVORCE: "L"}


def _certificate_no(*, office: RegistryOffice, year: int, prefix: str) -> str:
    """字号: prefix + county code + year + sequence of the office in that year (J 结婚, L 离婚, B 补发)."""
    counter, _ = CertificateCounter.objects.select_for_update().get_or_create(
        office=office, year=year, prefix=prefix
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}{office.region_code}-{year}-{office.pk:02d}{counter.last:05d}"


def _current_household(person: Person | None) -> Membership | None:
    if person is None:
        return None
    return Membership.objects.filter(person=person, end_date__isnull=True).select_related("household").first()


def _household_changes(registration: Registration) -> list[HouseholdChange]:
    """Where both are of the registry: after a marriage the second party joins the first's household, after
    a divorce a spouse sharing the household leaves it. Recorded for the township of the household, which
    moves the membership (people.household_add_member) after checking it: nothing moves by itself."""
    a, b = registration.party_a, registration.party_b
    ma, mb = _current_household(a.person), _current_household(b.person)
    if ma is None or mb is None or b.person is None:
        return []
    changes: list[HouseholdChange] = []
    if registration.kind == RegistrationKind.MARRIAGE and ma.household_id != mb.household_id:
        changes.append(
            HouseholdChange(
                registration=registration,
                region_code=ma.household.region_code,
                kind=ChangeKind.JOIN,
                person=b.person,
                household=ma.household,
            )
        )
    if registration.kind == RegistrationKind.DIVORCE and ma.household_id == mb.household_id:
        changes.append(
            HouseholdChange(
                registration=registration,
                region_code=mb.household.region_code,
                kind=ChangeKind.LEAVE,
                person=b.person,
                household=mb.household,
            )
        )
    return HouseholdChange.objects.bulk_create(changes)


def _register(
    *,
    actor: Any,
    office: RegistryOffice,
    kind: str,
    a: Party,
    b: Party,
    on: dt.date,
    appointment: Appointment | None = None,
    reissue_of: Registration | None = None,
) -> Registration:
    prefix = "B" + _PREFIX[reissue_of.kind] if reissue_of else _PREFIX[kind]  # type: ignore[index]
    registration = Registration.objects.create(
        office=office,
        region_code=office.region_code,
        kind=kind,
        party_a=a,
        party_b=b,
        registered_on=on,
        certificate_no=_certificate_no(office=office, year=on.year, prefix=prefix),
        appointment=appointment,
        reissue_of=reissue_of,
        registered_by=actor,
    )
    changes = _household_changes(registration) if reissue_of is None else []
    _audit(
        actor,
        AuditEvent.CREATE,
        registration,
        registration.get_kind_display(),
        {"certificate_no": registration.certificate_no, "household_changes": len(changes)},
    )
    return registration


def _todays_booking(*, actor: Any, appointment: Appointment, kind: str, verb: str) -> Appointment:
    """The booking a couple came for, locked and checked: the actor's office, the right kind, today."""
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("office", "party_a", "party_b")
        .get(pk=appointment.pk)
    )
    _own_booking(actor, appointment)
    if appointment.kind != kind:
        raise ValidationError(f"该预约不是{Kind(kind).label}")
    if appointment.date != timezone.localdate():
        raise ValidationError(f"预约日期为{appointment.date:%Y年%m月%d日}，只能在预约当天{verb}")
    return appointment


def _attended(appointment: Appointment) -> None:
    appointment.status, appointment.closed_at = AppointmentStatus.ATTENDED, timezone.now()
    appointment.save(update_fields=["status", "closed_at"])


@transaction.atomic
def marriage_register(*, actor: Any, appointment: Appointment) -> Registration:
    """结婚登记 of a couple who came to their booking today (or earlier the same day)."""
    appointment = _todays_booking(actor=actor, appointment=appointment, kind=Kind.MARRIAGE, verb="办理")
    today = appointment.date
    _check_couple(
        a=appointment.party_a,
        b=appointment.party_b,
        kind=Kind.MARRIAGE,
        on=today,
        region_code=appointment.region_code,
    )
    _attended(appointment)
    return _register(
        actor=actor,
        office=appointment.office,
        kind=RegistrationKind.MARRIAGE,
        a=appointment.party_a,
        b=appointment.party_b,
        on=today,
        appointment=appointment,
    )


@transaction.atomic
def certificate_reissue(
    *, actor: Any, original: Registration, seen: int, confirm: bool = False
) -> Registration:
    """补领: a new certificate number (B…), the original registration unchanged.

    `seen` is the newest re-issue of the registration the clerk's page showed (0 for none): a form sent
    again after its re-issue was made (a double click, a resend) returns that re-issue instead of making a
    second; a form older than another re-issue is refused. A second re-issue the same day needs `confirm`.
    The registration row is locked first, so two submits are taken one after the other."""
    require(
        actor, PERMISSION, region_code=original.region_code, target=f"marriage:registration:{original.pk}"
    )
    if original.kind == RegistrationKind.REISSUE:
        original = original.reissue_of or original
    Registration.objects.select_for_update().filter(pk=original.pk).first()
    today = timezone.localdate()
    newest = Registration.objects.filter(reissue_of=original).order_by("-id").first()
    if newest is not None and newest.pk != seen:
        if newest.pk > seen and newest.registered_by_id == actor.pk and newest.registered_on == today:
            return newest  # the same form sent again: its certificate is already made
        raise ValidationError(
            f"该登记已补发证书（字号{newest.certificate_no}），页面显示的信息已过时，请刷新页面核对后再办理"
        )
    if newest is not None and newest.registered_on == today and not confirm:
        raise ValidationError(
            f"该登记今天已补发过证书（字号{newest.certificate_no}）；如确需再次补发，"
            "请勾选“确认再次补发”后重新提交"
        )
    return _register(
        actor=actor,
        office=original.office,
        kind=RegistrationKind.REISSUE,
        a=original.party_a,
        b=original.party_b,
        on=today,
        reissue_of=original,
    )


# ---------------------------------------------------------------- divorce by agreement (《民法典》第1077条)
@transaction.atomic
def divorce_apply(*, actor: Any, appointment: Appointment) -> DivorceApplication:
    """受理协议离婚申请 at a divorce booking: the cooling-off and registration windows come from policy."""
    appointment = _todays_booking(actor=actor, appointment=appointment, kind=Kind.DIVORCE, verb="受理")
    today = appointment.date
    open_ = DivorceApplication.objects.filter(
        Q(party_a__id_hash__in=[appointment.party_a.id_hash, appointment.party_b.id_hash])
        | Q(party_b__id_hash__in=[appointment.party_a.id_hash, appointment.party_b.id_hash]),
        status__in=[DivorceStatus.COOLING, DivorceStatus.AWAITING],
    )
    if open_.exists():
        raise ValidationError("当事人已有未办结的离婚登记申请")
    figures = policy_resolve(on=today, region_code=appointment.region_code, hukou_type="")
    cooling = int(figures.get("marriage.divorce_cooling_days"))
    window = int(figures.get("marriage.divorce_register_days"))
    _attended(appointment)
    # 《民法典》第二百零一条: a period in days starts the day after the application.
    cooling_ends = today + dt.timedelta(days=cooling)
    application = DivorceApplication.objects.create(
        office=appointment.office,
        region_code=appointment.region_code,
        party_a=appointment.party_a,
        party_b=appointment.party_b,
        applied_on=today,
        cooling_ends=cooling_ends,
        register_by=cooling_ends + dt.timedelta(days=window),
        created_by=actor,
    )
    _audit(
        actor,
        AuditEvent.CREATE,
        application,
        "受理协议离婚登记申请（进入冷静期）",
        {"cooling_ends": application.cooling_ends, "register_by": application.register_by},
    )
    return application


def _open_divorce(actor: Any, application: DivorceApplication) -> DivorceApplication:
    application = (
        DivorceApplication.objects.select_for_update()
        .select_related("office", "party_a", "party_b")
        .get(pk=application.pk)
    )
    require(
        actor, PERMISSION, region_code=application.region_code, target=f"marriage:divorce:{application.pk}"
    )
    if application.status not in (DivorceStatus.COOLING, DivorceStatus.AWAITING):
        raise ValidationError(f"该申请{application.get_status_display()}")
    return application


@transaction.atomic
def divorce_withdraw(*, actor: Any, application: DivorceApplication, party: str) -> DivorceApplication:
    """Either party withdraws within the cooling-off period."""
    application = _open_divorce(actor, application)
    today = timezone.localdate()
    if today > application.cooling_ends:
        raise ValidationError(
            f"冷静期已于{application.cooling_ends:%Y年%m月%d日}届满，不能再撤回；逾期不申领视为撤回"
        )
    if party not in ("a", "b"):
        raise ValidationError("请选择撤回的一方")
    who = application.party_a if party == "a" else application.party_b
    application.status, application.withdrawn_by, application.closed_on = (
        DivorceStatus.WITHDRAWN,
        who.name,
        today,
    )
    application.save(update_fields=["status", "withdrawn_by", "closed_on"])
    _audit(actor, AuditEvent.UPDATE, application, "一方撤回离婚登记申请")
    return application


@transaction.atomic
def divorce_register(*, actor: Any, application: DivorceApplication) -> Registration:
    """Both come within the 30 days after the cooling-off period: the divorce is registered."""
    application = _open_divorce(actor, application)
    today = timezone.localdate()
    if today <= application.cooling_ends:
        raise ValidationError(f"冷静期至{application.cooling_ends:%Y年%m月%d日}届满，届满后方可办理离婚登记")
    if today > application.register_by:
        raise ValidationError(f"申领期限已于{application.register_by:%Y年%m月%d日}届满，视为撤回离婚登记申请")
    registration = _register(
        actor=actor,
        office=application.office,
        kind=RegistrationKind.DIVORCE,
        a=application.party_a,
        b=application.party_b,
        on=today,
    )
    application.status, application.closed_on, application.registration = (
        DivorceStatus.REGISTERED,
        today,
        registration,
    )
    application.save(update_fields=["status", "closed_on", "registration"])
    return registration


@transaction.atomic
def divorces_sweep(*, actor: Any, on: dt.date) -> dict[str, int]:
    """Daily: applications past their cooling-off wait for both parties; past the window they lapse."""
    require(actor, PERMISSION, target="marriage:divorces")
    mine = scope(DivorceApplication.objects.all(), actor)
    # Lapse first: an application past both periods is withdrawn, never counted as awaiting.
    lapsed = mine.filter(
        status__in=[DivorceStatus.COOLING, DivorceStatus.AWAITING], register_by__lt=on
    ).update(status=DivorceStatus.LAPSED, closed_on=on)
    awaiting = mine.filter(status=DivorceStatus.COOLING, cooling_ends__lt=on).update(
        status=DivorceStatus.AWAITING
    )
    if awaiting or lapsed:
        audit_record(
            actor=actor,
            event_type=AuditEvent.UPDATE,
            target_type="divorceapplication",
            detail=f"离婚冷静期日终：{awaiting}件待申领，{lapsed}件视为撤回",
        )
    return {"awaiting": awaiting, "lapsed": lapsed}


# ---------------------------------------------------------------- the township's side
@transaction.atomic
def household_change_apply(*, actor: Any, change: HouseholdChange) -> HouseholdChange:
    """The township takes the change: a spouse joins the household (people.household_add_member); a spouse
    leaving is closed here once the township has put them in the household where they now live."""
    from minzheng.people.models import Relation
    from minzheng.people.services import household_add_member

    change = HouseholdChange.objects.select_for_update().select_related("registration").get(pk=change.pk)
    require(actor, "people.transfer", region_code=change.region_code, target=f"marriage:change:{change.pk}")
    if change.status != "pending":
        raise ValidationError("该变更已处理")
    if change.kind == ChangeKind.JOIN:
        household_add_member(
            actor=actor,
            household=change.household,
            person=change.person,
            relation=Relation.SPOUSE,
            start_date=change.registration.registered_on,
        )
    change.status = "done"
    change.save(update_fields=["status"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="householdchange",
        target_id=change.pk,
        region_code=change.region_code,
        detail=f"办理婚姻登记引起的家庭成员变更（{change.get_kind_display()}）",
    )
    return change
