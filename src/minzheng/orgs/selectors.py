"""Reads of the line, each through the actor's permission and region (`scoped`): out of scope reads as
missing. A filer reads only its own organisation, through `services.filer_org`. The population figures
(report rate, non-filers, zombie organisations, plan targets) are set-based queries, never a loop over
organisations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.permissions import can, roles_for, scoped
from minzheng.casework.selectors import case_actions, case_history
from minzheng.core.todos import Item, Todo
from minzheng.policy.selectors import policy_resolve
from minzheng.regions.models import Region, RegionLevel

from . import rules
from .models import (
    AnnualReport,
    Campaign,
    CampaignResult,
    CaseKind,
    Evaluation,
    IllegalCase,
    Inspection,
    InspectionDraw,
    InspectionState,
    Kind,
    Organisation,
    OrgCase,
    PartyOrg,
    ReportState,
    ResultState,
    Status,
)
from .workflow import flow

READ = "org.registry_manage"
FILED = (ReportState.SUBMITTED, ReportState.APPROVED)


def organisations(actor: Any) -> QuerySet[Organisation]:
    return scoped(READ, Organisation.objects.all(), actor)


def org_list(
    *, actor: Any, q: str = "", kind: str = "", status: str = "", county: str = "", party: str = ""
) -> QuerySet[Organisation]:
    qs = organisations(actor)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(credit_code=q.upper()))
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if status in Status.values:
        qs = qs.filter(status=status)
    if county.isdigit():
        qs = qs.filter(region_code__startswith=county)
    if party:
        qs = qs.exclude(party_org="none") if party == "yes" else qs.filter(party_org="none")
    return qs.order_by("name", "id")


def org_get(*, actor: Any, pk: int) -> Organisation | None:
    return organisations(actor).filter(pk=pk).first()


def region_names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def counties(actor: Any) -> list[tuple[str, str]]:
    from minzheng.accounts.scoping import actor_prefix

    prefix = actor_prefix(actor)
    if prefix is None:
        return []
    qs = Region.objects.filter(level=RegionLevel.COUNTY)
    qs = qs.filter(code__startswith=prefix) if len(prefix) <= 6 else qs.filter(code=prefix[:6])
    return list(qs.order_by("code").values_list("code", "name"))


def org_actions(actor: Any, org: Organisation) -> list[str]:
    """What the organisation's page offers this actor (the template shows exactly these)."""
    out: list[str] = []
    manage = can(actor, READ, region_code=org.region_code)
    if org.status == Status.ACTIVE:
        if manage and not org.cases.filter(state="applied").exists():
            out += ["change", "cancel"]
        if can(actor, "org.inspect", region_code=org.region_code):
            out.append("evaluate")
        if manage:
            out += ["penalty", "bind"]
    if org.status == Status.ACTIVE and org.credit_code:
        out.append("certificate")
    return out


def org_page(*, actor: Any, org: Organisation) -> dict[str, Any]:
    return {
        "org": org,
        "region_name": region_names({org.region_code}).get(org.region_code, ""),
        "actions": org_actions(actor, org),
        "cases": org.cases.order_by("-id"),
        "reports": org.reports.order_by("-year"),
        "evaluations": org.evaluations.order_by("-evaluated_on", "-id"),
        "inspections": org.inspections.select_related("draw").order_by("-id"),
        "penalties": org.penalties.order_by("-decided_on", "-id"),
        "filers": org.filers.select_related("user"),
    }


def filer_candidates(org: Organisation) -> QuerySet[User]:
    """Filer logins of the organisation's county that may be bound to it."""
    return User.objects.filter(
        role__in=roles_for("org.filing_submit"), is_active=True, region__code=org.region_code[:6]
    ).order_by("display_name", "pk")


def authority(org: Organisation) -> str:
    """The registering authority as people read it."""
    code = org.region_code[:4] if org.authority_level == "city" else org.region_code[:6]
    region = Region.objects.filter(code=code).first()
    return f"{region.name}民政局" if region else "民政局"


# ---------------------------------------------------------------- registration cases
def case_get(*, actor: Any, pk: int) -> OrgCase | None:
    return scoped(READ, OrgCase.objects.select_related("org"), actor).filter(pk=pk).first()


