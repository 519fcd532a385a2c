"""Writes of the line, keyword-only, each audited in its transaction. The officer's writes are behind
`org.registry_manage` / `org.filing_review` / `org.inspect` in the record's region; a filer's writes go
through its `OrgFiler` binding: another organisation's report is refused like a missing one."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require, roles_for
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.casework.services import case_transition
from minzheng.core import crypto
from minzheng.core.dates import plausible_date
from minzheng.core.draw import draw_pairs
from minzheng.core.idnumber import is_valid_id_number, normalize
from minzheng.core.masking import mask_id_number
from minzheng.regions.models import Region

from . import rules
from .creditcode import CIVIL_AFFAIRS, credit_code_error, normalise
from .models import (
    KIND_CODE,
    AnnualReport,
    AuthorityLevel,
    Campaign,
    CampaignKind,
    CampaignResult,
    CaseKind,
    Evaluation,
    IllegalCase,
    IllegalState,
    Inspection,
    InspectionDraw,
    InspectionState,
    Kind,
    LegalBasis,
    Organisation,
    OrgCase,
    OrgFiler,
    PartyOrg,
    Penalty,
    PenaltyKind,
    ReportState,
    ResultState,
    Status,
)
from .workflow import FLOWS, flow

NOT_FOUND = "记录不存在"
CHANGEABLE = rules.CHANGEABLE


def _audit(actor: Any, event: str, obj: Any, region_code: str, **kw: Any) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        target_type=f"orgs.{obj._meta.model_name}",
        target_id=obj.pk,
        region_code=region_code,
        **kw,
    )


def _text(value: Any, label: str, *, lo: int = 1, hi: int = 200) -> str:
    text = str(value or "").strip()
    if not lo <= len(text) <= hi:
        raise ValidationError(f"请填写{label}（{lo}至{hi}字）" if lo else f"{label}不能超过{hi}字")
    return text


def _decision_no(value: Any) -> str:
    return _text(value, "决定文号", lo=4, hi=40)


def credit_code_check(code: str, kind: str) -> str:
    """A civil-affairs organisation's code: valid per GB 32100, registered by 民政 (5), of its kind."""
    text = normalise(code)
    reason = credit_code_error(text)
    if reason:
        raise ValidationError({"credit_code": [reason]})
    if text[0] != CIVIL_AFFAIRS or text[1] != KIND_CODE[Kind(kind)]:
        raise ValidationError({"credit_code": ["统一社会信用代码的登记管理部门或机构类别与该组织类型不符"]})
    return text


# ---------------------------------------------------------------- registration / change / cancellation
@transaction.atomic
def org_apply(
    *,
    actor: Any,
    region_code: str,
    name: str,
    kind: str,
    authority_level: str,
    supervisor: str,
    legal_rep_name: str,
    legal_rep_id: str,
    address: str,
    registered_capital: Decimal,
    party_org: str,
    applied_on: dt.date,
    documents: list[str],
) -> OrgCase:
    """成立登记 受理: the organisation is on file as 登记申请中 until the decision."""
    errors: dict[str, list[str]] = {}
    if not Region.objects.filter(code=region_code).exists():
        errors["region_code"] = ["请选择住所所在区划"]
    if kind not in Kind.values:
        errors["kind"] = ["请选择组织类型"]
    if authority_level not in AuthorityLevel.values:
        errors["authority_level"] = ["请选择登记管理机关"]
    if party_org not in PartyOrg.values:
        errors["party_org"] = ["请选择党组织建设情况"]
    idn = normalize(legal_rep_id or "")
    if not is_valid_id_number(idn):
        errors["legal_rep_id"] = ["法定代表人身份证号不正确"]
    if errors:
        raise ValidationError(errors)
    require(actor, "org.registry_manage", region_code=region_code, target="organisation:new")
    org = Organisation.objects.create(
        region_code=region_code,
        name=_text(name, "名称", lo=2, hi=100),
        kind=kind,
        authority_level=authority_level,
        supervisor=_text(supervisor, "业务主管单位", lo=0, hi=100),
        legal_rep_name=_text(legal_rep_name, "法定代表人", hi=64),
        legal_rep_id_enc=crypto.encrypt(idn),
        legal_rep_id_masked=mask_id_number(idn),
        address=_text(address, "住所"),
        registered_capital=registered_capital,
        party_org=party_org,
    )
    _audit(actor, AuditEvent.CREATE, org, region_code, new={"name": org.name, "kind": kind})
    return _open(actor=actor, org=org, kind=CaseKind.REGISTER, applied_on=applied_on, documents=documents)


