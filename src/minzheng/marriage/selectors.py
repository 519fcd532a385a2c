"""Reads of 婚姻登记, each scoped to the actor's region under `marriage.register` (out of scope = missing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.permissions import can, scoped
from minzheng.core.todos import Item, Todo

from .models import (
    HOLDING,
    WEEKDAYS,
    Appointment,
    AppointmentStatus,
    DivorceApplication,
    DivorceStatus,
    HouseholdChange,
    Registration,
    RegistrationKind,
    RegistryOffice,
    SpecialDate,
)
from .services import BOOKING_DAYS, capacities

READ = "marriage.register"


def offices(*, actor: Any) -> QuerySet[RegistryOffice]:
    return scoped(READ, RegistryOffice.objects.filter(active=True), actor)


def office_get(*, actor: Any, office_id: int) -> RegistryOffice:
    office = scoped(READ, RegistryOffice.objects.all(), actor).filter(pk=office_id).first()
    if office is None:
        raise Http404("未找到该婚姻登记机关")
    return office


TABLE_DAYS = 14  # the slot table of the office page: two weeks from the day the clerk picks


def office_page(
    *, actor: Any, office: RegistryOffice, on: dt.date, start: dt.date | None = None
) -> dict[str, Any]:
    """The office page: quotas, coming special dates, the slot table of two weeks from `start` (today by
    default; any day within the booking window, so 5·20 months ahead can be looked at) and today's list."""
    start = start or on
    quotas = {q.weekday: q.slots for q in office.quotas.all()}
    caps = capacities(office=office, start=start, days=TABLE_DAYS)
    booked = dict(
        Appointment.objects.filter(
            office=office,
            date__gte=start,
            date__lt=start + dt.timedelta(days=TABLE_DAYS),
            status__in=HOLDING,
        )
        .values_list("date")
        .annotate(n=Count("id"))
    )
    days: list[dict[str, Any]] = []
    for day, cap in caps.items():
        n = booked.get(day, 0)
        days.append(
            {
                "date": day,
                "weekday": WEEKDAYS[day.weekday()],
                "capacity": cap,
                "slots": cap.slots,
                "booked": n,
                "free": max(cap.slots - n, 0),
            }
        )
    # The coming special dates lift a weekday's quota for one day: shown next to the quotas, since a quota
    # may not be cut below a day's bookings less those extra slots; each links to its days in the table.
    specials = [
        {"date": d.date, "weekday": WEEKDAYS[d.date.weekday()], "name": d.name, "extra": d.extra_slots}
        for d in SpecialDate.objects.filter(date__gte=on).order_by("date")[:12]
    ]
    step = dt.timedelta(days=TABLE_DAYS)
    return {
        "office": office,
        "quotas": [(WEEKDAYS[i], quotas.get(i, 0)) for i in range(7)],
        "specials": specials,
        "days": days,
        "start": start,
        "end": start + step - dt.timedelta(days=1),
        "earlier": max(start - step, on) if start > on else None,
        "later": start + step if start + step <= on + dt.timedelta(days=BOOKING_DAYS) else None,
        "first_day": on,
        "last_day": on + dt.timedelta(days=BOOKING_DAYS),
        "today": appointments(actor=actor, office_id=office.pk, on=on),
    }


def appointments(
    *, actor: Any, office_id: int | None = None, on: dt.date | None = None, status: str = ""
) -> QuerySet[Appointment]:
    qs = scoped(READ, Appointment.objects.select_related("office", "party_a", "party_b"), actor)
    if office_id:
        qs = qs.filter(office_id=office_id)
    if on:
        qs = qs.filter(date=on)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("date", "office_id", "slot")


def appointment_get(*, actor: Any, appointment_id: int) -> Appointment:
    found = appointments(actor=actor).filter(pk=appointment_id).first()
    if found is None:
        raise Http404("未找到该预约")
    return found


def appointment_rebooked_to(*, actor: Any, appointment: Appointment) -> Appointment | None:
    """Where a 已改约 booking went (in the actor's scope; a move to an office out of it shows no link)."""
    if appointment.status != AppointmentStatus.RESCHEDULED:
        return None
    return appointments(actor=actor).filter(rebooked_from=appointment).first()


def appointment_actions(*, actor: Any, appointment: Appointment, on: dt.date) -> list[tuple[str, str]]:
    """The buttons the appointment page offers (the template never decides)."""
    if appointment.status != AppointmentStatus.BOOKED or not can(
        actor, READ, region_code=appointment.region_code
    ):
        return []
    actions = [("cancel", "取消预约")]
    if appointment.date == on:
        actions.insert(
            0, ("register", "办理结婚登记") if appointment.kind == "marriage" else ("divorce", "受理离婚申请")
        )
    return actions


def registrations(*, actor: Any, kind: str = "", q: str = "") -> QuerySet[Registration]:
    qs = scoped(READ, Registration.objects.select_related("office", "party_a", "party_b"), actor)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(certificate_no=q) | Q(party_a__name=q) | Q(party_b__name=q))
    return qs


def registration_get(*, actor: Any, registration_id: int) -> Registration:
    found = registrations(actor=actor).filter(pk=registration_id).first()
    if found is None:
        raise Http404("未找到该登记")
    return found


