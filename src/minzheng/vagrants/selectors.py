"""Reads of the line, each region-scoped through the actor's permission: the station's staff read its
stays (`vagrant.intake`), grid workers and village assistants read the ledgers of their area
(`vagrant.visit_record`). Out of scope reads as missing. Population work (overdue stays, ledger alerts,
registry matching, the repeat-wandering rate) is one set-based query each, never a loop over people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Abs, ExtractYear
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.accounts.permissions import can, roles_for, scoped
from minzheng.accounts.scoping import in_scope
from minzheng.casework.selectors import DeadlineStatus, case_actions, case_history
from minzheng.core.todos import Item, Todo
from minzheng.people.models import Person, UnidentifiedRecord
from minzheng.policy.selectors import policy_resolve
from minzheng.regions.models import Region, RegionLevel
from minzheng.regions.selectors import division_name

from .models import RETURN_KINDS, ExitKind, LedgerEntry, LedgerVisit, Patrol, Station, Stay, Tracing
from .workflow import OPEN, STAY

MERGE_CHECK = "people.merge_approve"

# Matching tolerance of the registry search (not a policy figure: how wide the net is cast, in years
# around the estimated birth year; an estimated age is rarely better than ±5).
AGE_BAND = 5
# The exact self-reported name is looked for in a wider band: a man who has slept rough may look ten years
# older than he is, but not thirty.
NAME_AGE_BAND = 15
MAX_CANDIDATES = 10


# ---------------------------------------------------------------- stations and stays
def stations(*, actor: Any) -> QuerySet[Station]:
    return scoped("vagrant.intake", Station.objects.all(), actor).order_by("region_code")


def stays(*, actor: Any, state: str = "", q: str = "", repeat: bool = False) -> QuerySet[Stay]:
    qs = scoped("vagrant.intake", Stay.objects.select_related("person", "subject", "station"), actor)
    if state == "open":
        qs = qs.filter(state__in=OPEN)
    elif state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(
            Q(person__name__contains=q) | Q(subject__name__contains=q) | Q(person__temp_number__contains=q)
        )
    if repeat:
        qs = qs.filter(repeat=True)
    return qs.order_by("-intake_on", "-id")


def stay_get(*, actor: Any, pk: int) -> Stay | None:
    stay = Stay.objects.select_related("person", "subject", "station").filter(pk=pk).first()
    if stay is None or not can(actor, "vagrant.intake", region_code=stay.region_code):
        return None
    return stay


def merge_checkers() -> str:
    """Who checks an identity merge, as people read it (the roles holding `people.merge_approve`)."""
    return "或".join(str(Role(r).label) for r in sorted(roles_for(MERGE_CHECK)) if r in Role.values)


def stay_page(*, actor: Any, stay: Stay) -> dict[str, Any]:
    record = (
        UnidentifiedRecord.objects.select_related("merge_requested_by")
        .filter(person_id=stay.person_id)
        .first()
    )
    tracing = Tracing.objects.filter(stay=stay).select_related("confirmed_person").first()
    open_kinds, exit_held = exit_kinds_open(stay=stay)
    pending = record is not None and record.merge_target_id is not None and record.merged_into_id is None
    requester = record.merge_requested_by if pending and record is not None else None
    who = _subject(stay) or stay.person
    return {
        "stay": stay,
        # the identified person once known (tracing, or people's merge): never the temporary number then
        "who": who,
        "hukou_place": (
            (who.hukou_region.full_name if who.hukou_region else division_name(who.hukou_code))
            if who.is_identified
            else ""
        ),
        "record": record,
        "tracing": tracing,
        "actions": case_actions(actor=actor, case=stay, workflow=STAY),
        # The exit form offers only the ways out `stay_exit` accepts now, and says why the others wait.
        "exit_kinds": [(k, ExitKind(k).label) for k in open_kinds],
        "exit_held": exit_held,
        "merge_pending": pending,
        "merge_checkers": merge_checkers(),
        "merge_requester": requester,
        # The link to the check goes to whoever may decide it: never the officer who asked.
        "can_merge_decide": pending
        and requester is not None
        and requester.pk != getattr(actor, "pk", None)
        and can(actor, MERGE_CHECK, region_code=stay.person.region_code),
        "history": case_history(workflow=STAY, case=stay),
        "care": stay.care.select_related("recorded_by"),
        "placements": stay.placements.prefetch_related("visits"),
    }


def _stay_days(region_code: str, on: dt.date) -> int:
    return int(policy_resolve(on=on, region_code=region_code, hukou_type="").get("vagrant.stay_days"))


def _limits(actor: Any, on: dt.date) -> dict[str, int]:
    """The in-station limit of each station the actor reads (one policy read per county, a handful)."""
    return {
        code: _stay_days(code, on) for code in stations(actor=actor).values_list("region_code", flat=True)
    }


def overdue_stays(*, actor: Any, on: dt.date | None = None) -> QuerySet[Stay]:
    """Stays still in the station past the limit: the one definition (`stay_due`), set-based."""
    today = on or timezone.localdate()
    cond = Q(pk__in=[])
    for code, days in _limits(actor, today).items():
        cond |= Q(region_code=code, intake_on__lt=today - dt.timedelta(days=days))
    return stays(actor=actor).filter(cond, state="in_station")


def stay_due(*, stay: Stay, on: dt.date | None = None) -> DeadlineStatus | None:
    """The in-station limit of one stay, as `overdue_stays` reads it: `vagrant.stay_days` (in force on
    `on`) counted from the intake day (not the day the intake was typed in), overdue after the due day."""
    if stay.state != "in_station":
        return None
    today = on or timezone.localdate()
    due = stay.intake_on + dt.timedelta(days=_stay_days(stay.region_code, today))
    return DeadlineStatus("care", "站内救助期限", "limit", stay.intake_on, due, today > due)


def stay_deadline(*, stay: Stay, on: dt.date | None = None) -> str:
    status = stay_due(stay=stay, on=on)
    return status.message if status is not None else ""


# ---------------------------------------------------------------- tracing
@dataclass(frozen=True)
class Candidate:
    person: Person
    score: int
    reasons: tuple[str, ...]


def _region_hints(text: str) -> list[Region]:
    """Counties and townships of the city named in the clues (口音像兖州, 说家在颜店 …)."""
    if not text:
        return []
    out = []
    levels = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
    for region in Region.objects.filter(level__in=levels).only("code", "name"):
        stem = region.name
        for suffix in ("街道", "镇", "乡", "区", "县", "市"):
            if stem.endswith(suffix) and len(stem) > len(suffix) + 1:
                stem = stem[: -len(suffix)]
                break
        if stem and stem in text:
            out.append(region)
    return out


def tracing_candidates(*, tracing: Tracing) -> list[Candidate]:
    """The registry searched in ONE query: identified, living persons of the same sex whose name is the
    self-reported one (born within the wide band), or who, born within the age band, share its surname and
    a character of its given name (anyone in the band when no name was reported); each scored by
    annotations (name, age, hukou region named by the worker or in the clues, already on a "244" ledger)
    and shown with its reasons. A suggestion only: a worker confirms it."""
    stay = tracing.stay
    record = UnidentifiedRecord.objects.filter(person_id=stay.person_id).first()
    if record is None:
        return []
    born = record.found_on.year - record.estimated_age
    qs = Person.objects.filter(id_hash__isnull=False, is_alive=True, sex=stay.person.sex)
    near = Q(birth_date__year__gte=born - AGE_BAND, birth_date__year__lte=born + AGE_BAND)
    name = tracing.claimed_name.strip()
    score: Any = Value(0)
    if name:
        surname, given = name[:1], name[1:]
        similar = (
            Q(name__startswith=surname)
            & Q(*(Q(name__contains=ch) for ch in dict.fromkeys(given)), _connector=Q.OR)
            if given
            else Q(name__startswith=surname)
        )
        # The exact registered name is found in the wide band (the age is a guess at the station), the
        # look-alike names only in the narrow one.
        wide = Q(birth_date__year__gte=born - NAME_AGE_BAND, birth_date__year__lte=born + NAME_AGE_BAND)
        qs = qs.filter((Q(name=name) & wide) | (similar & near))
        qs = qs.annotate(
            s_name=Case(
                When(name=name, then=Value(60)),
                When(similar, then=Value(25)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        score = F("s_name")
    else:
        qs = qs.filter(near).annotate(s_name=Value(0, output_field=IntegerField()))
    qs = qs.annotate(
        age_gap=Abs(ExtractYear("birth_date") - Value(born)),
        s_age=Case(
            When(age_gap__lte=2, then=Value(20)),
            When(age_gap__lte=AGE_BAND, then=Value(10)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )
    score = score + F("s_age")
    hints = [tracing.hint_region] if tracing.hint_region else []
    clue_regions = _region_hints(tracing.details)
    hint_q = Q(pk__in=[])
    for code in hints:
        hint_q |= Q(hukou_code__startswith=code) | Q(region_code__startswith=code)
    clue_q = Q(pk__in=[])
    for region in clue_regions:
        clue_q |= Q(hukou_code__startswith=region.prefix) | Q(region_code__startswith=region.prefix)
    on_ledger = LedgerEntry.objects.filter(person=OuterRef("pk"), active=True)
    qs = qs.annotate(
        s_hint=Case(When(hint_q, then=Value(15)), default=Value(0), output_field=IntegerField()),
        s_clue=Case(When(clue_q, then=Value(10)), default=Value(0), output_field=IntegerField()),
        ledger=Exists(on_ledger),
    )
    qs = qs.annotate(
        s_ledger=Case(When(ledger=True, then=Value(10)), default=Value(0), output_field=IntegerField()),
    )
    qs = qs.annotate(score=score + F("s_hint") + F("s_clue") + F("s_ledger"))
    hint_names = {r.code: r.name for r in Region.objects.filter(code__in=hints)}
    out = []
    for p in qs.order_by("-score", "pk")[:MAX_CANDIDATES]:
        reasons = []
        if p.s_name == 60:
            reasons.append(f"姓名与自报姓名“{name}”一致")
        elif p.s_name:
            reasons.append(f"与自报姓名“{name}”同姓且名字相近")
        gap = p.age_gap
        reasons.append(f"出生年份与估计相差{gap}年" if gap else "出生年份与估计一致")
        reasons.append(f"性别一致（{p.get_sex_display()}）")
        if p.s_hint:
            reasons.append(f"户籍或居住地在{'、'.join(hint_names.values())}")
        if p.s_clue:
            reasons.append(f"线索提及{'、'.join(r.name for r in clue_regions)}")
        if p.s_ledger:
            reasons.append("已在本市244台账中（易走失或曾流浪）")
        out.append(Candidate(person=p, score=p.score, reasons=tuple(reasons)))
    return out


def tracing_list(*, actor: Any) -> QuerySet[Tracing]:
    return scoped(
        "vagrant.tracing", Tracing.objects.select_related("stay__person", "confirmed_person"), actor
    )


def notice_authority(stay: Stay) -> str:
    county = Region.objects.filter(code=stay.region_code[:6]).first()
    return f"{county.name}民政局" if county else "民政局"


# ---------------------------------------------------------------- "244" ledgers
def _month_start(on: dt.date) -> dt.date:
    return on.replace(day=1)


def ledger(
    *, actor: Any, kind: str = "", missing: bool = False, on: dt.date | None = None
) -> QuerySet[LedgerEntry]:
    """The ledger the actor visits, with this month's visit (if any) annotated: one query."""
    today = on or timezone.localdate()
    visited = LedgerVisit.objects.filter(
        entry=OuterRef("pk"), visited_on__gte=_month_start(today), visited_on__lte=today
    )
    qs = scoped("vagrant.visit_record", LedgerEntry.objects.select_related("person"), actor).filter(
        active=True
    )
    qs = qs.annotate(visited=Exists(visited))
    if kind:
        qs = qs.filter(kind=kind)
    if missing:
        qs = qs.filter(visited=False)
    return qs.order_by("region_code", "id")


