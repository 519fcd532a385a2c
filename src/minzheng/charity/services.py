"""Writes of the charity line (keyword-only, typed, atomic, audited). Money in must cover money out: a
spending is refused when it exceeds the project's free balance, or, drawn on a restricted donation, when
it exceeds what is left of that donation or serves another purpose. `fund_draw` is how other lines record
the charity money they use (children's guardianship-lacking fund, central care's charity top-up, 济时救)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.accounts.system import require_actor
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.models import PayrollLine, PayrollRun
from minzheng.core.dates import plausible_date
from minzheng.people.models import Person
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.regions.models import Region

from . import selectors
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
    ProjectKind,
    Receipt,
    Spending,
)
from .rules import FUNDS, PAYROLL_FUND_LABELS, PAYROLL_FUNDS, credit_code_clean, share_key

MAX_AMOUNT = Decimal("1000000000")


def _money(value: Any, label: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(f"{label}应为数字") from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError(f"{label}应大于0")
    if amount > MAX_AMOUNT:
        raise ValidationError(f"{label}超出可登记范围")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(f"{label}最多保留两位小数")
    return amount.quantize(Decimal("0.01"))


def _text(value: str, label: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(f"请填写{label}")
    if len(text) > limit:
        raise ValidationError(f"{label}不能超过{limit}个字")
    return text


def _audit(actor: Any, event: str, what: str, pk: int, region_code: str, **new: Any) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        target_type=f"charity.{what}",
        target_id=pk,
        region_code=region_code,
        new={k: str(v) if isinstance(v, Decimal | dt.date) else v for k, v in new.items()},
    )


# ---------------------------------------------------------------- organisations
@transaction.atomic
def org_create(
    *,
    actor: Any,
    name: str,
    credit_code: str,
    registered_on: dt.date,
    region_code: str,
    fundraising_from: dt.date | None = None,
    fundraising_until: dt.date | None = None,
) -> CharityOrg:
    require(actor, "charity.manage", region_code=region_code, target="charity:org")
    name = _text(name, "组织名称", 100)
    code = credit_code_clean(credit_code)
    plausible_date(registered_on, "登记日期")
    if CharityOrg.objects.filter(credit_code=code).exists():
        raise ValidationError("该统一社会信用代码的慈善组织已登记")
    org = CharityOrg.objects.create(
        name=name, credit_code=code, registered_on=registered_on, region_code=region_code, created_by=actor
    )
    _audit(actor, AuditEvent.CREATE, "org", org.pk, region_code, name=name, credit_code=code)
    if fundraising_from is not None:
        org_qualify(
            actor=actor, org=org, fundraising_from=fundraising_from, fundraising_until=fundraising_until
        )
    return org


@transaction.atomic
def org_qualify(
    *, actor: Any, org: CharityOrg, fundraising_from: dt.date, fundraising_until: dt.date | None
) -> CharityOrg:
    """Record (or change) the public fund-raising qualification: at least two years after registration
    (《慈善法》第二十二条), and an end not before its start."""
    require(actor, "charity.manage", region_code=org.region_code, target=f"charity_org:{org.pk}")
    plausible_date(fundraising_from, "公开募捐资格取得日期", future_days=366)
    if fundraising_until is not None:
        plausible_date(fundraising_until, "公开募捐资格截止日期", future_days=366 * 10)
        if fundraising_until < fundraising_from:
            raise ValidationError("公开募捐资格截止日期不能早于取得日期")
    two_years = org.registered_on.replace(year=org.registered_on.year + 2, day=min(org.registered_on.day, 28))
    if fundraising_from < two_years:
        raise ValidationError("依法登记满二年的慈善组织方可申请公开募捐资格")
    old = {"from": str(org.fundraising_from or ""), "until": str(org.fundraising_until or "")}
    org.fundraising_from, org.fundraising_until = fundraising_from, fundraising_until
    org.save(update_fields=["fundraising_from", "fundraising_until"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="charity.org_qualification",
        target_id=org.pk,
        region_code=org.region_code,
        old=old,
        new={"from": str(fundraising_from), "until": str(fundraising_until or "")},
    )
    return org


# ---------------------------------------------------------------- projects and funds
@transaction.atomic
def project_file(
    *,
    actor: Any,
    org: CharityOrg,
    name: str,
    purpose: str,
    starts_on: dt.date,
    kind: str = ProjectKind.PROJECT,
    filing_number: str = "",
    platform: str = "",
    target: Decimal | None = None,
    ends_on: dt.date | None = None,
    fund_code: str = "",
    region_code: str = "",
) -> Project:
    """备案 a public fund-raising project (organisation qualified on its start, filing number, platform,
    target, period), or open a charity fund (a named fund other lines draw on, a community's fund)."""
    region_code = region_code or org.region_code
    require(actor, "charity.manage", region_code=region_code, target=f"charity_org:{org.pk}")
    if kind not in ProjectKind.values:
        raise ValidationError("项目类型无效")
    name, purpose = _text(name, "项目名称", 100), _text(purpose, "募捐用途", 200)
    plausible_date(starts_on, "开始日期", future_days=366)
    if ends_on is not None:
        plausible_date(ends_on, "结束日期", future_days=366 * 5)
        if ends_on < starts_on:
            raise ValidationError("结束日期不能早于开始日期")
    if kind == ProjectKind.PROJECT:
        filing_number = _text(filing_number, "备案编号", 40)
        platform = _text(platform, "募捐平台", 60)
        if target is None:
            raise ValidationError("请填写募捐目标")
        target = _money(target, "募捐目标")
        if ends_on is None:
            raise ValidationError("请填写募捐结束日期")
        if not org.may_raise_on(starts_on) or not org.may_raise_on(ends_on):
            raise ValidationError(f"{org.name}在募捐期间不具有公开募捐资格，不能备案公开募捐项目")
        if Project.objects.filter(filing_number=filing_number).exists():
            raise ValidationError("该备案编号已登记")
    if kind == ProjectKind.COMMUNITY and len(region_code) != 12:
        raise ValidationError("社区慈善基金须选择所在村（社区）")
    fund_code = (fund_code or "").strip()
    if fund_code:
        if fund_code not in FUNDS:
            raise ValidationError("基金代码无效")
        if Project.objects.filter(fund_code=fund_code).exists():
            raise ValidationError(f"{FUNDS[fund_code]}已开设")
    project = Project.objects.create(
        org=org,
        kind=kind,
        name=name,
        purpose=purpose,
        filing_number=filing_number if kind == ProjectKind.PROJECT else "",
        platform=platform if kind == ProjectKind.PROJECT else "",
        target=target if kind == ProjectKind.PROJECT else None,
        starts_on=starts_on,
        ends_on=ends_on,
        fund_code=fund_code or None,
        region_code=region_code,
        created_by=actor,
    )
    _audit(actor, AuditEvent.CREATE, "project", project.pk, region_code, name=name, kind=kind, target=target)
    return project


@transaction.atomic
def donation_record(
    *,
    actor: Any,
    project: Project,
    donor_kind: str,
    amount: Decimal,
    received_on: dt.date,
    donor_name: str = "",
    donor_person_id: int | None = None,
    restricted_purpose: str = "",
) -> Donation:
    """A donation received: a person (of the registry or named), a unit, or anonymous; restricted to a
    purpose (定向) or not. A public project receives only inside its filed period."""
    require(actor, "charity.manage", region_code=project.region_code, target=f"charity_project:{project.pk}")
    if donor_kind not in DonorKind.values:
        raise ValidationError("请选择捐赠人类型")
    amount = _money(amount, "捐赠金额")
    plausible_date(received_on, "捐赠日期")
    if received_on < project.starts_on or (
        project.kind == ProjectKind.PROJECT and project.ends_on and received_on > project.ends_on
    ):
        raise ValidationError("捐赠日期不在项目募捐期内")
    person = None
    if donor_kind == DonorKind.PERSON and donor_person_id:
        person = Person.objects.filter(pk=donor_person_id).first()
        if person is None:
            raise ValidationError("人员库中没有该捐赠人")
        donor_name = person.name
    donor_name = "" if donor_kind == DonorKind.ANONYMOUS else _text(donor_name, "捐赠人", 100)
    restricted = _text(restricted_purpose, "定向用途", 100, required=False)
    donation = Donation.objects.create(
        project=project,
        donor_kind=donor_kind,
        donor_name=donor_name,
        donor_person=person,
        amount=amount,
        restricted_purpose=restricted,
        received_on=received_on,
        recorded_by=actor,
    )
    _audit(
        actor,
        AuditEvent.CREATE,
        "donation",
        donation.pk,
        project.region_code,
        project=project.pk,
        amount=amount,
        donor_kind=donor_kind,
        restricted=restricted,
    )
    return donation


# The receipt's number: the receiving organisation's running number of the year, 文号-style.
RECEIPT_PREFIX = "慈捐"


@transaction.atomic
def receipt_issue(*, actor: Any, donation: Donation, on: dt.date | None = None) -> Receipt:
    """Issue the donation's receipt (捐赠票据), or return the one it has: a reprint keeps its number. The
    organisation's row is locked while its next number of the year is taken, so no two share one."""
    project = donation.project
    require(
        actor, "charity.manage", region_code=project.region_code, target=f"charity_donation:{donation.pk}"
    )
    existing = Receipt.objects.filter(donation=donation).first()
    if existing is not None:
        return existing
    if donation.donor_kind == DonorKind.ANONYMOUS:
        raise ValidationError("匿名捐赠没有捐赠人，不开具捐赠票据")
    on = on or timezone.localdate()
    org = CharityOrg.objects.select_for_update().get(pk=project.org_id)
    existing = Receipt.objects.filter(donation=donation).first()  # issued meanwhile, under the lock
    if existing is not None:
        return existing
    last = Receipt.objects.filter(org=org, year=on.year).order_by("-serial").values_list("serial", flat=True)
    serial = (last.first() or 0) + 1
    receipt = Receipt.objects.create(
        donation=donation,
        org=org,
        year=on.year,
        serial=serial,
        number=f"{RECEIPT_PREFIX}〔{on.year}〕{serial}号",
        issued_by=actor,
        issued_on=on,
    )
    _audit(
        actor,
        AuditEvent.CREATE,
        "receipt",
        receipt.pk,
        project.region_code,
        donation=donation.pk,
        number=receipt.number,
        amount=donation.amount,
    )
    return receipt


def _spend(
    *,
    actor: Any,
    project: Project,
    purpose: str,
    amount: Decimal,
    spent_on: dt.date,
    donation: Donation | None,
    beneficiary_count: int,
    persons: list[Person],
    source_line: str = "",
    reference: str = "",
    month: dt.date | None = None,
) -> Spending:
    # The project row is locked first so two spendings cannot both pass the same balance.
    Project.objects.select_for_update().get(pk=project.pk)
    if donation is not None:
        if donation.project_id != project.pk:
            raise ValidationError("所选定向捐赠不属于本项目")
        if not donation.restricted_purpose:
            raise ValidationError("所选捐赠不是定向捐赠")
        if purpose != donation.restricted_purpose:
            raise ValidationError(f"该笔定向捐赠限用于“{donation.restricted_purpose}”，不能用于“{purpose}”")
        left = selectors.donation_left(donation)
        if amount > left:
            raise ValidationError(f"超出该笔定向捐赠的余额（剩余{left}元），不予支出")
    else:
        free = selectors.free_balance(project)
        if amount > free:
            raise ValidationError(
                f"支出{amount}元超出项目可用余额{free}元（定向捐赠须按其用途支出），不予支出"
            )
    try:
        with transaction.atomic():
            spending = Spending.objects.create(
                project=project,
                purpose=purpose,
                amount=amount,
                spent_on=spent_on,
                donation=donation,
                beneficiary_count=beneficiary_count,
                source_line=source_line,
                reference=reference,
                month=month,
                recorded_by=actor,
            )
    except IntegrityError:
        raise ValidationError("该笔业务已从本基金支出，不能重复支出") from None
    if persons:
        spending.beneficiaries.set(persons)
    _audit(
        actor,
        AuditEvent.CREATE,
        "spending",
        spending.pk,
        project.region_code,
        project=project.pk,
        amount=amount,
        purpose=purpose,
        beneficiaries=beneficiary_count,
        source_line=source_line,
    )
    return spending


@transaction.atomic
def spending_record(
    *,
    actor: Any,
    project: Project,
    purpose: str,
    amount: Decimal,
    spent_on: dt.date,
    donation_id: int | None = None,
    beneficiary_count: int = 0,
    beneficiary_ids: list[int] | None = None,
) -> Spending:
    """Money out, with its beneficiaries (a count, and the persons of the registry where known)."""
    require(actor, "charity.manage", region_code=project.region_code, target=f"charity_project:{project.pk}")
    purpose = _text(purpose, "支出用途", 100)
    amount = _money(amount, "支出金额")
    plausible_date(spent_on, "支出日期")
    if spent_on < project.starts_on:
        raise ValidationError("支出日期早于项目开始日期")
    donation = None
    if donation_id:
        donation = Donation.objects.filter(pk=donation_id, project=project).first()
        if donation is None:
            raise ValidationError("所选定向捐赠不属于本项目")
    ids = sorted(set(beneficiary_ids or []))
    persons = list(selectors.persons_in_scope(actor=actor, ids=ids))
    if len(persons) != len(ids):
        raise ValidationError("受益人不在人员库或不在您的管辖范围内")
    if beneficiary_count < len(persons):
        raise ValidationError("受益人数不能少于关联的受益人")
    return _spend(
        actor=actor,
        project=project,
        purpose=purpose,
        amount=amount,
        spent_on=spent_on,
        donation=donation,
        beneficiary_count=beneficiary_count,
        persons=persons,
    )


@transaction.atomic
def fund_draw(
    *,
    fund_code: str,
    month: dt.date,
    amount: Decimal,
    actor: Any,
    reference: str = "",
    source_line: str = "",
    beneficiary_count: int = 0,
    beneficiary_ids: list[int] | None = None,
    purpose: str = "",
) -> Spending:
    """Another line draws on a charity fund: recorded here as a spending of the fund (the source of that
    line's money), refused in Chinese beyond the fund's free balance. The caller has already checked its
    own permission (it is paying its payroll); `reference` (e.g. "payroll:<run id>") makes a re-run draw
    once: the same reference and amount returns the earlier spending, another amount is refused."""
    require_actor(actor)
    project = Project.objects.filter(fund_code=fund_code).first()
    if project is None:
        raise ValidationError(f"慈善基金“{FUNDS.get(fund_code, fund_code)}”尚未开设，不能支出")
    amount = _money(amount, "基金支出金额")
    month = month.replace(day=1)
    reference = (reference or f"{fund_code}:{month:%Y-%m}")[:64]
    earlier = Spending.objects.filter(project=project, reference=reference).first()
    if earlier is not None:
        if earlier.amount != amount:
            raise ValidationError(f"该笔业务已从本基金支出{earlier.amount}元，金额不一致，请核对")
        return earlier
    ids = sorted(set(beneficiary_ids or []))
    persons = list(Person.objects.filter(pk__in=ids))
    return _spend(
        actor=actor,
        project=project,
        purpose=(purpose or f"{month:%Y年%m月}{FUNDS.get(fund_code, project.name)}支出")[:100],
        amount=amount,
        spent_on=max(month, project.starts_on),
        donation=None,
        beneficiary_count=max(beneficiary_count, len(persons)),
        persons=persons,
        source_line=(source_line or fund_code)[:32],
        reference=reference,
        month=month,
    )


@transaction.atomic
def payroll_fund_draw(*, actor: Any, run: PayrollRun, lines: QuerySet[PayrollLine]) -> list[Spending]:
    """The payroll hook (`benefits.funding`): when a county's roll is checked, each fund pays its policy
    share of the lines it funds (the guardianship-lacking children's allowance), once per roll, the
    children linked as beneficiaries. A fund not open or short of money refuses the check in Chinese."""
    drawn = []
    for (programme, tier), fund_code in PAYROLL_FUNDS.items():
        mine = lines.filter(programme=programme, enrolment__tier=tier)
        total = mine.aggregate(t=Sum("amount"))["t"] or 0
        if total <= 0:
            continue
        label = PAYROLL_FUND_LABELS[(programme, tier)]
        try:
            share = policy_resolve(on=run.month, region_code=run.county_code, hukou_type="").get(
                share_key(fund_code)
            )
        except PolicyMissing as e:
            raise ValidationError(f"{label}由慈善基金支付的比例未设定（{e}），名册未审核") from None
        amount = (Decimal(total) * Decimal(share)).quantize(Decimal("0.01"))
        if amount <= 0:
            continue
        county = Region.objects.filter(code=run.county_code).values_list("name", flat=True).first() or ""
        try:
            drawn.append(
                fund_draw(
                    fund_code=fund_code,
                    month=run.month,
                    amount=amount,
                    actor=actor,
                    reference=f"payroll:{run.pk}:{fund_code}",
                    source_line=programme,
                    beneficiary_ids=sorted(set(mine.values_list("person_id", flat=True))),
                    purpose=f"{run.month:%Y年%m月}{county}发放名册：{label}",
                )
            )
        except ValidationError as e:
            raise ValidationError(
                f"{run.month:%Y年%m月}名册中{label}{amount}元由{FUNDS[fund_code]}支付：{e.messages[0]}；"
                "名册未审核，请先为基金筹集资金"
            ) from None
    return drawn


@transaction.atomic
def central_care_draw(*, actor: Any, year: int) -> Spending:
    """The charity top-up of central care for dibao disabled elders (the claims the elderly line registers
    with `benefits.funding`, in the actor's scope) drawn on the central-care fund, the elders linked as
    beneficiaries."""
    require(actor, "charity.manage", target=f"central_care:{year}")
    rows = selectors.central_care_rows(actor=actor, year=year)
    total = sum((amount for _, amount in rows), Decimal(0))
    if not rows or total <= 0:
        raise ValidationError(f"{year}年度没有需慈善基金补足的集中照护成本")
    prefix = getattr(getattr(actor, "region", None), "code", "")
    return fund_draw(
        fund_code="central_care",
        month=dt.date(year, 12, 1),
        amount=total,
        actor=actor,
        reference=f"central_care:{prefix}:{year}",
        source_line="elderly",
        beneficiary_ids=[person_id for person_id, _ in rows],
    )


# ---------------------------------------------------------------- 福彩公益金
@transaction.atomic
def lottery_plan_create(
    *, actor: Any, year: int, region_code: str, allocations: dict[str, Decimal], document_number: str = ""
) -> LotteryPlan:
    """A year's allocation plan: an amount per use (at least one)."""
    require(actor, "charity.manage", region_code=region_code, target="lottery:plan")
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError("年度无效")
    if LotteryPlan.objects.filter(year=year, region_code=region_code).exists():
        raise ValidationError(f"{year}年度的福彩公益金分配计划已编制")
    amounts = {}
    for use, value in allocations.items():
        if use not in LotteryUse.values:
            raise ValidationError("用途无效")
        if value is not None and Decimal(value) > 0:
            amounts[use] = _money(value, f"{LotteryUse(use).label}安排金额")
    if not amounts:
        raise ValidationError("请至少安排一项用途的金额")
    plan = LotteryPlan.objects.create(
        year=year,
        region_code=region_code,
        document_number=_text(document_number, "文号", 60, required=False),
        created_by=actor,
    )
    LotteryAllocation.objects.bulk_create(
        [LotteryAllocation(plan=plan, use=u, amount=a) for u, a in amounts.items()]
    )
    _audit(actor, AuditEvent.CREATE, "lottery_plan", plan.pk, region_code, year=year, **amounts)
    return plan


@transaction.atomic
def lottery_project_fund(
    *, actor: Any, plan: LotteryPlan, use: str, name: str, grantee: str, amount: Decimal
) -> LotteryProject:
    """A project funded from one use of the plan; the use's projects never exceed its allocation."""
    require(actor, "charity.manage", region_code=plan.region_code, target=f"lottery_plan:{plan.pk}")
    LotteryPlan.objects.select_for_update().get(pk=plan.pk)
    allocation = LotteryAllocation.objects.filter(plan=plan, use=use).first()
    if allocation is None:
        raise ValidationError("该计划未安排此用途的资金")
    amount = _money(amount, "资助金额")
    left = allocation.amount - selectors.lottery_funded(plan=plan, use=use)
    if amount > left:
        raise ValidationError(f"超出{allocation.get_use_display()}的剩余安排资金（剩余{left}元）")
    project = LotteryProject.objects.create(
        plan=plan,
        use=use,
        name=_text(name, "项目名称", 100),
        grantee=_text(grantee, "实施单位", 100),
        amount=amount,
        region_code=plan.region_code,
        created_by=actor,
    )
    _audit(actor, AuditEvent.CREATE, "lottery_project", project.pk, plan.region_code, use=use, amount=amount)
    return project


@transaction.atomic
def lottery_project_accept(
    *, actor: Any, project: LotteryProject, passed: bool, on: dt.date, note: str = ""
) -> LotteryProject:
    """验收: by someone other than who funded the project (make-and-check on money), once."""
    require(actor, "charity.manage", region_code=project.region_code, target=f"lottery_project:{project.pk}")
    project = LotteryProject.objects.select_for_update().get(pk=project.pk)
    if project.acceptance != Acceptance.PENDING:
        raise ValidationError("该项目已验收")
    if project.created_by_id == actor.pk:
        raise ValidationError("立项人不能验收自己立项的项目，请由另一名工作人员验收")
    plausible_date(on, "验收日期")
    note = _text(note, "验收意见", 200, required=not passed)
    project.acceptance = Acceptance.PASSED if passed else Acceptance.FAILED
    project.accepted_on, project.accepted_by, project.acceptance_note = on, actor, note
    project.save(update_fields=["acceptance", "accepted_on", "accepted_by", "acceptance_note"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="charity.lottery_acceptance",
        target_id=project.pk,
        region_code=project.region_code,
        new={"acceptance": project.acceptance, "on": str(on)},
    )
    return project


@transaction.atomic
def lottery_report_export(*, actor: Any, year: int) -> bytes:
    """The year's lottery report as Excel (audited; formula-looking cells neutralised)."""
    from minzheng.core.spreadsheet import xlsx_bytes

    require(actor, "charity.manage", target=f"lottery_report:{year}")
    rows = selectors.lottery_report_rows(selectors.lottery_report(actor=actor, year=year))
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type="charity.lottery_report",
        target_id=year,
        region_code=getattr(getattr(actor, "region", None), "code", ""),
        detail=f"导出{year}年度福彩公益金使用情况{len(rows)}行",
    )
    return xlsx_bytes(selectors.REPORT_HEADER, rows, title=f"{year}年度福彩公益金")