def _open(
    *,
    actor: Any,
    org: Organisation,
    kind: str,
    applied_on: dt.date,
    documents: list[str],
    changes: Any = None,
) -> OrgCase:
    plausible_date(applied_on, "受理日期", past_years=1)
    wf = FLOWS[CaseKind(kind)]
    if OrgCase.objects.filter(org=org, state="applied").exists():
        raise ValidationError("该组织已有正在办理的登记事项")
    case = OrgCase.objects.create(
        workflow=wf.code,
        kind=kind,
        state=wf.initial,
        region_code=org.region_code,
        org=org,
        applied_on=applied_on,
        documents=_documents(kind, documents),
        changes=changes or {},
        opened_by=actor,
    )
    _audit(actor, AuditEvent.CREATE, case, org.region_code, new={"kind": kind})
    return case_transition(actor=actor, workflow=wf, case=case, to="applied", note="受理")


def _documents(kind: str, documents: list[str]) -> list[str]:
    known = [code for code, _ in rules.CHECKLISTS[CaseKind(kind)]]
    return [code for code in known if code in set(documents)]


def _changes(org: Organisation, changes: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in changes.items():
        text = str(value or "").strip()
        if key not in CHANGEABLE or not text:
            continue
        if key == "party_org" and text not in PartyOrg.values:
            raise ValidationError("请选择党组织建设情况")
        if key == "registered_capital":
            try:
                amount = Decimal(text)
            except ArithmeticError:
                raise ValidationError("注册资金应为数字") from None
            if not amount.is_finite() or not 0 <= amount <= 10**11:
                raise ValidationError("注册资金应为数字")
        if str(getattr(org, key)) != text:
            out[key] = _text(text, CHANGEABLE[key], hi=200)
    if not out:
        raise ValidationError("请填写至少一项变更事项")
    return out


@transaction.atomic
def org_case_open(
    *,
    actor: Any,
    org: Organisation,
    kind: str,
    applied_on: dt.date,
    documents: list[str],
    changes: dict[str, Any] | None = None,
) -> OrgCase:
    """变更 / 注销登记 受理 for a registered organisation."""
    require(actor, "org.registry_manage", region_code=org.region_code, target=f"organisation:{org.pk}")
    if kind not in (CaseKind.CHANGE, CaseKind.CANCEL):
        raise ValidationError("请选择变更登记或注销登记")
    if org.status != Status.ACTIVE:
        raise ValidationError(f"该组织当前为“{org.get_status_display()}”，不能办理{CaseKind(kind).label}")
    diff = _changes(org, changes or {}) if kind == CaseKind.CHANGE else {}
    return _open(actor=actor, org=org, kind=kind, applied_on=applied_on, documents=documents, changes=diff)


@transaction.atomic
def org_case_documents(*, actor: Any, case: OrgCase, documents: list[str]) -> OrgCase:
    require(actor, "org.registry_manage", region_code=case.region_code, target=f"orgcase:{case.pk}")
    if case.state != "applied":
        raise ValidationError("该登记事项已作出决定，材料不能再变更")
    old = list(case.documents)
    case.documents = _documents(case.kind, documents)
    case.save(update_fields=["documents"])
    _audit(
        actor,
        AuditEvent.UPDATE,
        case,
        case.region_code,
        old={"documents": old},
        new={"documents": case.documents},
    )
    return case


def missing_documents(case: OrgCase) -> list[str]:
    have = set(case.documents)
    return [label for code, label in rules.CHECKLISTS[CaseKind(case.kind)] if code not in have]


@transaction.atomic
def org_case_decide(
    *,
    actor: Any,
    case: OrgCase,
    approve: bool,
    decision_no: str,
    decided_on: dt.date,
    note: str = "",
    credit_code: str = "",
) -> OrgCase:
    """准予 (every document of the checklist received; a registration gets its credit code) or 不予 with
    the reasons; the organisation's record follows the decision in the same transaction."""
    require(actor, "org.registry_manage", region_code=case.region_code, target=f"orgcase:{case.pk}")
    number = _decision_no(decision_no)
    plausible_date(decided_on, "决定日期", past_years=1)
    if decided_on < case.applied_on:
        raise ValidationError("决定日期不能早于受理日期")
    note = (note or "").strip()[:2000]
    org = Organisation.objects.select_for_update().get(pk=case.org_id)
    if approve:
        missing = missing_documents(case)
        if missing:
            raise ValidationError(f"材料不全，不能准予登记：缺{'、'.join(missing)}")
        code = credit_code_check(credit_code, org.kind) if case.kind == CaseKind.REGISTER else ""
        if code and Organisation.objects.filter(credit_code=code).exclude(pk=org.pk).exists():
            raise ValidationError({"credit_code": ["该统一社会信用代码已被其他组织使用"]})
    elif len(note) < 4:
        raise ValidationError("不予登记须写明理由（至少4字）")
    case_transition(
        actor=actor, workflow=flow(case), case=case, to="approved" if approve else "refused", note=number
    )
    case.decision_no, case.decided_on, case.decision_note = number, decided_on, note
    case.save(update_fields=["decision_no", "decided_on", "decision_note"])
    old = {"status": org.status}
    if approve and case.kind == CaseKind.REGISTER:
        org.status, org.registered_on, org.credit_code = Status.ACTIVE, decided_on, code
        org.last_activity_on = decided_on
    elif approve and case.kind == CaseKind.CHANGE:
        for key, value in case.changes.items():
            setattr(org, key, Decimal(value) if key == "registered_capital" else value)
    elif approve and case.kind == CaseKind.CANCEL:
        org.status, org.ended_on = Status.CANCELLED, decided_on
    elif case.kind == CaseKind.REGISTER:
        org.status, org.ended_on = Status.CANCELLED, decided_on  # the application ends; never registered
    org.save()
    _audit(
        actor,
        AuditEvent.DECISION,
        case,
        case.region_code,
        old=old,
        new={"decision": "准予" if approve else "不予", "decision_no": number, "status": org.status},
    )
    return case


@transaction.atomic
def org_reachability(*, actor: Any, org: Organisation, reachable: bool, note: str = "") -> Organisation:
    """Record that the organisation could (not) be reached at its registered address or contacts."""
    require(actor, "org.registry_manage", region_code=org.region_code, target=f"organisation:{org.pk}")
    Organisation.objects.filter(pk=org.pk).update(unreachable=not reachable)
    org.unreachable = not reachable
    _audit(
        actor,
        AuditEvent.UPDATE,
        org,
        org.region_code,
        detail=(note or "").strip()[:200],
        new={"unreachable": org.unreachable},
    )
    return org


# ---------------------------------------------------------------- filer binding
@transaction.atomic
def filer_bind(*, actor: Any, user: User, org: Organisation) -> OrgFiler:
    require(actor, "org.registry_manage", region_code=org.region_code, target=f"organisation:{org.pk}")
    if user.role not in roles_for("org.filing_submit"):
        raise ValidationError("只有社会组织填报员账号可以绑定到社会组织")
    binding, _ = OrgFiler.objects.update_or_create(user=user, defaults={"org": org, "bound_by": actor})
    _audit(
        actor, AuditEvent.UPDATE, org, org.region_code, detail="绑定社会组织填报账号", new={"user": user.pk}
    )
    return binding


def filer_org(actor: Any) -> Organisation | None:
    """The organisation a filer files for, or None (not a filer, or not bound)."""
    from minzheng.accounts.permissions import can

    if not can(actor, "org.filing_submit"):
        return None
    binding = OrgFiler.objects.select_related("org").filter(user=actor).first()
    return binding.org if binding else None


# ---------------------------------------------------------------- annual report
REPORT_FIELDS = ("income", "spending", "staff", "activities", "activity_summary", "party_building")


def _own_report(actor: Any, report: AnnualReport) -> Organisation:
    org = filer_org(actor)
    if org is None or report.org_id != org.pk:
        raise ValidationError(NOT_FOUND)
    return org


@transaction.atomic
def report_save(
    *,
    actor: Any,
    year: int,
    income: Decimal,
    spending: Decimal,
    staff: int,
    activities: int,
    activity_summary: str,
    party_building: str,
) -> AnnualReport:
    """A filer's draft of its own organisation's report for `year` (a returned report is edited again)."""
    require(actor, "org.filing_submit", target="annualreport")
    org = filer_org(actor)
    if org is None:
        raise ValidationError("您的账号尚未绑定社会组织，请联系登记管理机关")
    this_year = timezone.localdate().year
    if not org.registered_on or not org.registered_on.year <= year < this_year:
        raise ValidationError("只能报送本组织成立以后、本年度以前的年度报告")
    report, _ = AnnualReport.objects.select_for_update().get_or_create(
        org=org, year=year, defaults={"region_code": org.region_code}
    )
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise ValidationError(f"该年度报告当前为“{report.get_state_display()}”，不能修改")
    report.income, report.spending, report.staff, report.activities = income, spending, staff, activities
    report.activity_summary = (activity_summary or "").strip()[:4000]
    report.party_building = (party_building or "").strip()[:4000]
    report.save()
    _audit(actor, AuditEvent.UPDATE, report, org.region_code, new={"year": year})
    return report


@transaction.atomic
def report_submit(*, actor: Any, report: AnnualReport) -> AnnualReport:
    require(actor, "org.filing_submit", target=f"annualreport:{report.pk}")
    org = _own_report(actor, report)
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise ValidationError(f"该年度报告当前为“{report.get_state_display()}”，不能提交")
    if len(report.activity_summary) < 4:
        raise ValidationError("请填写主要活动情况后再提交")
    report.state, report.submitted_at, report.submitted_by = ReportState.SUBMITTED, timezone.now(), actor
    report.save(update_fields=["state", "submitted_at", "submitted_by"])
    if report.activities and (org.last_activity_on is None or org.last_activity_on.year < report.year):
        Organisation.objects.filter(pk=org.pk).update(last_activity_on=dt.date(report.year, 12, 31))
    _audit(actor, AuditEvent.UPDATE, report, org.region_code, detail="提交年度报告")
    return report


def _review(
    *, actor: Any, row: Any, states: tuple[str, str, str], what: str, approve: bool, reason: str
) -> Any:
    """The bureau's review of a filing (annual report, campaign result), locked by the caller: approve,
    or return it with a reason the filer reads."""
    submitted, approved, returned = states
    if row.state != submitted:
        raise ValidationError(f"该{what}当前为“{row.get_state_display()}”，不能审核")
    reason = (reason or "").strip()[:2000]
    if not approve and len(reason) < 4:
        raise ValidationError("退回须写明原因（至少4字）")
    row.state = approved if approve else returned
    row.return_reason = "" if approve else reason
    row.reviewed_by, row.reviewed_at = actor, timezone.now()
    row.save(update_fields=["state", "return_reason", "reviewed_by", "reviewed_at"])
    _audit(
        actor,
        AuditEvent.DECISION,
        row,
        row.region_code,
        new={"decision": "通过" if approve else "退回", "reason": reason},
    )
    return row


@transaction.atomic
def report_review(*, actor: Any, report: AnnualReport, approve: bool, reason: str = "") -> AnnualReport:
    require(actor, "org.filing_review", region_code=report.region_code, target=f"annualreport:{report.pk}")
    return _review(
        actor=actor,
        row=AnnualReport.objects.select_for_update().get(pk=report.pk),
        states=(ReportState.SUBMITTED, ReportState.APPROVED, ReportState.RETURNED),
        what="年度报告",
        approve=approve,
        reason=reason,
    )


# ---------------------------------------------------------------- grade evaluation
@transaction.atomic
def evaluation_record(
    *, actor: Any, org: Organisation, scores: dict[str, Decimal], evaluated_on: dt.date
) -> Evaluation:
    require(actor, "org.inspect", region_code=org.region_code, target=f"organisation:{org.pk}")
    if org.status != Status.ACTIVE:
        raise ValidationError("只能评估正常登记的社会组织")
    plausible_date(evaluated_on, "评估日期", past_years=1)
    total, level, years = rules.grade(scores, on=evaluated_on, region_code=org.region_code)
    ev = Evaluation.objects.create(
        org=org,
        region_code=org.region_code,
        evaluated_on=evaluated_on,
        scores={k: str(v) for k, v in scores.items() if k in dict(rules.SECTIONS)},
        total=total,
        grade=level,
        valid_until=evaluated_on.replace(year=evaluated_on.year + years) - dt.timedelta(days=1)
        if level
        else None,
        evaluated_by=actor,
    )
    _audit(
        actor, AuditEvent.DECISION, ev, org.region_code, new={"total": str(total), "grade": ev.grade_label}
    )
    return ev


# ---------------------------------------------------------------- 双随机一公开
def inspectors_for(region_code: str) -> list[User]:
    """The officers who may inspect in `region_code` (their region is a prefix of it), in a stable order."""
    prefixes = [region_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(region_code)]
    return list(
        User.objects.filter(
            is_active=True, role__in=roles_for("org.inspect"), region__code__in=prefixes
        ).order_by("pk")
    )


@transaction.atomic
def inspection_draw(
    *, actor: Any, region_code: str, year: int, size: int, seed: int | None = None
) -> InspectionDraw:
    """双随机: a reproducible draw of active organisations × two inspectors each, by the shared pure
    `core.draw.draw_pairs` over pools in a stable order (by id); the seed is kept and published,
    so anyone can redo the draw."""
    require(actor, "org.inspect", region_code=region_code, target="inspectiondraw:new")
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationError("抽查年度不正确")
    pool = list(
        Organisation.objects.filter(region_code__startswith=region_code, status=Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    inspectors = inspectors_for(region_code)
    if not pool:
        raise ValidationError("该区划没有可抽查的正常登记社会组织")
    if not 1 <= size <= len(pool):
        raise ValidationError(f"抽取数量应在1至{len(pool)}之间")
    if len(inspectors) < 2:
        raise ValidationError("执法检查人员不足2名，不能随机匹配")
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    pairs = draw_pairs(seed, pool, [u.pk for u in inspectors], size)
    draw = InspectionDraw.objects.create(
        region_code=region_code,
        year=year,
        seed=seed,
        size=size,
        drawn_on=timezone.localdate(),
        drawn_by=actor,
    )
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=[pk for pk, _ in pairs])}
    for pk, people in pairs:
        item = Inspection.objects.create(draw=draw, org=orgs[pk], region_code=orgs[pk].region_code)
        item.inspectors.set(people)
    chosen = [pk for pk, _ in pairs]
    _audit(actor, AuditEvent.CREATE, draw, region_code, new={"seed": seed, "size": size, "orgs": chosen})
    return draw


@transaction.atomic
def inspection_record(
    *, actor: Any, item: Inspection, inspected_on: dt.date, findings: str, rectify_by: dt.date | None
) -> Inspection:
    require(actor, "org.inspect", region_code=item.region_code, target=f"inspection:{item.pk}")
    if item.state != InspectionState.DRAWN:
        raise ValidationError("该抽查已记录检查结果")
    plausible_date(inspected_on, "检查日期", past_years=1)
    findings = (findings or "").strip()[:4000]
    if rectify_by is not None:
        if len(findings) < 4:
            raise ValidationError("责令整改须写明检查发现的问题")
        plausible_date(rectify_by, "整改期限", future_days=366)
        if rectify_by <= inspected_on:
            raise ValidationError("整改期限应晚于检查日期")
    item.inspected_on, item.findings, item.rectify_by = inspected_on, findings, rectify_by
    item.state = InspectionState.RECTIFYING if rectify_by else InspectionState.PASSED
    item.save()
    _audit(actor, AuditEvent.UPDATE, item, item.region_code, new={"state": item.state})
    return item


@transaction.atomic
def inspection_rectified(*, actor: Any, item: Inspection, rectified_on: dt.date, note: str) -> Inspection:
    require(actor, "org.inspect", region_code=item.region_code, target=f"inspection:{item.pk}")
    if item.state != InspectionState.RECTIFYING:
        raise ValidationError("该抽查没有待整改的问题")
    plausible_date(rectified_on, "整改完成日期", past_years=1)
    item.rectified_on, item.rectification = rectified_on, _text(note, "整改情况", lo=4, hi=4000)
    item.state = InspectionState.RECTIFIED
    item.save()
    _audit(actor, AuditEvent.UPDATE, item, item.region_code, new={"state": item.state})
    return item


# ---------------------------------------------------------------- penalties, revocation
@transaction.atomic
def penalty_decide(
    *,
    actor: Any,
    org: Organisation,
    kind: str,
    legal_basis: str,
    facts: str,
    amount: Decimal,
    decision_no: str,
    decided_on: dt.date,
) -> Penalty:
    """An administrative penalty with its legal basis; 撤销登记 also ends the organisation's registration."""
    require(actor, "org.registry_manage", region_code=org.region_code, target=f"organisation:{org.pk}")
    if kind not in PenaltyKind.values:
        raise ValidationError("请选择处罚种类")
    if legal_basis not in LegalBasis.values:
        raise ValidationError("请选择处罚的法律依据")
    if org.status != Status.ACTIVE:
        raise ValidationError(f"该组织当前为“{org.get_status_display()}”，不能处罚")
    if kind in (PenaltyKind.FINE, PenaltyKind.CONFISCATE) and amount <= 0:
        raise ValidationError("罚款或没收违法所得须填写金额")
    plausible_date(decided_on, "决定日期", past_years=1)
    penalty = Penalty.objects.create(
        org=org,
        region_code=org.region_code,
        kind=kind,
        legal_basis=legal_basis,
        facts=_text(facts, "违法事实", lo=4, hi=4000),
        amount=amount if kind in (PenaltyKind.FINE, PenaltyKind.CONFISCATE) else Decimal(0),
        decision_no=_decision_no(decision_no),
        decided_on=decided_on,
        decided_by=actor,
    )
    if kind == PenaltyKind.REVOKE:
        Organisation.objects.filter(pk=org.pk).update(status=Status.REVOKED, ended_on=decided_on)
        org.status, org.ended_on = Status.REVOKED, decided_on
    _audit(
        actor,
        AuditEvent.DECISION,
        penalty,
        org.region_code,
        new={"kind": kind, "decision_no": penalty.decision_no},
    )
    return penalty


# ---------------------------------------------------------------- illegal organisations
@transaction.atomic
def illegal_open(*, actor: Any, region_code: str, name: str, found_on: dt.date, summary: str) -> IllegalCase:
    if not Region.objects.filter(code=region_code).exists():
        raise ValidationError("请选择发现地区划")
    require(actor, "org.registry_manage", region_code=region_code, target="illegalcase:new")
    plausible_date(found_on, "发现日期", past_years=10)
    case = IllegalCase.objects.create(
        region_code=region_code,
        name=_text(name, "涉嫌非法社会组织名称", lo=2, hi=100),
        found_on=found_on,
        summary=_text(summary, "线索及情况", lo=4, hi=4000),
        opened_by=actor,
    )
    _audit(actor, AuditEvent.CREATE, case, region_code)
    return case


@transaction.atomic
def illegal_close(
    *, actor: Any, case: IllegalCase, banned: bool, decision_no: str, closed_on: dt.date
) -> IllegalCase:
    require(actor, "org.registry_manage", region_code=case.region_code, target=f"illegalcase:{case.pk}")
    if case.state != IllegalState.OPEN:
        raise ValidationError("该案件已办结")
    plausible_date(closed_on, "办结日期", past_years=10)
    if closed_on < case.found_on:
        raise ValidationError("办结日期不能早于发现日期")
    case.decision_no = _decision_no(decision_no) if banned else (decision_no or "").strip()[:40]
    case.state = IllegalState.BANNED if banned else IllegalState.CLOSED
    case.closed_on = closed_on
    case.save()
    _audit(actor, AuditEvent.DECISION, case, case.region_code, new={"state": case.state})
    return case


# ---------------------------------------------------------------- campaigns (减费让利 and other tasks)
@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    region_code: str,
    kind: str,
    title: str,
    target_kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    requirement: str = "",
) -> Campaign:
    """The bureau sets a task for the organisations of a region (of one type, or "" for every type)."""
    require(actor, "org.registry_manage", region_code=region_code, target="campaign:new")
    if kind not in CampaignKind.values:
        raise ValidationError("请选择行动类别")
    if target_kind and target_kind not in Kind.values:
        raise ValidationError("面向组织类型不正确")
    plausible_date(starts_on, "开始日期", future_days=366)
    plausible_date(ends_on, "截止日期", future_days=366 * 2)
    if ends_on < starts_on:
        raise ValidationError("截止日期不能早于开始日期")
    campaign = Campaign.objects.create(
        region_code=region_code,
        kind=kind,
        title=_text(title, "行动名称", lo=2, hi=100),
        target_kind=target_kind,
        starts_on=starts_on,
        ends_on=ends_on,
        requirement=_text(requirement, "工作要求", lo=0, hi=2000),
        created_by=actor,
    )
    _audit(
        actor,
        AuditEvent.CREATE,
        campaign,
        region_code,
        new={"kind": kind, "target_kind": target_kind, "from": str(starts_on), "to": str(ends_on)},
    )
    return campaign