def case_list(*, actor: Any, state: str = "") -> QuerySet[OrgCase]:
    qs = scoped(READ, OrgCase.objects.select_related("org"), actor)
    return qs.filter(state=state) if state else qs.order_by("-id")


def case_page(*, actor: Any, case: OrgCase) -> dict[str, Any]:
    wf = flow(case)
    have = set(case.documents)
    return {
        "case": case,
        "flow": wf,
        "state_label": wf.state_label(case.state),
        "actions": case_actions(actor=actor, case=case, workflow=wf),
        "history": case_history(workflow=wf, case=case),
        "checklist": [(code, label, code in have) for code, label in rules.CHECKLISTS[CaseKind(case.kind)]],
        "changes": [
            (rules.CHANGEABLE.get(k, ""), PartyOrg(v).label if k == "party_org" else v)
            for k, v in case.changes.items()
        ],
    }


# ---------------------------------------------------------------- annual reports
def reports(actor: Any) -> QuerySet[AnnualReport]:
    return scoped("org.filing_review", AnnualReport.objects.select_related("org"), actor)


def report_get(*, actor: Any, pk: int) -> AnnualReport | None:
    """The officer reads reports of its region; a filer reads only its own organisation's."""
    from .services import filer_org

    own = filer_org(actor)
    if own is not None:
        return AnnualReport.objects.select_related("org").filter(pk=pk, org=own).first()
    return reports(actor).filter(pk=pk).first()


def report_actions(actor: Any, report: AnnualReport) -> list[str]:
    from .services import filer_org

    own = filer_org(actor)
    if (
        own is not None
        and own.pk == report.org_id
        and report.state in (ReportState.DRAFT, ReportState.RETURNED)
    ):
        return ["edit", "submit"]
    if report.state == ReportState.SUBMITTED and can(
        actor, "org.filing_review", region_code=report.region_code
    ):
        return ["approve", "return"]
    return []


def to_review(actor: Any) -> QuerySet[AnnualReport]:
    return reports(actor).filter(state=ReportState.SUBMITTED).order_by("submitted_at", "id")


def _required(year: int) -> Q:
    """Organisations that owe a report for `year`: registered by its end and not ended before its end."""
    end = dt.date(year, 12, 31)
    return Q(registered_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end))


def _filed(year: int) -> Exists:
    return Exists(AnnualReport.objects.filter(org=OuterRef("pk"), year=year, state__in=FILED))


def report_rate(*, actor: Any, year: int) -> list[dict[str, Any]]:
    """Per county: organisations owing a report for `year`, how many filed (submitted or approved) and the
    rate in percent; one grouped query."""
    rows = (
        scoped("org.filing_review", Organisation.objects.all(), actor)
        .filter(_required(year))
        .annotate(filed=_filed(year), county=Substr("region_code", 1, 6))
        .values("county")
        .annotate(due=Count("pk"), done=Count("pk", filter=Q(filed=True)))
        .order_by("county")
    )
    names = region_names({r["county"] for r in rows})
    out = []
    for r in rows:
        rate = (Decimal(r["done"]) * 100 / r["due"]).quantize(Decimal("0.01")) if r["due"] else Decimal(0)
        out.append(
            {
                "county": r["county"],
                "name": names.get(r["county"], ""),
                "due": r["due"],
                "done": r["done"],
                "rate": rate,
            }
        )
    return out


def non_filers(*, actor: Any, year: int) -> QuerySet[Organisation]:
    return (
        scoped("org.filing_review", Organisation.objects.all(), actor)
        .filter(_required(year))
        .annotate(filed=_filed(year))
        .filter(filed=False)
        .order_by("region_code", "name")
    )


def filer_years(org: Organisation, on: dt.date) -> list[int]:
    """The years (newest first, at most five back) an organisation owes a report for: registered by the
    year's end and not ended before it, as `_required` says for the population."""
    start = org.registered_on.year if org.registered_on else on.year
    return [
        y
        for y in range(on.year - 1, max(start, on.year - 5) - 1, -1)
        if org.ended_on is None or org.ended_on > dt.date(y, 12, 31)
    ]


