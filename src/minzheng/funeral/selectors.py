"""Reads of the funeral line, region-scoped under `funeral.handle` (out of scope reads as missing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.permissions import can, scoped
from minzheng.casework.selectors import case_actions, case_history
from minzheng.core.todos import Item, Todo
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.programmes.services import death_effects_recorded
from minzheng.regions.models import Region

from .models import (
    OPEN_STATES,
    BenefitStop,
    Burial,
    Facility,
    FacilityKind,
    FacilityLevel,
    FuneralCase,
    Plot,
    StopAction,
)
from .workflow import FUNERAL, PERMISSION, STEPS


def readable_cases(actor: Any) -> QuerySet[FuneralCase]:
    return scoped(PERMISSION, FuneralCase.objects.all(), actor)


def case_get(*, actor: Any, pk: int) -> FuneralCase | None:
    return readable_cases(actor).select_related("person", "funeral_home").filter(pk=pk).first()


def case_list(*, actor: Any, q: str = "", state: str = "") -> QuerySet[FuneralCase]:
    qs = readable_cases(actor).select_related("person")
    if q:
        qs = qs.filter(Q(person__name__contains=q) | Q(certificate_number=q))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-id")


@dataclass(frozen=True)
class StepStatus:
    code: str
    label: str
    status: str  # 已办结 / 办理中 / 未开始
    done: bool
    current: bool
    bring: str
    detail: str


def _detail(case: FuneralCase, code: str) -> str:
    if code == "certificate":
        return f"死亡证明编号{case.certificate_number}，{case.death_date:%Y年%m月%d日}于{case.death_place}"
    if code == "cremation" and case.cremated_on and case.funeral_home:
        return f"{case.funeral_home.name}，{case.cremated_on:%Y年%m月%d日}"
    if code == "hukou" and case.hukou_notice_on:
        return f"{case.hukou_notice_on:%Y年%m月%d日}出具告知单"
    if code == "subsidy" and case.urn_price is not None:
        if case.urn_free:
            return f"骨灰盒{case.urn_price}元免费提供，免除基本殡葬服务费"
        return f"骨灰盒{case.urn_price}元，不属于免费对象"
    if code == "stop" and case.stopped_on:
        return f"{case.stopped_on:%Y年%m月%d日}停发"
    if (
        code == "stop"
        and case.state == "subsidised"
        and case.stops.filter(action=StopAction.REDECIDE).exists()
    ):
        return "家庭仍有在世成员，已发起家庭待遇复核，复核决定后办结本环节"
    if code == "notices" and case.notices_on:
        return f"{case.notices_on:%Y年%m月%d日}出具"
    return ""


def case_steps(case: FuneralCase) -> list[StepStatus]:
    """Each step with its own status, read from the case's state (the order of the workflow)."""
    order = [s for s, _ in FUNERAL.states]
    at = order.index(case.state)
    out = []
    for code, label, frm, to, bring in STEPS:
        done = order.index(to) <= at
        current = case.state == frm
        out.append(
            StepStatus(
                code=code,
                label=label,
                status="已办结" if done else ("办理中" if current else "未开始"),
                done=done,
                current=current,
                bring=bring,
                detail=_detail(case, code) if done or current else "",
            )
        )
    return out


def case_stops(case: FuneralCase) -> list[BenefitStop]:
    """The case's stops, each household re-decision with the assistance review's outcome read once for
    every page (the clerk's case page, the family's receipt and 指尖办 read the same state): `review_state`
    is the outcome's label (继续保障, 调整金额 …), "" while undecided; `family_amount` is the monthly amount
    the decided review leaves (the adjusted or unchanged amount), None while undecided or when it ends.
    The templates say it plainly (将重新核定 / 已重新核定为每月N元); the clerk's note written when the stop
    was made (the rule's estimate) is shown only while the review is undecided."""
    from minzheng.assistance.models import ReviewOutcome
    from minzheng.assistance.selectors import reviews_amount

    stops = list(case.stops.order_by("programme", "pk"))
    decided = reviews_amount(review_ids=[s.review_ref for s in stops if s.review_ref])
    labels = dict(ReviewOutcome.choices)
    for s in stops:
        outcome, amount = decided.get(s.review_ref or 0, ("", None))
        s.review_state = str(labels.get(outcome, "")) if outcome else ""  # type: ignore[attr-defined]
        s.family_amount = amount if outcome else None  # type: ignore[attr-defined]
    return stops


