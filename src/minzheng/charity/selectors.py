"""Reads of the charity line. Desk reads are region-scoped under charity.manage (out of scope = 404);
the 阳光慈善 public page reads one project's totals and masked rows, nothing else. Totals are computed
from the rows (Subquery sums, so a list costs a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from minzheng.accounts.permissions import can, scoped
from minzheng.benefits.funding import fund_claims
from minzheng.core.labels import region_name
from minzheng.core.todos import Item, Todo
from minzheng.people.models import Person
from minzheng.policy.selectors import policy_resolve

from .models import (
    Acceptance,
    CharityOrg,
    Donation,
    DonorKind,
    LotteryAllocation,
    LotteryPlan,
    LotteryProject,
    LotteryUse,
    Project,
    Receipt,
    Spending,
)
from .rules import PAYROLL_FUNDS, amount_in_words

ZERO = Decimal("0.00")
_DEC: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def _sum(model: Any, *, filter: Q | None = None) -> Any:
    qs = model.objects.filter(project=OuterRef("pk"))
    if filter is not None:
        qs = qs.filter(filter)
    sub = qs.order_by().values("project").annotate(t=Sum("amount")).values("t")
    return Coalesce(Subquery(sub, output_field=_DEC), Value(ZERO), output_field=_DEC)


def with_totals(qs: QuerySet[Project]) -> QuerySet[Project]:
    """Each project with money in, money out, balance and beneficiaries, as three subqueries."""
    people = (
        Spending.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Sum("beneficiary_count"))
        .values("n")
    )
    return qs.annotate(
        money_in=_sum(Donation),
        money_out=_sum(Spending),
        beneficiaries=Coalesce(Subquery(people), Value(0)),
    ).annotate(balance=F("money_in") - F("money_out"))


# ---------------------------------------------------------------- desk
def org_list(*, actor: Any, q: str = "") -> QuerySet[CharityOrg]:
    qs = (
        scoped("charity.manage", CharityOrg.objects.all(), actor)
        .annotate(n_projects=Count("projects"))
        .order_by("name", "pk")
    )
    return qs.filter(Q(name__contains=q) | Q(credit_code__startswith=q.upper())) if q else qs


def org_get(*, actor: Any, pk: int) -> CharityOrg:
    org = scoped("charity.manage", CharityOrg.objects.all(), actor).filter(pk=pk).first()
    if org is None:
        raise Http404
    return org


def project_list(*, actor: Any, kind: str = "", q: str = "") -> QuerySet[Project]:
    qs = with_totals(scoped("charity.manage", Project.objects.select_related("org"), actor))
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(filing_number__contains=q) | Q(org__name__contains=q))
    return qs


def payroll_funds_readable(actor: Any) -> QuerySet[Project]:
    """The funds a payroll draws on (rules.PAYROLL_FUNDS), read, not managed, by the staff who run and pay
    that payroll (charity.fund_read: the children's officer, the county finance) in their region."""
    funds = Project.objects.select_related("org").filter(fund_code__in=PAYROLL_FUNDS.values())
    return scoped("charity.fund_read", funds, actor)


def payroll_funds_todo(actor: Any, on: dt.date) -> Todo:
    """The children's officer and the county finance read the funds their payroll draws on but have no
    menu entry for them: their 首页 card links each fund's page. One count query, one for the first five."""
    from django.urls import reverse

    qs = payroll_funds_readable(actor).order_by("pk")
    items = [Item(label=p.name, url=reverse("charity-project", args=[p.pk])) for p in qs[:5]]
    return Todo(
        key="charity-payroll-funds",
        title="名册支取的慈善基金",
        count=qs.count(),
        url=items[0].url if items else reverse("home"),
        items=items,
        empty="本辖区没有名册支取的慈善基金",
    )


def project_get(*, actor: Any, pk: int) -> Project:
    project = project_list(actor=actor).filter(pk=pk).first()
    if project is None:
        project = with_totals(payroll_funds_readable(actor)).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def donation_left(donation: Donation) -> Decimal:
    spent = donation.spendings.aggregate(t=Sum("amount"))["t"] or ZERO
    return donation.amount - spent


def free_balance(project: Project) -> Decimal:
    """Unrestricted money in minus what was spent not drawing on a restricted donation."""
    free_in = project.donations.filter(restricted_purpose="").aggregate(t=Sum("amount"))["t"] or ZERO
    free_out = project.spendings.filter(donation__isnull=True).aggregate(t=Sum("amount"))["t"] or ZERO
    return free_in - free_out


def restricted_donations(project: Project) -> list[Donation]:
    """Restricted donations with what is left of each (one query)."""
    spent = Coalesce(Sum("spendings__amount"), Value(ZERO), output_field=_DEC)
    return list(
        project.donations.exclude(restricted_purpose="")
        .annotate(spent=spent)
        .annotate(left=F("amount") - F("spent"))
        .order_by("received_on", "pk")
    )


def project_page(*, actor: Any, project: Project) -> dict[str, Any]:
    return {
        "project": project,
        "donations": list(project.donations.select_related("donor_person", "receipt").all()[:200]),
        # who may issue receipts here (anonymous gifts have no donor to receive one)
        "can_issue": can(actor, "charity.manage", region_code=project.region_code),
        "anonymous": DonorKind.ANONYMOUS,
        "spendings": list(project.spendings.select_related("donation").all()[:200]),
        "restricted": restricted_donations(project),
        "free_balance": free_balance(project),
        # a payroll fund's reader sees the money, not the forms to add to or spend it
        "manage": can(actor, "charity.manage", region_code=project.region_code),
    }


def donation_get(*, actor: Any, pk: int) -> Donation:
    """A donation of a project the actor may read (the project's scope is the donation's); else 404."""
    donation = Donation.objects.select_related("project__org").filter(pk=pk).first()
    if donation is None:
        raise Http404
    project_get(actor=actor, pk=donation.project_id)
    return donation


def receipt_page(*, donation: Donation) -> dict[str, Any]:
    """The printed receipt: the issuing organisation, its number, the donor, the amount in figures and in
    capitals, and where a donor may ask or complain (the registering civil-affairs bureau)."""
    receipt = Receipt.objects.select_related("org", "issued_by").filter(donation=donation).first()
    if receipt is None:
        raise Http404
    org = receipt.org
    return {
        "receipt": receipt,
        "donation": donation,
        "project": donation.project,
        "org": org,
        "words": amount_in_words(donation.amount),
        "authority": f"{region_name(org.region_code)}民政局",
        "issuer": receipt.issued_by.display_name,
    }


def persons_in_scope(*, actor: Any, ids: list[int]) -> QuerySet[Person]:
    return scoped("charity.manage", Person.objects.filter(pk__in=ids), actor)


def person_ids_by_id_numbers(*, actor: Any, text: str) -> list[int]:
    """The registry's persons named by ID numbers typed one a line (through the blind index, in the actor's
    scope); a number not found is refused naming its line, never echoing the number."""
    from django.core.exceptions import ValidationError

    from minzheng.core import crypto
    from minzheng.core.idnumber import normalize

    wanted: list[tuple[int, str]] = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        value = normalize(line.strip())
        if value:
            wanted.append((n, crypto.blind_index(value)))
    if len(wanted) > 500:
        raise ValidationError("一次最多关联500名受益人")
    found = dict(
        scoped(
            "charity.manage", Person.objects.filter(id_hash__in=[h for _, h in wanted]), actor
        ).values_list("id_hash", "pk")
    )
    missing = [str(n) for n, h in wanted if h not in found]
    if missing:
        raise ValidationError(f"第{'、'.join(missing)}行的身份证号不在人员库或不在您的管辖范围内")
    return [found[h] for _, h in wanted]


def central_care_rows(*, actor: Any, year: int) -> list[tuple[int, Decimal]]:
    """The central-care top-up per elder of the year in the actor's scope: the claims registered on the
    fund by the line that keeps the costs (elderly), read through `benefits.funding`."""
    return fund_claims(fund_code="central_care", actor=actor, year=year, permission="charity.manage")


def fund_balance(*, fund_code: str) -> Decimal | None:
    """A named fund's free balance (None if it is not open): what other lines may still draw."""
    project = Project.objects.filter(fund_code=fund_code).first()
    return None if project is None else free_balance(project)


def fund_balances(*, fund_codes: list[str]) -> dict[str, Decimal]:
    """The free balance of each named fund that is open (as `fund_balance`), in one query: a list of funds
    drawing on the charity line reads them all at once."""
    rows = (
        Project.objects.filter(fund_code__in=set(fund_codes))
        .annotate(
            free_in=_sum(Donation, filter=Q(restricted_purpose="")),
            free_out=_sum(Spending, filter=Q(donation__isnull=True)),
        )
        .values_list("fund_code", "free_in", "free_out")
    )
    return {code: free_in - free_out for code, free_in, free_out in rows if code}


# ---------------------------------------------------------------- public (阳光慈善)
def public_projects(*, q: str = "") -> QuerySet[Project]:
    qs = with_totals(Project.objects.select_related("org"))
    return qs.filter(Q(name__contains=q) | Q(org__name__contains=q)) if q else qs


def public_page(*, pk: int) -> dict[str, Any]:
    """One project as the public reads it: totals computed from the rows, donors masked, spending with
    counts of beneficiaries only (no names)."""
    project = public_projects().filter(pk=pk).first()
    if project is None:
        raise Http404
    donations = list(project.donations.order_by("received_on", "pk")[:500])
    spendings = list(project.spendings.order_by("spent_on", "pk")[:500])
    return {
        "project": project,
        "donations": [
            {
                "donor": d.public_donor,
                "kind": d.get_donor_kind_display(),
                "amount": d.amount,
                "restricted": d.restricted_purpose,
                "on": d.received_on,
            }
            for d in donations
        ],
        "spendings": [
            {"purpose": s.purpose, "amount": s.amount, "on": s.spent_on, "beneficiaries": s.beneficiary_count}
            for s in spendings
        ],
        "n_donations": project.donations.count(),
        "progress": (
            (project.money_in / project.target * 100).quantize(Decimal("0.1"))  # type: ignore[attr-defined]
            if project.target
            else None
        ),
    }


# ---------------------------------------------------------------- 福彩公益金
def lottery_plans(*, actor: Any) -> QuerySet[LotteryPlan]:
    total = (
        LotteryAllocation.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(t=Sum("amount"))
        .values("t")
    )
    return scoped("charity.manage", LotteryPlan.objects.all(), actor).annotate(
        total=Coalesce(Subquery(total, output_field=_DEC), Value(ZERO), output_field=_DEC)
    )


def lottery_plan_get(*, actor: Any, pk: int) -> LotteryPlan:
    plan = lottery_plans(actor=actor).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def lottery_project_get(*, actor: Any, pk: int) -> LotteryProject:
    project = (
        scoped("charity.manage", LotteryProject.objects.select_related("plan"), actor).filter(pk=pk).first()
    )
    if project is None:
        raise Http404
    return project


def lottery_funded(*, plan: LotteryPlan, use: str) -> Decimal:
    """What the use's projects hold (a failed acceptance still spent its money)."""
    return LotteryProject.objects.filter(plan=plan, use=use).aggregate(t=Sum("amount"))["t"] or ZERO


def lottery_elderly_share_min(*, year: int, region_code: str) -> Decimal:
    """The policy floor of the elderly-services share in the year (a missing key is an error)."""
    return policy_resolve(on=dt.date(year, 12, 31), region_code=region_code, hukou_type="").get(
        "lottery.elderly_share_min"
    )


def lottery_plan_page(*, actor: Any, plan: LotteryPlan) -> dict[str, Any]:
    return {
        "plan": plan,
        "uses": _plan_uses([plan])[plan.pk],
        "projects": list(plan.projects.select_related("created_by", "accepted_by")),
        "use_choices": [(a.use, a.get_use_display()) for a in plan.allocations.all()],
        "pending": Acceptance.PENDING,
    }


def _plan_uses(plans: list[LotteryPlan]) -> dict[int, list[dict[str, Any]]]:
    """Per plan, per use: allocated, funded, accepted (two aggregate queries for all the plans)."""
    ids = [p.pk for p in plans]
    funded: dict[tuple[int, str], dict[str, Any]] = {
        (r["plan_id"], r["use"]): r
        for r in LotteryProject.objects.filter(plan_id__in=ids)
        .values("plan_id", "use")
        .annotate(
            n=Count("pk"),
            funded=Sum("amount"),
            accepted=Coalesce(
                Sum("amount", filter=Q(acceptance=Acceptance.PASSED)), Value(ZERO), output_field=_DEC
            ),
        )
    }
    out: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for a in LotteryAllocation.objects.filter(plan_id__in=ids).order_by("plan_id", "use"):
        f = funded.get((a.plan_id, a.use), {})
        out[a.plan_id].append(
            {
                "use": a.use,
                "label": LotteryUse(a.use).label,
                "allocated": a.amount,
                "projects": f.get("n", 0),
                "funded": f.get("funded") or ZERO,
                "accepted": f.get("accepted") or ZERO,
            }
        )
    order = {u: i for i, u in enumerate(LotteryUse.values)}
    for rows in out.values():
        rows.sort(key=lambda r: order[r["use"]])
    return out


def lottery_report(*, actor: Any, year: int) -> list[dict[str, Any]]:
    """The year's report: per plan (region), per use, and the elderly share against the policy floor."""
    plans = list(lottery_plans(actor=actor).filter(year=year).order_by("region_code"))
    uses = _plan_uses(plans)
    from minzheng.regions.models import Region

    names = dict(Region.objects.filter(code__in=[p.region_code for p in plans]).values_list("code", "name"))
    report = []
    for plan in plans:
        rows = uses[plan.pk]
        total = sum((r["allocated"] for r in rows), ZERO)
        elderly = sum((r["allocated"] for r in rows if r["use"] == LotteryUse.ELDERLY), ZERO)
        share = (elderly / total) if total else ZERO
        floor = lottery_elderly_share_min(year=year, region_code=plan.region_code)
        report.append(
            {
                "plan": plan,
                "region": names.get(plan.region_code, ""),
                "rows": rows,
                "total": total,
                "elderly": elderly,
                "share_pct": (share * 100).quantize(Decimal("0.01")),
                "floor_pct": (floor * 100).quantize(Decimal("0.01")),
                "meets": share >= floor,
                "funded": sum((r["funded"] for r in rows), ZERO),
                "accepted": sum((r["accepted"] for r in rows), ZERO),
            }
        )
    return report


REPORT_HEADER = [
    "年度",
    "区划",
    "用途",
    "安排金额（元）",
    "资助项目数",
    "资助金额（元）",
    "验收合格金额（元）",
]


def _verdict(meets: bool) -> str:
    return "达标" if meets else "未达标"


def lottery_report_rows(report: list[dict[str, Any]]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for r in report:
        for u in r["rows"]:
            out.append(
                [
                    r["plan"].year,
                    r["region"],
                    u["label"],
                    u["allocated"],
                    u["projects"],
                    u["funded"],
                    u["accepted"],
                ]
            )
        out.append(
            [
                r["plan"].year,
                r["region"],
                f"养老服务占比{r['share_pct']}%（不低于{r['floor_pct']}%：{_verdict(r['meets'])}）",
                r["total"],
                "",
                r["funded"],
                r["accepted"],
            ]
        )
    return out


# ---------------------------------------------------------------- 首页 to-do
def lottery_acceptance_todo(actor: Any, on: dt.date) -> Todo:
    """Funded lottery projects waiting for acceptance: one count query and one for the first five."""
    from django.urls import reverse

    qs = scoped(
        "charity.manage", LotteryProject.objects.filter(acceptance=Acceptance.PENDING), actor
    ).order_by("created_at", "pk")
    return Todo(
        key="charity-lottery-acceptance",
        title="福彩公益金项目待验收",
        count=qs.count(),
        url=reverse("charity-lottery"),
        items=[
            Item(label=p.name, url=reverse("charity-lottery-plan", args=[p.plan_id]), note=f"{p.amount}元")
            for p in qs[:5]
        ],
        empty="无待验收项目",
    )