def filer_reports(*, org: Organisation) -> dict[str, Any]:
    """A filer's page: its reports and the years it may still file."""
    have = {r.year: r for r in org.reports.order_by("-year")}
    return {"org": org, "rows": [(y, have.get(y)) for y in filer_years(org, timezone.localdate())]}


# ---------------------------------------------------------------- inspections
def draws(actor: Any) -> QuerySet[InspectionDraw]:
    return (
        scoped("org.inspect", InspectionDraw.objects.all(), actor).annotate(n=Count("items")).order_by("-id")
    )


def draw_get(*, actor: Any, pk: int) -> InspectionDraw | None:
    return scoped("org.inspect", InspectionDraw.objects.all(), actor).filter(pk=pk).first()


def inspection_get(*, actor: Any, pk: int) -> Inspection | None:
    return (
        scoped("org.inspect", Inspection.objects.select_related("org", "draw"), actor).filter(pk=pk).first()
    )


def rectifications_overdue(*, actor: Any, on: dt.date) -> QuerySet[Inspection]:
    return (
        scoped("org.inspect", Inspection.objects.select_related("org"), actor)
        .filter(state=InspectionState.RECTIFYING, rectify_by__lt=on)
        .order_by("rectify_by", "id")
    )


def inspection_actions(item: Inspection) -> list[str]:
    if item.state == InspectionState.DRAWN:
        return ["record"]
    if item.state == InspectionState.RECTIFYING:
        return ["rectified"]
    return []


def evaluations(actor: Any) -> QuerySet[Evaluation]:
    return scoped("org.inspect", Evaluation.objects.select_related("org"), actor)


# ---------------------------------------------------------------- zombie organisations
def zombies(*, actor: Any, on: dt.date) -> QuerySet[Organisation]:
    """“僵尸型”社会组织: active organisations that filed no report in the last `orgs.zombie.report_years`
    full years, or have had no activity for `orgs.zombie.idle_years`, or cannot be reached. The data
    contract of the monthly engine carries no organisations, so this is the line's own set-based selector
    (a list page and a 首页 card), not a screening rule. Each row is annotated with its reasons."""
    p = policy_resolve(on=on, region_code="", hukou_type="")
    n_report, n_idle = int(p.get("orgs.zombie.report_years")), int(p.get("orgs.zombie.idle_years"))
    first = on.year - n_report
    idle_since = dt.date(on.year - n_idle, on.month, min(on.day, 28))
    no_report = Q(registered_on__lte=dt.date(first, 1, 1)) & ~Exists(
        AnnualReport.objects.filter(org=OuterRef("pk"), year__gte=first, year__lt=on.year, state__in=FILED)
    )
    idle = Q(last_activity_on__lt=idle_since) | Q(last_activity_on__isnull=True, registered_on__lt=idle_since)
    return (
        organisations(actor)
        .filter(status=Status.ACTIVE)
        .annotate(
            r_report=ExpressionWrapper(no_report, output_field=BooleanField()),
            r_idle=ExpressionWrapper(idle, output_field=BooleanField()),
        )
        .filter(no_report | idle | Q(unreachable=True))
        .order_by("region_code", "name")
    )


def illegal_cases(*, actor: Any, state: str = "") -> QuerySet[IllegalCase]:
    qs = scoped(READ, IllegalCase.objects.all(), actor)
    return qs.filter(state=state) if state else qs


def illegal_get(*, actor: Any, pk: int) -> IllegalCase | None:
    return scoped(READ, IllegalCase.objects.all(), actor).filter(pk=pk).first()