def stops_split(stops: list[BenefitStop]) -> tuple[list[BenefitStop], list[BenefitStop]]:
    """The stops as the family's receipt lists them (`case_stops` first): the benefits stopped (ended,
    voided, already ended) and, under their own heading, the household benefits re-decided (or still
    being re-decided) — a re-decided benefit goes on and is not "stopped"."""
    redecided = [s for s in stops if s.action == StopAction.REDECIDE]
    return [s for s in stops if s.action != StopAction.REDECIDE], redecided


def urn_price_range(*, region_code: str, on: dt.date) -> tuple[int, int]:
    """The policy's caps on the urn's price (丧葬补助), the lowest and highest allowed."""
    policy = policy_resolve(on=on, region_code=region_code, hukou_type="")
    try:
        return int(policy.get("funeral.urn_price_min")), int(policy.get("funeral.urn_price_max"))
    except PolicyMissing as e:
        raise ValidationError(f"缺少骨灰盒限价的政策参数：{e}") from None


def case_page(*, actor: Any, case: FuneralCase) -> dict[str, Any]:
    stops = case_stops(case)
    today = timezone.localdate()
    homes = list(funeral_homes_for(case.region_code))
    try:
        urn_range: tuple[int, int] | None = urn_price_range(region_code=case.region_code, on=case.death_date)
    except ValidationError:  # a missing figure is shown where the subsidy is decided
        urn_range = None
    return {
        "case": case,
        "state_label": FUNERAL.state_label(case.state),
        "steps": case_steps(case),
        "actions": case_actions(actor=actor, case=case, workflow=FUNERAL, on=today),
        "history": case_history(workflow=FUNERAL, case=case),
        "stops": stops,
        "pending_reviews": [s for s in stops if s.review_ref and not s.review_state],  # type: ignore[attr-defined]
        "services": death_effects_recorded(person=case.person),  # what the lines' death hooks stopped
        "overpayment": sum(s.overpayment for s in stops),
        "homes": homes,
        # No funeral home serves the county yet: the cremation step says so (and links to the register of
        # facilities for whoever may add one there) instead of a list with nothing to choose.
        "may_register_home": not homes and can(actor, PERMISSION, region_code=case.region_code[:6]),
        "urn_range": urn_range,
    }


def family_services(effects: list[Any]) -> list[Any]:
    """What the death stopped, as the family reads it: the line, the thing and its outcome — without the
    lines' internal notes that follow it (which carer's or visitor's list was updated …)."""
    from minzheng.programmes.registry import DeathEffect

    return [DeathEffect(e.line, e.what, e.text.split("，")[0]) for e in effects]


def authority(region_code: str) -> str:
    """The issuing authority as people read it: the county's civil-affairs bureau."""
    county = Region.objects.filter(code=region_code[:6]).first()
    return f"{county.name}民政局" if county else "民政局"


def letter_number(case: FuneralCase, kind: str) -> str:
    marks = {"receipt": "殡回", "hukou": "殡户", "medical": "殡医", "pension": "殡养"}
    year = (case.opened_at or timezone.now()).year
    return f"{authority(case.region_code).removesuffix('民政局')}民{marks[kind]}〔{year}〕{case.pk}号"


# ---------------------------------------------------------------- person panel
def funeral_panel(*, actor: Any, person: Any) -> dict[str, Any] | None:
    """The person's 身后一件事 and burial, or the way to open one; nothing for those without the line."""
    if not can(actor, PERMISSION, region_code=person.region_code):
        return None
    case = readable_cases(actor).filter(person=person).first()
    burial = (
        scoped(PERMISSION, Burial.objects.select_related("plot__cemetery"), actor)
        .filter(person=person)
        .first()
    )
    return {
        "person_id": person.pk,
        "funeral_case": case,
        "state_label": FUNERAL.state_label(case.state) if case else "",
        "burial": burial,
    }


# ---------------------------------------------------------------- to-dos (O(1) queries per card)
def _step_days(actor: Any, on: dt.date) -> int | None:
    region = getattr(getattr(actor, "region", None), "code", "") or ""
    try:
        return int(policy_resolve(on=on, region_code=region, hukou_type="").get("funeral.step_days"))
    except PolicyMissing:
        return None


def overdue_cases(*, actor: Any, on: dt.date) -> QuerySet[FuneralCase]:
    days = _step_days(actor, on)
    if days is None:
        return FuneralCase.objects.none()
    cutoff = on - dt.timedelta(days=days)
    return (
        readable_cases(actor).filter(state__in=OPEN_STATES, state_since__lt=cutoff).select_related("person")
    )