def ledger_get(*, actor: Any, pk: int) -> LedgerEntry | None:
    entry = LedgerEntry.objects.select_related("person").filter(pk=pk).first()
    if entry is None or not can(actor, "vagrant.visit_record", region_code=entry.region_code):
        return None
    return entry


def visits_todo(actor: Any, on: dt.date) -> Todo:
    """首页: ledger persons not yet visited this month (one count, one short list)."""
    qs = ledger(actor=actor, missing=True, on=on)
    return Todo(
        key="vagrant-visits",
        title="244台账本月未走访",
        count=qs.count(),
        url=reverse("vagrants-ledger") + "?missing=1",
        items=[
            Item(label=e.person.name, url=reverse("vagrants-visit", args=[e.pk]), note=e.get_kind_display())
            for e in qs[:5]
        ],
        empty="本月台账人员均已走访",
    )


def alerts_todo(actor: Any, on: dt.date) -> Todo:
    """首页 of the station: stays past the in-station limit and repeat wandering (open stays)."""
    overdue = overdue_stays(actor=actor, on=on)
    repeat = stays(actor=actor, state="open", repeat=True)
    alerts = overdue | repeat
    return Todo(
        key="vagrant-alerts",
        title="流浪救助预警（超期滞站、再次流浪）",
        count=alerts.count(),
        url=reverse("vagrants-alerts"),
        items=[
            Item(
                label=(s.subject or s.person).name,
                url=reverse("vagrants-stay", args=[s.pk]),
                note="再次流浪" if s.repeat else "超期滞站",
            )
            for s in alerts[:5]
        ],
        empty="无预警",
    )