# ---------------------------------------------------------------- plan targets (for the cockpit)
def registered_on_day(day: dt.date) -> Q:
    return Q(registered_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def target_count(*, actor: Any, on: dt.date) -> dict[str, Any]:
    """Registered organisations now and a year ago against `orgs.target.count` and `orgs.target.growth`;
    one aggregate query."""
    p = policy_resolve(on=on, region_code="", hukou_type="")
    qs = organisations(actor)
    year_ago = on - dt.timedelta(days=365)
    agg = qs.aggregate(
        now=Count("pk", filter=registered_on_day(on)),
        before=Count("pk", filter=registered_on_day(year_ago)),
    )
    growth = (
        (Decimal(agg["now"] - agg["before"]) / agg["before"]).quantize(Decimal("0.0001"))
        if agg["before"]
        else None
    )
    target, rate = p.get("orgs.target.count"), p.get("orgs.target.growth")
    return {
        "count": agg["now"],
        "year_ago": agg["before"],
        "growth": growth,
        "growth_pct": f"{growth * 100:.2f}" if growth is not None else "",
        "growth_target_pct": f"{p.get('orgs.target.growth') * 100:.2f}",
        "target": int(target),
        "growth_target": rate,
        "growth_met": growth is not None and growth >= rate,
    }


def community_orgs_by_county(*, actor: Any, on: dt.date) -> list[dict[str, Any]]:
    """Per county: communities (urban / rural), active community social organisations seated in them and
    the average per community against `orgs.target.community_urban` / `_rural`; two grouped queries."""
    from minzheng.accounts.scoping import scope

    p = policy_resolve(on=on, region_code="", hukou_type="")
    urban_min, rural_min = p.get("orgs.target.community_urban"), p.get("orgs.target.community_rural")
    communities = (
        scope(Region.objects.filter(level=RegionLevel.VILLAGE), actor, field="code")
        .annotate(county=Substr("code", 1, 6))
        .values("county")
        .annotate(urban=Count("pk", filter=Q(is_urban=True)), rural=Count("pk", filter=Q(is_urban=False)))
    )
    urban_codes = Region.objects.filter(
        level=RegionLevel.VILLAGE, is_urban=True, code=OuterRef("region_code")
    )
    orgs = (
        organisations(actor)
        .filter(registered_on_day(on), kind=Kind.COMMUNITY)
        .annotate(county=Substr("region_code", 1, 6), urban=Exists(urban_codes))
        .values("county")
        .annotate(urban_n=Count("pk", filter=Q(urban=True)), rural_n=Count("pk", filter=Q(urban=False)))
    )
    by_county = {r["county"]: r for r in orgs}
    names = region_names({c["county"] for c in communities})
    out = []
    for c in sorted(communities, key=lambda r: r["county"]):
        o = by_county.get(c["county"], {"urban_n": 0, "rural_n": 0})
        urban_avg = (Decimal(o["urban_n"]) / c["urban"]).quantize(Decimal("0.1")) if c["urban"] else None
        rural_avg = (Decimal(o["rural_n"]) / c["rural"]).quantize(Decimal("0.1")) if c["rural"] else None
        out.append(
            {
                "county": c["county"],
                "name": names.get(c["county"], ""),
                "urban": c["urban"],
                "urban_orgs": o["urban_n"],
                "urban_avg": urban_avg,
                "urban_met": urban_avg is None or urban_avg >= urban_min,
                "rural": c["rural"],
                "rural_orgs": o["rural_n"],
                "rural_avg": rural_avg,
                "rural_met": rural_avg is None or rural_avg >= rural_min,
            }
        )
    return out


def targets(*, actor: Any, on: dt.date) -> dict[str, Any]:
    p = policy_resolve(on=on, region_code="", hukou_type="")
    return {
        "count": target_count(actor=actor, on=on),
        "community": community_orgs_by_county(actor=actor, on=on),
        "urban_min": p.get("orgs.target.community_urban"),
        "rural_min": p.get("orgs.target.community_rural"),
    }


# ---------------------------------------------------------------- campaigns (减费让利 and other tasks)
RESULT_FILED = (ResultState.SUBMITTED, ResultState.APPROVED)


def _prefixes(code: str) -> list[str]:
    return [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]


def campaigns(actor: Any) -> QuerySet[Campaign]:
    """The campaigns of the actor's region, each with its results' totals (one query)."""
    approved = Q(results__state=ResultState.APPROVED)
    return (
        scoped(READ, Campaign.objects.all(), actor)
        .annotate(
            filed=Count("results", filter=Q(results__state__in=RESULT_FILED)),
            approved=Count("results", filter=approved),
            amount=Sum("results__amount", filter=approved),
            beneficiaries=Sum("results__beneficiaries", filter=approved),
        )
        .order_by("-starts_on", "-id")
    )


def campaign_get(*, actor: Any, pk: int) -> Campaign | None:
    return campaigns(actor).filter(pk=pk).first()


def campaign_targets(campaign: Campaign) -> QuerySet[Organisation]:
    """The organisations a campaign is set for: active, in its region, of its type (or any)."""
    qs = Organisation.objects.filter(status=Status.ACTIVE, region_code__startswith=campaign.region_code)
    return qs.filter(kind=campaign.target_kind) if campaign.target_kind else qs


def result_actions(actor: Any, result: CampaignResult) -> list[str]:
    if result.state == ResultState.SUBMITTED and can(
        actor, "org.filing_review", region_code=result.region_code
    ):
        return ["approve", "return"]
    return []


def campaign_results(*, actor: Any, campaign: Campaign) -> QuerySet[CampaignResult]:
    return scoped("org.filing_review", campaign.results.select_related("org"), actor).order_by(
        "state", "org__name", "pk"
    )


def campaign_result_get(*, actor: Any, pk: int) -> CampaignResult | None:
    return (
        scoped("org.filing_review", CampaignResult.objects.select_related("campaign", "org"), actor)
        .filter(pk=pk)
        .first()
    )


def campaign_page(*, actor: Any, campaign: Campaign) -> dict[str, Any]:
    """Totals set-based: targets and filers per county (one grouped query), the results' sums by state
    (one aggregate), the results with what the actor may do, the first non-filers."""
    filed = Exists(
        CampaignResult.objects.filter(campaign=campaign, org=OuterRef("pk"), state__in=RESULT_FILED)
    )
    targets = scoped(READ, campaign_targets(campaign), actor).annotate(filed=filed)
    rows = list(
        targets.annotate(county=Substr("region_code", 1, 6))
        .values("county")
        .annotate(due=Count("pk"), done=Count("pk", filter=Q(filed=True)))
        .order_by("county")
    )
    names = region_names({r["county"] for r in rows})
    for r in rows:
        r["name"] = names.get(r["county"], "")
        r["rate"] = (
            (Decimal(r["done"]) * 100 / r["due"]).quantize(Decimal("0.01")) if r["due"] else Decimal(0)
        )
    results = list(campaign_results(actor=actor, campaign=campaign)[:500])
    return {
        "campaign": campaign,
        "by_county": rows,
        "due": sum(r["due"] for r in rows),
        "done": sum(r["done"] for r in rows),
        "results": [(r, result_actions(actor, r)) for r in results],
        "non_filers": targets.filter(filed=False).order_by("region_code", "name")[:100],
        "region_name": region_names({campaign.region_code}).get(campaign.region_code, ""),
    }


def filer_campaigns(*, org: Organisation) -> QuerySet[Campaign]:
    """The campaigns set for the filer's organisation, each with its own result's state and id."""
    if org.status != Status.ACTIVE:
        return Campaign.objects.none()
    own = CampaignResult.objects.filter(campaign=OuterRef("pk"), org=org)
    return Campaign.objects.filter(
        region_code__in=_prefixes(org.region_code), target_kind__in=["", org.kind]
    ).annotate(result_state=Subquery(own.values("state")[:1]), result_id=Subquery(own.values("pk")[:1]))


def filer_campaign_rows(*, org: Organisation, on: dt.date) -> list[tuple[Campaign, str]]:
    """The filer's page: each campaign set for it (newest first) with its own state as people read it."""
    rows = []
    for c in filer_campaigns(org=org).order_by("-ends_on", "-pk")[:30]:
        if c.result_state:  # type: ignore[attr-defined]
            label = str(ResultState(c.result_state).label)  # type: ignore[attr-defined]
        else:
            label = "未报送（已截止）" if c.ends_on < on else "未报送"
        rows.append((c, label))
    return rows


def filer_campaigns_open(*, org: Organisation, on: dt.date) -> QuerySet[Campaign]:
    """Open campaigns the organisation has not yet filed for (nothing, or a returned result)."""
    return (
        filer_campaigns(org=org)
        .filter(starts_on__lte=on, ends_on__gte=on)
        .filter(Q(result_state__isnull=True) | Q(result_state=ResultState.RETURNED))
        .order_by("ends_on", "pk")
    )


def campaign_filer_get(*, org: Organisation, pk: int) -> Campaign | None:
    return filer_campaigns(org=org).filter(pk=pk).first()


# ---------------------------------------------------------------- 首页 to-dos (two queries per card)
def reports_todo(actor: Any, on: dt.date) -> Todo:
    qs = to_review(actor)
    return Todo(
        key="orgs-reports",
        title="社会组织年报待审核",
        count=qs.count(),
        url=reverse("orgs-reports"),
        items=[
            Item(label=r.org.name, url=reverse("orgs-report", args=[r.pk]), note=f"{r.year}年度")
            for r in qs[:5]
        ],
        empty="无待审核年报",
    )


def rectifications_todo(actor: Any, on: dt.date) -> Todo:
    qs = rectifications_overdue(actor=actor, on=on)
    return Todo(
        key="orgs-rectify",
        title="社会组织抽查整改超期",
        count=qs.count(),
        url=reverse("orgs-inspections"),
        items=[
            Item(
                label=i.org.name,
                url=reverse("orgs-inspection", args=[i.pk]),
                note=f"整改期限{i.rectify_by:%Y-%m-%d}" if i.rectify_by else "",
            )
            for i in qs[:5]
        ],
        empty="无超期整改",
    )


def filer_todo(actor: Any, on: dt.date) -> Todo:
    """The filer's own organisation's reports not yet filed (none, a draft or a returned one): one query
    for the binding and one for the years already filed."""
    from .services import filer_org

    org = filer_org(actor)
    years: list[int] = []
    if org is not None:
        filed = set(org.reports.filter(state__in=FILED).values_list("year", flat=True))
        years = [y for y in filer_years(org, on) if y not in filed]
    return Todo(
        key="orgs-mine",
        title="本组织年度报告待报送",
        count=len(years),
        url=reverse("orgs-mine"),
        items=[Item(label=f"{y}年度报告", url=reverse("orgs-mine-year", args=[y])) for y in years[:5]],
        empty="年度报告均已报送" if org is not None else "账号尚未绑定社会组织",
    )


def campaigns_todo(actor: Any, on: dt.date) -> Todo:
    """Open campaigns the filer's organisation has still to report on (binding, count, first five)."""
    from .services import filer_org

    org = filer_org(actor)
    qs = filer_campaigns_open(org=org, on=on) if org is not None else Campaign.objects.none()
    return Todo(
        key="orgs-campaigns-mine",
        title="专项行动结果待报送",
        count=qs.count(),
        url=reverse("orgs-mine"),
        items=[
            Item(
                label=c.title,
                url=reverse("orgs-mine-campaign", args=[c.pk]),
                note=f"截止{c.ends_on:%Y-%m-%d}",
            )
            for c in qs[:5]
        ],
        empty="无待报送的专项行动",
    )


def campaign_review_todo(actor: Any, on: dt.date) -> Todo:
    qs = scoped(
        "org.filing_review",
        CampaignResult.objects.filter(state=ResultState.SUBMITTED).select_related("org", "campaign"),
        actor,
    ).order_by("filed_at", "pk")
    return Todo(
        key="orgs-campaign-review",
        title="专项行动结果待审核",
        count=qs.count(),
        url=reverse("orgs-campaigns"),
        items=[
            Item(label=r.org.name, url=reverse("orgs-campaign", args=[r.campaign_id]), note=r.campaign.title)
            for r in qs[:5]
        ],
        empty="无待审核结果",
    )


def zombies_todo(actor: Any, on: dt.date) -> Todo:
    qs = zombies(actor=actor, on=on)
    return Todo(
        key="orgs-zombies",
        title="疑似“僵尸型”社会组织",
        count=qs.count(),
        url=reverse("orgs-zombies"),
        items=[Item(label=o.name, url=reverse("orgs-detail", args=[o.pk])) for o in qs[:5]],
        empty="无",
    )