def open_todo(actor: Any, on: dt.date) -> Todo:
    qs = (
        readable_cases(actor)
        .filter(state__in=OPEN_STATES)
        .select_related("person")
        .order_by("state_since", "pk")
    )
    return Todo(
        key="funeral-open",
        title="身后一件事在办",
        count=qs.count(),
        url=reverse("funeral-cases") + "?open=1",
        items=[
            Item(
                label=c.person.name,
                url=reverse("funeral-case", args=[c.pk]),
                note=FUNERAL.state_label(c.state),
            )
            for c in qs[:5]
        ],
        empty="无在办事项",
    )


def overdue_todo(actor: Any, on: dt.date) -> Todo:
    qs = overdue_cases(actor=actor, on=on).order_by("state_since", "pk")
    return Todo(
        key="funeral-overdue",
        title="身后一件事环节超期",
        count=qs.count(),
        url=reverse("funeral-cases") + "?overdue=1",
        items=[
            Item(
                label=c.person.name,
                url=reverse("funeral-case", args=[c.pk]),
                note=f"{FUNERAL.state_label(c.state)}，自{c.state_since:%m月%d日}起未办理下一环节",
            )
            for c in qs[:5]
        ],
        empty="无超期环节",
    )


DECIDE = "assistance.decide"  # who decides a household's re-decision (复核): the county, not the desk


def _undecided(qs: QuerySet[BenefitStop]) -> QuerySet[BenefitStop]:
    """Household benefits a death left open for re-decision and not yet re-decided: the assistance
    review the stop opened is undecided (a stop without a review: until the enrolment changes)."""
    from minzheng.assistance.models import Review

    return qs.filter(action=StopAction.REDECIDE).filter(
        Q(review_ref__isnull=True, enrolment__last_month__isnull=True)
        | Q(review_ref__in=Review.objects.filter(outcome="").values("pk"))
    )


def redecide_stops(actor: Any) -> QuerySet[BenefitStop]:
    """The funeral desk's view: its cases whose household benefit still waits for re-decision."""
    return _undecided(scoped(PERMISSION, BenefitStop.objects.all(), actor))


def redecide_todo(actor: Any, on: dt.date) -> Todo:
    """For those who decide the re-decision (assistance.decide), in their region: the desk that handles
    the funeral cannot act on it, so it is not their to-do. Items lead to the reviews they decide."""
    qs = _undecided(scoped(DECIDE, BenefitStop.objects.all(), actor)).select_related("case__person")
    reviews = reverse("reviews")
    return Todo(
        key="funeral-redecide",
        title="家庭成员死亡待重新核定待遇",
        count=qs.count(),
        url=reviews,
        items=[
            Item(
                label=s.case.person.name,
                url=reviews,
                note=f"{s.get_programme_display()}：家庭仍有在世成员，请在定期核查中重新核定",
            )
            for s in qs.order_by("pk")[:5]
        ],
        empty="无待重新核定",
    )


# ---------------------------------------------------------------- facilities and the eco-burial rate
def _serving(region_code: str) -> Q:
    """Facilities that serve a place: those of its county (a township's dead go to the county's funeral
    home and cemeteries) and the city's own."""
    return Q(region_code__startswith=region_code[:6]) | Q(region_code=region_code[:4])


def funeral_homes_for(region_code: str) -> QuerySet[Facility]:
    return Facility.objects.filter(_serving(region_code), kind=FacilityKind.FUNERAL_HOME).order_by(
        "name", "pk"
    )


def funeral_home_for(*, case: FuneralCase, pk: int) -> Facility | None:
    return funeral_homes_for(case.region_code).filter(pk=pk).first()


def facility_list(*, actor: Any, kind: str = "", level: str = "") -> QuerySet[Facility]:
    qs = scoped(PERMISSION, Facility.objects.all(), actor).annotate(
        n_plots=Count("plots"), n_used=Count("plots", filter=Q(plots__status="used"))
    )
    if kind in FacilityKind.values:
        qs = qs.filter(kind=kind)
    if level in FacilityLevel.values:
        qs = qs.filter(level=level)
    return qs.order_by("region_code", "name", "pk")


def facility_get(*, actor: Any, pk: int) -> Facility | None:
    return scoped(PERMISSION, Facility.objects.all(), actor).filter(pk=pk).first()


def plot_list(*, facility: Facility, status: str = "") -> QuerySet[Plot]:
    qs = facility.plots.all()
    return qs.filter(status=status) if status else qs