def campaign_targets_org(campaign: Campaign, org: Organisation) -> bool:
    """Whether the campaign is set for this organisation (region, type, active)."""
    return (
        org.status == Status.ACTIVE
        and org.region_code.startswith(campaign.region_code)
        and campaign.target_kind in ("", org.kind)
    )


@transaction.atomic
def campaign_result_file(
    *, actor: Any, campaign: Campaign, beneficiaries: int, amount: Decimal, summary: str
) -> CampaignResult:
    """A filer reports its own organisation's result, within the campaign's period (a returned result is
    filed again); the bureau then reviews it."""
    require(actor, "org.filing_submit", target=f"campaign:{campaign.pk}")
    org = filer_org(actor)
    if org is None:
        raise ValidationError("您的账号尚未绑定社会组织，请联系登记管理机关")
    if not campaign_targets_org(campaign, org):
        raise ValidationError(NOT_FOUND)
    today = timezone.localdate()
    if not campaign.starts_on <= today <= campaign.ends_on:
        raise ValidationError(
            f"该行动的报送期为{campaign.starts_on:%Y-%m-%d}至{campaign.ends_on:%Y-%m-%d}，当前不在报送期内"
        )
    if amount < 0 or beneficiaries < 0:
        raise ValidationError("金额和人次不能为负数")
    summary = _text(summary, "开展情况", lo=4, hi=4000)
    result = CampaignResult.objects.select_for_update().filter(campaign=campaign, org=org).first()
    if result is not None and result.state != ResultState.RETURNED:
        raise ValidationError(f"本组织的结果当前为“{result.get_state_display()}”，不能重复报送")
    result = result or CampaignResult(campaign=campaign, org=org, region_code=org.region_code)
    result.state, result.beneficiaries, result.amount, result.summary = (
        ResultState.SUBMITTED,
        beneficiaries,
        amount,
        summary,
    )
    result.filed_by, result.filed_at, result.return_reason = actor, timezone.now(), ""
    result.save()
    _audit(
        actor,
        AuditEvent.UPDATE,
        result,
        org.region_code,
        detail="报送专项行动结果",
        new={"campaign": campaign.pk, "beneficiaries": beneficiaries, "amount": str(amount)},
    )
    return result


@transaction.atomic
def campaign_result_review(
    *, actor: Any, result: CampaignResult, approve: bool, reason: str = ""
) -> CampaignResult:
    require(actor, "org.filing_review", region_code=result.region_code, target=f"campaignresult:{result.pk}")
    return _review(
        actor=actor,
        row=CampaignResult.objects.select_for_update().get(pk=result.pk),
        states=(ResultState.SUBMITTED, ResultState.APPROVED, ResultState.RETURNED),
        what="结果",
        approve=approve,
        reason=reason,
    )
