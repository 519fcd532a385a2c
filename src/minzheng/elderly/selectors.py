"""Reads of the elderly line (region-scoped): the elder registry, assessments, subsidy applications, care
costs, the person-page panel and the 首页 to-dos; the high-age roster."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.permissions import can, scoped
from minzheng.assistance.rules import Policy, age_in_month
from minzheng.benefits.models import Enrolment
from minzheng.benefits.selectors import active_enrolments, enrolments_for_person
from minzheng.core import crypto
from minzheng.core.idnumber import normalize
from minzheng.core.todos import Item, Todo
from minzheng.people.models import Person
from minzheng.policy.selectors import PolicyMissing, policy_resolve

from . import capability
from .models import (
    CapabilityAssessment,
    CapabilityLevel,
    CareShareRecord,
    CentralCareCost,
    ElderProfile,
    LivingSituation,
    SubsidyApplication,
    SubsidyStatus,
)
from .rules import CODE, high_age_tier
from .subsidy import CODE as SUBSIDY
from .subsidy import subsidy_facts


def high_age_roster(*, actor: Any, month: dt.date) -> QuerySet[Enrolment]:
    """Who is paid the allowance in `month` in the actor's region, by place then start."""
    return active_enrolments(actor=actor, month=month, programme=CODE).order_by(
        "region_code", "first_month", "pk"
    )


def high_age_panel(*, actor: Any, person: Person, on: dt.date | None = None) -> dict[str, Any] | None:
    """The person's allowance: age this month, the tier that age earns under the policy in force, and
    the enrolments (current first); None (no panel) for someone neither enrolled nor of age."""
    on = on or timezone.localdate()
    enrolments = [e for e in enrolments_for_person(actor=actor, person=person) if e.programme == CODE]
    age = age_in_month(person.birth_date, on)
    try:
        ps = policy_resolve(on=on, region_code=person.region_code, hukou_type=person.hukou_type)
        tier, amount = high_age_tier(age, Policy(ps, ps.version))
    except PolicyMissing:
        tier, amount = "", None
    if not enrolments and not tier:
        return None
    return {"age": age, "tier": tier, "amount": amount, "enrolments": enrolments}


# ------------------------------------------------------------------ 老年人数据库 (elder registry)

AGE_BANDS = {
    "60": (60, 69, "60–69岁"),
    "70": (70, 79, "70–79岁"),
    "80": (80, 89, "80–89岁"),
    "90": (90, None, "90岁以上"),
}
ELDER_AGE = 60


def _born_between(on: dt.date, lo: int, hi: int | None) -> dict[str, dt.date]:
    """Birth dates of people aged lo..hi (whole years) on `on`."""

    def years_before(n: int) -> dt.date:
        try:
            return on.replace(year=on.year - n)
        except ValueError:
            return on.replace(year=on.year - n, day=28)

    bounds = {"birth_date__lte": years_before(lo)}
    if hi is not None:
        bounds["birth_date__gt"] = years_before(hi + 1)
    return bounds


def elder_registry(
    *,
    actor: Any,
    on: dt.date | None = None,
    region_code: str = "",
    age_band: str = "",
    living_situation: str = "",
    capability_level: str = "",
    overdue: bool = False,
    candidates: bool = False,
) -> QuerySet[Person]:
    """Every living resident aged 60+ in the actor's scope with their profile and whether they hold the
    high-age allowance or the elderly subsidy this month: one SQL statement (joins and EXISTS), filtered
    by place, age band, situation, level and an assessment older than a year (or none for the disabled)."""
    on = on or timezone.localdate()
    month = on.replace(day=1)
    qs = scoped("elderly.registry_read", Person.objects.filter(is_alive=True), actor).filter(
        **_born_between(on, ELDER_AGE, None)
    )
    if region_code.isdigit():
        qs = qs.filter(region_code__startswith=region_code)
    if age_band in AGE_BANDS:
        lo, hi, _ = AGE_BANDS[age_band]
        qs = qs.filter(**_born_between(on, lo, hi))
    if living_situation in LivingSituation.values:
        qs = qs.filter(elder_profile__living_situation=living_situation)
    elif living_situation == "unknown":
        qs = qs.filter(Q(elder_profile__isnull=True) | Q(elder_profile__living_situation=""))
    if capability_level.isdigit() and int(capability_level) in CapabilityLevel.values:
        qs = qs.filter(elder_profile__capability_level=int(capability_level))
    if overdue:
        qs = qs.filter(elder_profile__capability_assessed_on__lt=_year_before(on))
    active = Enrolment.objects.filter(person=OuterRef("pk"), first_month__lte=month).filter(
        Q(last_month__isnull=True) | Q(last_month__gte=month)
    )
    if candidates:
        qs = qs.filter(_subsidy_candidates(actor, qs, on)).exclude(Exists(active.filter(programme=SUBSIDY)))
    return (
        qs.select_related("elder_profile", "residence_region")
        .annotate(
            has_high_age=Exists(active.filter(programme=CODE)),
            has_subsidy=Exists(active.filter(programme=SUBSIDY)),
        )
        .order_by("region_code", "birth_date", "pk")
    )