def plot_get(*, person: Any, pk: int) -> Plot | None:
    return free_plots(person=person).filter(pk=pk).first()


def free_plots(*, person: Any) -> QuerySet[Plot]:
    """Free plots of the cemeteries serving the deceased's place."""
    return (
        Plot.objects.select_related("cemetery")
        .filter(_serving(person.region_code), status="free")
        .order_by("cemetery__name", "number")
    )


def burial_list(*, actor: Any) -> QuerySet[Burial]:
    return scoped(PERMISSION, Burial.objects.select_related("person", "plot__cemetery"), actor).order_by(
        "-buried_on", "-pk"
    )


@dataclass(frozen=True)
class EcoRate:
    county_code: str
    county: str
    year: int
    total: int
    eco: int
    rate: float
    target: float | None

    @property
    def met(self) -> bool:
        return self.target is not None and self.rate >= self.target


def eco_burial_rates(*, actor: Any, year: int | None = None) -> list[EcoRate]:
    """节地生态安葬率 by county and year: one grouped query over the burials in the actor's scope."""
    qs = scoped(PERMISSION, Burial.objects.all(), actor)
    if year is not None:
        qs = qs.filter(buried_on__year=year)
    rows = list(
        qs.annotate(county=Substr("region_code", 1, 6))
        .values("county", "buried_on__year")
        .annotate(total=Count("pk"), n_eco=Count("pk", filter=Q(eco=True)))
        .order_by("county", "buried_on__year")
    )
    names = dict(Region.objects.filter(code__in={r["county"] for r in rows}).values_list("code", "name"))
    out = []
    for r in rows:
        y = r["buried_on__year"]
        try:
            target: float | None = float(
                policy_resolve(on=dt.date(y, 12, 31), region_code=r["county"], hukou_type="").get(
                    "funeral.eco_burial_target"
                )
            )
        except PolicyMissing:
            target = None
        out.append(
            EcoRate(
                county_code=r["county"],
                county=names.get(r["county"], ""),
                year=y,
                total=r["total"],
                eco=r["n_eco"],
                rate=r["n_eco"] / r["total"] if r["total"] else 0.0,
                target=target,
            )
        )
    return out


def village_cemeteries(*, actor: Any) -> int:
    return (
        scoped(PERMISSION, Facility.objects.all(), actor)
        .filter(kind=FacilityKind.PUBLIC_CEMETERY, level=FacilityLevel.VILLAGE)
        .count()
    )


def overpayment_total(case: FuneralCase) -> int:
    return int(case.stops.aggregate(s=Sum("overpayment"))["s"] or 0)


# ---------------------------------------------------------------- 指尖办: the family follows the case
def family_cases(*, person_id: int, name: str) -> list[FuneralCase]:
    """The cases a signed-in resident may follow: those of a member of a household they head, and those
    they reported themselves (the family name on the form, and either a member of the deceased's
    household or the phone given on the form being theirs)."""
    from minzheng.core import crypto
    from minzheng.people.models import Membership, Person

    own = Membership.objects.filter(person_id=person_id, end_date__isnull=True)
    headed = own.filter(relation="head").values("household_id")
    of_headed = Membership.objects.filter(household_id__in=headed).values("person_id")
    of_own = Membership.objects.filter(household_id__in=own.values("household_id")).values("person_id")
    cases = list(
        FuneralCase.objects.filter(Q(person_id__in=of_headed) | Q(family_name=name), ~Q(person_id=person_id))
        .select_related("person", "funeral_home")
        .order_by("-pk")[:20]
    )
    household = set(of_own.values_list("person_id", flat=True))
    heads = set(of_headed.values_list("person_id", flat=True))
    phone_enc = Person.objects.filter(pk=person_id).values_list("phone_enc", flat=True).first() or ""
    phone = crypto.decrypt(phone_enc) if phone_enc else ""

    def may(c: FuneralCase) -> bool:
        if c.person_id in heads:
            return True
        if c.family_name != name:
            return False
        return c.person_id in household or bool(
            phone and c.family_phone_enc and crypto.decrypt(c.family_phone_enc) == phone
        )

    return [c for c in cases if may(c)]


def family_steps(case: FuneralCase) -> list[StepStatus]:
    """The steps as the family reads them: status and what to bring, without the clerk's details."""
    return [StepStatus(s.code, s.label, s.status, s.done, s.current, s.bring, "") for s in case_steps(case)]