def registration_reissue(*, actor: Any, registration: Registration, on: dt.date) -> dict[str, Any] | None:
    """The 补领 form of a registration's page (None when the actor may not re-issue): the newest re-issue
    the form was drawn with (sent back as `seen`, so a resent form makes nothing twice) and, when it was
    made today, the confirmation a second one the same day needs."""
    if not can(actor, READ, region_code=registration.region_code):
        return None
    root = registration.reissue_of if registration.kind == RegistrationKind.REISSUE else registration
    newest = Registration.objects.filter(reissue_of=root or registration).order_by("-id").first()
    return {
        "seen": newest.pk if newest else 0,
        "today": newest if newest is not None and newest.registered_on == on else None,
    }


def divorces(*, actor: Any, status: str = "") -> QuerySet[DivorceApplication]:
    qs = scoped(READ, DivorceApplication.objects.select_related("office", "party_a", "party_b"), actor)
    return qs.filter(status=status) if status else qs


def divorce_get(*, actor: Any, divorce_id: int) -> DivorceApplication:
    found = divorces(actor=actor).filter(pk=divorce_id).first()
    if found is None:
        raise Http404("未找到该离婚登记申请")
    return found


def divorce_actions(*, actor: Any, application: DivorceApplication, on: dt.date) -> list[tuple[str, str]]:
    if application.status not in (DivorceStatus.COOLING, DivorceStatus.AWAITING):
        return []
    if on <= application.cooling_ends:
        return [
            ("withdraw_a", f"{application.party_a.name}撤回"),
            ("withdraw_b", f"{application.party_b.name}撤回"),
        ]
    if on <= application.register_by:
        return [("register", "双方到场，办理离婚登记")]
    return []


def household_changes(*, actor: Any) -> QuerySet[HouseholdChange]:
    qs = HouseholdChange.objects.select_related("person", "household", "registration")
    return scoped("people.transfer", qs, actor).filter(status="pending")


def statistics(*, actor: Any, year: int) -> dict[str, Any]:
    """Registrations per month and kind in the actor's scope (one query)."""
    rows = (
        registrations(actor=actor)
        .filter(registered_on__year=year)
        .annotate(month=ExtractMonth("registered_on"))
        .values("month", "kind")
        .annotate(n=Count("id"))
    )
    table = {m: {k: 0 for k in RegistrationKind.values} for m in range(1, 13)}
    for r in rows:
        table[r["month"]][r["kind"]] = r["n"]
    months = [{"month": m, **{k: table[m][k] for k in RegistrationKind.values}} for m in range(1, 13)]
    totals = {k: sum(row[k] for row in months) for k in RegistrationKind.values}
    return {"year": year, "months": months, "totals": totals}


# ---------------------------------------------------------------- 首页 to-dos (two queries each)
def todo_today(actor: Any, on: dt.date) -> Todo:
    qs = appointments(actor=actor, on=on, status=AppointmentStatus.BOOKED)
    return Todo(
        key="marriage-today",
        title="今日婚姻登记预约",
        count=qs.count(),
        url=reverse("marriage-appointments") + f"?on={on.isoformat()}",
        items=[
            Item(
                label=f"{a.party_a.name}、{a.party_b.name}",
                url=reverse("marriage-appointment", args=[a.pk]),
                note=f"{a.office.name}第{a.slot}号 {a.get_kind_display()}",
            )
            for a in qs[:5]
        ],
        empty="今日无预约",
    )


def todo_cooling(actor: Any, on: dt.date) -> Todo:
    """Applications whose cooling-off ends within a week, or that wait for both parties to come."""
    qs = (
        divorces(actor=actor)
        .filter(
            Q(status=DivorceStatus.COOLING, cooling_ends__lte=on + dt.timedelta(days=7))
            | Q(status=DivorceStatus.AWAITING)
        )
        .order_by("cooling_ends")
    )
    return Todo(
        key="marriage-cooling",
        title="离婚冷静期届满",
        count=qs.count(),
        url=reverse("marriage-divorces"),
        items=[
            Item(
                label=f"{d.party_a.name}、{d.party_b.name}",
                url=reverse("marriage-divorce", args=[d.pk]),
                note=f"冷静期至{d.cooling_ends:%m月%d日}，申领至{d.register_by:%m月%d日}",
            )
            for d in qs[:5]
        ],
        empty="无冷静期届满的申请",
    )


def todo_household(actor: Any, on: dt.date) -> Todo:
    qs = household_changes(actor=actor)
    return Todo(
        key="marriage-household",
        title="婚姻登记引起的家庭成员变更",
        count=qs.count(),
        url=reverse("marriage-household-changes"),
        items=[
            Item(label=c.person.name, url=reverse("marriage-household-changes"), note=c.get_kind_display())
            for c in qs[:5]
        ],
        empty="无待办变更",
    )


def household_change_get(*, actor: Any, change_id: int) -> HouseholdChange:
    found = household_changes(actor=actor).filter(pk=change_id).first()
    if found is None:
        raise Http404("未找到该变更")
    return found


def activity_after(*, person: Any, after: dt.date) -> list[str]:
    """The line's later-activity hook: a registration of `person` dated after `after`, or a booking they
    made after it (a read; two queries)."""
    mine = Q(party_a__person=person) | Q(party_b__person=person)
    regs = Registration.objects.filter(mine, registered_on__gt=after).order_by("registered_on")[:3]
    found = [(r.registered_on, f"{r.registered_on:%Y年%m月%d日}办理{r.get_kind_display()}") for r in regs]
    booked = Appointment.objects.filter(mine, booked_at__date__gt=after).order_by("booked_at")[:3]
    for a in booked:
        day = timezone.localtime(a.booked_at).date()
        found.append((day, f"{day:%Y年%m月%d日}预约{a.get_kind_display()}"))
    return [text for _, text in sorted(found, key=lambda f: f[0])[:3]]