def _subsidy_candidates(actor: Any, qs: QuerySet[Person], on: dt.date) -> Q:
    """Who the subsidy rule (subsidy.subsidy_facts, the one definition) finds eligible, with the policy of
    the actor's region for each hukou type: set-based, as subqueries."""
    region = getattr(getattr(actor, "region", None), "code", "") or "37"
    found = Q(pk__in=[])
    for hukou in ("urban", "rural"):
        ps = policy_resolve(on=on, region_code=region, hukou_type=hukou)
        eligible = subsidy_facts(qs.filter(hukou_type=hukou), Policy(ps, ps.version), on).filter(
            sub_eligible=True
        )
        found |= Q(pk__in=eligible.values("pk"))
    return found


def _year_before(on: dt.date) -> dt.date:
    try:
        return on.replace(year=on.year - 1)
    except ValueError:
        return on.replace(year=on.year - 1, day=28)


def assessment_overdue(profile: ElderProfile | None, on: dt.date) -> bool:
    """An assessment older than a year is due again (GB/T 42195-2022: yearly)."""
    return bool(
        profile
        and profile.died_on is None  # a closed file falls due for nothing
        and profile.capability_assessed_on
        and profile.capability_assessed_on < _year_before(on)
    )


def elder_for_actor(*, actor: Any, person_id: int, permission: str = "elderly.registry_read") -> Person:
    """One elder inside the actor's scope; out of scope or not an elder reads as missing (404)."""
    qs = scoped(permission, Person.objects.filter(is_alive=True), actor).select_related("elder_profile")
    person = qs.filter(pk=person_id).first()
    if person is None or age_in_month(person.birth_date, timezone.localdate()) < ELDER_AGE:
        raise Http404
    return person


def elder_by_id_number(*, actor: Any, id_number: str, permission: str = "elderly.registry_read") -> Person:
    """An elder typed in by 身份证号 (the desk never asks for an internal number): looked up through the
    blind index, inside the actor's scope; anything else is a Chinese message, not a 404 page."""
    value = normalize(id_number or "")
    qs = scoped(permission, Person.objects.filter(is_alive=True), actor).select_related("elder_profile")
    person = qs.filter(id_hash=crypto.blind_index(value)).first() if len(value) == 18 else None
    if person is None or age_in_month(person.birth_date, timezone.localdate()) < ELDER_AGE:
        raise ValidationError("未找到该身份证号的老年人（须年满60周岁、在本辖区内）")
    return person


def assessments_for(*, actor: Any, person: Person) -> QuerySet[CapabilityAssessment]:
    return scoped(
        "elderly.registry_read", CapabilityAssessment.objects.filter(person=person), actor
    ).select_related("assessor", "second_assessor")