def patrols(*, actor: Any) -> QuerySet[Patrol]:
    return scoped("vagrant.intake", Patrol.objects.select_related("recorded_by"), actor).order_by(
        "-started_at"
    )


# ---------------------------------------------------------------- repeat-wandering rate
REPEAT_DEFINITION = (
    "再次流浪率 = 当年返回家庭（含护送返乡）的受助人员中，返乡后同一年度内再次入站救助的人数"
    " ÷ 当年返回家庭的人数。"
    "按救助站所在县（市、区）统计；同一人当年多次返乡按每次返乡计。"
)


def repeat_rate(*, actor: Any, year: int) -> list[dict[str, Any]]:
    """One aggregate query: each return of the year, whether the same (identified) person came in again
    after it within the year, counted per county."""
    again = Stay.objects.filter(
        subject=OuterRef("subject"),
        intake_on__gt=OuterRef("exit_on"),
        intake_on__lte=dt.date(year, 12, 31),
    )
    rows = (
        scoped("vagrant.intake", Stay.objects.all(), actor)
        .filter(exit_kind__in=RETURN_KINDS, exit_on__year=year, subject__isnull=False)
        .annotate(again=Exists(again))
        .values("station__region_code", "station__name")
        .annotate(returned=Count("pk"), repeated=Count("pk", filter=Q(again=True)))
        .order_by("station__region_code")
    )
    names = dict(Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", "name"))
    return [
        {
            "county": names.get(r["station__region_code"], ""),
            "station": r["station__name"],
            "returned": r["returned"],
            "repeated": r["repeated"],
            "rate": f"{r['repeated'] * 100 / r['returned']:.1f}%" if r["returned"] else "—",
        }
        for r in rows
    ]


# ---------------------------------------------------------------- person panel
def person_panel(*, actor: Any, person: Any) -> dict[str, Any] | None:
    """The person's stays (as registered or as identified since) and ledger entries, in the actor's scope."""
    panel_stays = []
    if can(actor, "vagrant.intake"):
        panel_stays = list(
            scoped("vagrant.intake", Stay.objects.select_related("station"), actor)
            .filter(Q(person=person) | Q(subject=person))
            .order_by("-intake_on")[:20]
        )
    entries = []
    if can(actor, "vagrant.visit_record") or can(actor, "vagrant.intake"):
        entries = [
            e
            for e in LedgerEntry.objects.filter(person=person).order_by("-since")
            if in_scope(actor, e.region_code)
        ]
    if not panel_stays and not entries:
        return None
    return {"vagrant_stays": panel_stays, "vagrant_ledger": entries}


MERGE_PENDING = (
    "该人员的身份合并正在等待复核，复核通过前只能登记自行离站；返回家庭、护送返乡或转介须待复核通过后办理"
)
UNCONFIRMED = "身份尚未确认，不能办理返回家庭或护送返乡；请先寻亲并确认身份"


def _subject(stay: Stay) -> Person | None:
    """Who the stay's person is: the subject tracing confirmed, or, when the merge was asked and checked on
    the person page instead (people's own path), the identified person the record was merged into."""
    if stay.subject_id is not None:
        return stay.subject
    record = UnidentifiedRecord.objects.filter(person_id=stay.person_id, merged_into__isnull=False).first()
    return record.merged_into if record is not None else None


def exit_kinds_open(*, stay: Stay) -> tuple[list[str], str]:
    """The ways out a stay may take now, and why the others are held back: the stay page offers exactly
    these and `stay_exit` refuses the rest. While people's merge awaits its check, the person is not yet
    who the tracing says, so only walking out (a fact recorded, not a hand-over decided) is open."""
    pending = UnidentifiedRecord.objects.filter(
        person_id=stay.person_id, merge_target__isnull=False, merged_into__isnull=True
    ).exists()
    if pending:
        return [ExitKind.LEFT.value], MERGE_PENDING
    if _subject(stay) is None:
        return [k for k in ExitKind.values if k not in RETURN_KINDS], UNCONFIRMED
    return list(ExitKind.values), ""


def activity_after(*, person: Any, after: dt.date) -> list[str]:
    """The line's later-activity hook: what the station and the 244 ledger recorded of `person` after
    `after` — a patrol or anyone finding them, an intake, an exit, a ledger visit (a read; two queries)."""
    found: list[tuple[dt.date, str]] = []
    stays = (
        Stay.objects.filter(Q(person=person) | Q(subject=person))
        .filter(Q(found_at__date__gt=after) | Q(intake_on__gt=after) | Q(exit_on__gt=after))
        .select_related("station")
        .order_by("intake_on", "id")[:3]
    )
    for s in stays:
        met = timezone.localtime(s.found_at).date()
        if met > after and met != s.intake_on:
            how = "街面巡查发现" if s.found_by == "patrol" else "被发现流浪"
            found.append((met, f"{met:%Y年%m月%d日}{how}"))
        if s.intake_on > after:
            found.append((s.intake_on, f"{s.intake_on:%Y年%m月%d日}入{s.station.name}"))
        if s.exit_on and s.exit_on > after:
            found.append((s.exit_on, f"{s.exit_on:%Y年%m月%d日}离开{s.station.name}"))
    visits = LedgerVisit.objects.filter(entry__person=person, visited_on__gt=after).order_by("visited_on")[:3]
    found.extend((v.visited_on, f"{v.visited_on:%Y年%m月%d日}244台账走访") for v in visits)
    return [text for _, text in sorted(found, key=lambda f: f[0])[:3]]