def assessment_for_actor(*, actor: Any, pk: int) -> CapabilityAssessment:
    found = (
        scoped("elderly.assess", CapabilityAssessment.objects.select_related("person"), actor)
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def item_rows(a: CapabilityAssessment) -> list[dict[str, Any]]:
    """The four parts with Chinese item names and scores, for the detail page."""
    return [
        {
            "name": capability.PART_NAMES[part],
            "score": a.scores.get(part),
            "items": [{"name": name, "score": a.items.get(code), "max": hi} for code, name, hi in rows],
        }
        for part, rows in capability.PARTS.items()
    ]


def elder_actions(*, actor: Any, person: Person) -> dict[str, bool]:
    """What the elder's page offers this actor (not template conditions)."""
    return {
        "situation": can(actor, "elderly.visit_record", region_code=person.region_code),
        "assess": can(actor, "elderly.assess", region_code=person.region_code),
        "apply": can(actor, "elderly.assess", region_code=person.region_code)
        and not SubsidyApplication.objects.filter(person=person, status=SubsidyStatus.APPLIED).exists(),
        "care": can(actor, "elderly.facility_manage", region_code=person.region_code),
    }


def subsidy_applications(*, actor: Any, status: str = "") -> QuerySet[SubsidyApplication]:
    qs = scoped("elderly.registry_read", SubsidyApplication.objects.all(), actor)
    if status in SubsidyStatus.values:
        qs = qs.filter(status=status)
    return qs.select_related("person", "applied_by", "decided_by")


def subsidy_application_for_actor(*, actor: Any, pk: int) -> SubsidyApplication:
    found = subsidy_applications(actor=actor).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def subsidy_actions(*, actor: Any, application: SubsidyApplication) -> dict[str, bool]:
    return {
        "decide": application.status == SubsidyStatus.APPLIED
        and application.applied_by_id != actor.pk
        and can(actor, "elderly.subsidy_decide", region_code=application.region_code)
    }


def care_costs(*, actor: Any) -> dict[str, Any]:
    """峡山 institutional care shares and 任城 centralised care costs in the actor's scope."""
    shares = scoped("elderly.registry_read", CareShareRecord.objects.select_related("person"), actor)
    central = scoped("elderly.registry_read", CentralCareCost.objects.select_related("person"), actor)
    return {
        "shares": shares[:200],
        "central": central[:200],
        "central_totals": central.aggregate(
            cost=Sum("annual_cost"), dibao=Sum("dibao_paid"), charity=Sum("charity_paid"), n=Count("pk")
        ),
    }


def central_care_claims(*, actor: Any, year: int, permission: str) -> list[tuple[int, Decimal]]:
    """The charity top-up of 任城 centralised care per elder for `year` (the fund's claim, registered in
    `benefits.funding`), in the actor's scope under the fund's permission."""
    qs = scoped(permission, CentralCareCost.objects.filter(year=year, charity_paid__gt=0), actor)
    return [
        (pk, Decimal(paid)) for pk, paid in qs.order_by("person_id").values_list("person_id", "charity_paid")
    ]


def elderly_panel(*, actor: Any, person: Person, on: dt.date | None = None) -> dict[str, Any] | None:
    """The person page's 老年人 panel: age, situation, level with date and overdue flag, subsidies (the
    high-age allowance's tier folded in). None for someone under 60 not enrolled in anything here."""
    on = on or timezone.localdate()
    high_age = high_age_panel(actor=actor, person=person, on=on)
    age = age_in_month(person.birth_date, on)
    if age < ELDER_AGE and high_age is None:
        return None
    profile = ElderProfile.objects.filter(person=person).first()
    subsidies = [
        e for e in enrolments_for_person(actor=actor, person=person) if e.programme in (CODE, SUBSIDY)
    ]
    return {
        "age": age,
        "profile": profile,
        "overdue": assessment_overdue(profile, on),
        "high_age": high_age,
        "subsidies": subsidies,
        "can_read": can(actor, "elderly.registry_read", region_code=person.region_code),
    }


def overdue_todo(actor: Any, on: dt.date) -> Todo:
    """首页: elders whose capability assessment is more than a year old (set-based count)."""
    qs = elder_registry(actor=actor, on=on, overdue=True)
    return Todo(
        key="elderly_assessment_overdue",
        title="能力评估逾期（超过一年）",
        count=qs.count(),
        url=reverse("elderly-registry") + "?overdue=1",
        items=[Item(label=p.name, url=reverse("elderly-detail", args=[p.pk])) for p in qs[:5]],
        empty="没有逾期的能力评估",
    )


def subsidy_todo(actor: Any, on: dt.date) -> Todo:
    """首页 of the elderly officer: subsidy applications waiting for a decision."""
    qs = subsidy_applications(actor=actor, status=SubsidyStatus.APPLIED)
    return Todo(
        key="elderly_subsidy_pending",
        title="老年人补贴待审批",
        count=qs.count(),
        url=reverse("elderly-subsidies") + "?status=applied",
        items=[Item(label=a.person.name, url=reverse("elderly-subsidy", args=[a.pk])) for a in qs[:5]],
        empty="没有待审批的老年人补贴申请",
    )


def second_assessors(*, actor: Any, person: Person) -> QuerySet[Any]:
    """Colleagues who may co-sign this elder's assessment: active holders of elderly.assess whose post
    covers the elder's place (the township's clerks, the county's elderly officer) or lies in the elder's
    county (a clerk of a neighbouring township: the county officer assessing an elder of a township
    without a second clerk still finds a colleague). Those covering the place come first."""
    from django.db.models import Case, IntegerField, Value, When

    from minzheng.accounts.models import User
    from minzheng.accounts.permissions import roles_for

    code = person.region_code
    prefixes = [code[:n] for n in (2, 4, 6, 9, 12) if len(code) >= n]
    covering = Q(region__code__in=prefixes)
    return (
        User.objects.filter(is_active=True, role__in=roles_for("elderly.assess"))
        .filter(covering | Q(region__code__startswith=code[:6]))
        .exclude(pk=actor.pk)
        .annotate(covers=Case(When(covering, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("covers", "display_name", "username")
    )


def subsidy_why(*, application: SubsidyApplication) -> dict[str, Any]:
    """The decision's facts and the policy figures it used, for people: Chinese labels, formatted values
    (元, 岁, 级) and, for each figure, the regulation its policy row cites (one query)."""
    from minzheng.core import labels
    from minzheng.policy.models import ParameterStatus, PolicyParameter

    app = application
    on = timezone.localtime(app.decided_at).date() if app.decided_at else app.applied_on
    level = app.capability_level
    facts = [
        ("困难身份", app.get_identity_display() if app.identity else "—"),
        ("年龄", "—" if app.age is None else f"{app.age}岁"),
        ("能力等级", "未评估" if level is None else f"{capability.LEVEL_NAMES[level]}（{level}级）"),
        ("月补贴金额", labels.amount(app.amount)),
    ]
    keys = list(app.inputs or {})
    rows = (
        PolicyParameter.objects.filter(key__in=keys, status=ParameterStatus.APPROVED, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .values_list("key", "label", "unit", "source", "region_prefix", "effective_from")
    )
    best: dict[str, tuple[Any, ...]] = {}
    for key, label, unit, source, prefix, start in rows:
        if not app.region_code.startswith(prefix):
            continue
        rank = (len(prefix), start)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, label, unit, source)
    figures = []
    for key in keys:
        _rank, label, unit, source = best.get(key, (None, "政策参数", "", ""))
        figures.append({"label": label, "value": labels.amount(app.inputs[key], unit), "source": source})
    return {"facts": facts, "figures": figures, "version": app.rule_version}


def trial_result_rows(result: dict[str, Any]) -> dict[str, Any]:
    """A trial's answer for people: the verdict, the figures with their units, the reasons."""
    from minzheng.core import labels

    extra = result.get("extra") or {}
    rows: list[tuple[str, str]] = []
    if "total" in result or "total" in extra:
        r = {**extra, **result}
        rows.append(("总分", f"{r.get('total')}分"))
        names = capability.PART_NAMES
        for part, score in (r.get("scores") or {}).items():
            rows.append((names.get(part, "分项"), f"{score}分"))
        if r.get("preliminary_level") is not None:
            rows.append(("初步等级", f"{capability.LEVEL_NAMES.get(r['preliminary_level'], '')}"))
        if r.get("level") is not None:
            rows.append(("最终等级", f"{capability.LEVEL_NAMES.get(r['level'], '')}（{r['level']}级）"))
    else:
        r = {**result, **extra}
        if "government_share" in r:
            rows.append(("政府承担（每月）", labels.amount(r["government_share"])))
            rows.append(("个人承担（每月）", labels.amount(r["self_share"])))
        if "free_hours" in r:
            rows.append(("免费居家照护时数（每月）", f"{labels.number(r['free_hours'])}小时"))
    reasons = [x.get("detail", "") for x in result.get("reasons") or []]
    return {
        "eligible": bool(result.get("eligible")),
        "rows": rows,
        "reasons": reasons,
        "version": result.get("rule_version", ""),
    }
