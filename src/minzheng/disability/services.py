"""The writes of the two subsidies: intake (township clerk), decision (township approver or county
officer) onto enrolments, and the automatic stops a screening run triggers (death, tekun). Enrolments go
through the benefits services (audited there); every other write is audited here, in the same
transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from minzheng.accounts.permissions import can, require
from minzheng.accounts.scoping import actor_prefix
from minzheng.assistance.letters import Office, issuing_office
from minzheng.assistance.numbering import document_number_issue
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import add_months, enrolment_create, enrolment_end, first_of_month
from minzheng.core.dates import plausible_date
from minzheng.people.models import Household, Person

from .models import (
    Attendance,
    DeviceLoan,
    DeviceStock,
    DeviceType,
    Kind,
    RehabEnrolment,
    RehabSite,
    Status,
    SubsidyApplication,
)
from .rules import CARE, LIVING, TRIAL, evaluate_case

PROGRAMMES = (LIVING, CARE)
EXPORT_LIMIT = 20_000  # rows in one Excel export (a county's loans fit many times over)


def _household_of(person: Person) -> Household | None:
    from minzheng.people.models import Membership

    m = Membership.objects.filter(person=person, end_date__isnull=True).select_related("household").first()
    return m.household if m else None


def certificate_check(
    *, person: Person, certificate_no: str, grade: int, kind: str, issued_on: dt.date
) -> str:
    """The certificate as the intake takes it (also the online form's check): the number normalised, or
    a ValidationError keyed by the field at fault."""
    cert = (certificate_no or "").strip().upper()
    if not (19 <= len(cert) <= 24) or not cert[:17].isdigit() or not cert[18:].isdigit():
        raise ValidationError(
            {"certificate_no": "残疾人证号格式不正确（应为身份证号加残疾类别、等级代码，共20位）"}
        )
    if person.is_identified and not cert.startswith(person.id_number):
        raise ValidationError({"certificate_no": "残疾人证号与申请人身份证号不一致"})
    if grade not in (1, 2, 3, 4):
        raise ValidationError({"grade": "残疾等级应为一至四级"})
    if kind not in Kind.values:
        raise ValidationError({"kind": "残疾类别无效"})
    try:
        plausible_date(issued_on, "发证日期")
    except ValidationError as e:
        raise ValidationError({"issued_on": e.messages}) from None
    if issued_on < person.birth_date:
        raise ValidationError({"issued_on": "发证日期不能早于申请人出生日期"})
    return cert


@transaction.atomic
def application_intake(
    *,
    actor: Any,
    person: Person,
    certificate_no: str,
    grade: int,
    kind: str,
    issued_on: dt.date,
    household_dibao: bool = False,
    tekun: bool = False,
    work_injury_care: bool = False,
) -> SubsidyApplication:
    """受理: the township clerk records the certificate (number, grade, kind, date) and the facts the rule
    reads."""
    require(actor, "disability.intake", region_code=person.region_code, target=f"person:{person.pk}")
    cert = certificate_check(
        person=person, certificate_no=certificate_no, grade=grade, kind=kind, issued_on=issued_on
    )
    if not person.is_alive:
        raise ValidationError("申请人已死亡，不能受理")
    if SubsidyApplication.objects.filter(person=person, status=Status.SUBMITTED).exists():
        raise ValidationError("该申请人已有待审批的两项补贴申请")
    app = SubsidyApplication.objects.create(
        person=person,
        household=_household_of(person),
        region_code=person.region_code,
        certificate_no=cert,
        grade=grade,
        kind=kind,
        issued_on=issued_on,
        household_dibao=household_dibao,
        tekun=tekun,
        work_injury_care=work_injury_care,
        intake_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="disability.application",
        target_id=app.pk,
        region_code=app.region_code,
        detail=f"受理残疾人两项补贴申请（{app.get_kind_display()}{app.get_grade_display()}）",
    )
    return app


def trial_input(app: SubsidyApplication, on: dt.date) -> dict[str, Any]:
    """The application as the trial calculation's case (assess-lines.md `disability_subsidy`)."""
    return {
        "programme": TRIAL,
        "date": on.isoformat(),
        "region": app.region_code,
        "hukou_type": app.person.hukou_type,
        "household_dibao": app.household_dibao,
        "members": [
            {
                "id_number": app.person.id_number,
                "relation": "head",
                "disability_grade": app.grade,
                "disability_kind": app.kind,
                "tekun": app.tekun,
                "work_injury_care": app.work_injury_care,
            }
        ],
    }


def decision_office(actor: Any, app: SubsidyApplication) -> Office:
    """The issuing authority: the county bureau when a county officer decides, else the township."""
    prefix = actor_prefix(actor) or ""
    return issuing_office(region_code=app.region_code, level="county" if len(prefix) <= 6 else "township")


def _letter_no(actor: Any, app: SubsidyApplication, on: dt.date) -> str:
    office = decision_office(actor, app)
    return document_number_issue(
        actor=actor,
        target=f"disability.application:{app.pk}",
        office_code=office.code,
        office_name=office.name,
        prefix=office.prefix.replace("救", "残补"),
        year=on.year,
    ).number


@transaction.atomic
def application_decide(*, actor: Any, application: SubsidyApplication, note: str = "") -> SubsidyApplication:
    """审批: run the one rule on the application's facts for this month; approve what it grants (one or
    both subsidies, enrolled from this month) or refuse, keeping rule version, inputs and result."""
    app = SubsidyApplication.objects.select_for_update().select_related("person").get(pk=application.pk)
    require(
        actor,
        "disability.subsidy_decide",
        region_code=app.region_code,
        target=f"disability.application:{app.pk}",
    )
    if app.status != Status.SUBMITTED:
        raise ValidationError("该申请已审批，不能重复审批")
    if app.intake_by_id == actor.pk:
        raise ValidationError("受理人与审批人不能为同一人（经办与审核分离）")
    today = timezone.localdate()
    month = first_of_month(today)
    evaluated = evaluate_case(trial_input(app, today))
    result = evaluated.as_dict()
    app.result = result
    app.inputs = {
        "残疾等级": app.get_grade_display(),
        "残疾类别": app.get_kind_display(),
        "家庭享受低保": app.household_dibao,
        "特困供养人员": app.tekun,
        "享受工伤保险生活护理费": app.work_injury_care,
        "政策参数": dict(evaluated.inputs),
    }
    app.rule_version = result["rule_version"]
    app.living_amount = result["living_subsidy"]
    app.care_amount = result["care_subsidy"]
    app.status = Status.APPROVED if result["eligible"] else Status.REJECTED
    app.decided_by = actor
    app.decided_at = timezone.now()
    app.first_month = month if result["eligible"] else None
    app.note = note[:200]
    app.letter_no = _letter_no(actor, app, today)
    app.save()
    for code, amount in ((LIVING, app.living_amount), (CARE, app.care_amount)):
        if amount:
            enrolment_create(
                actor=actor,
                programme=code,
                person=app.person,
                household=app.household,
                amount=amount,
                first_month=month,
                tier=app.get_grade_display(),
                source_type="disability.application",
                source_id=app.pk,
                rule_version=app.rule_version,
            )
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="disability.application",
        target_id=app.pk,
        region_code=app.region_code,
        detail=f"审批残疾人两项补贴：{app.get_status_display()}，生活补贴{app.living_amount}元、护理补贴{app.care_amount}元",
    )
    return app


def _current(person: Any, code: str, month: dt.date) -> list[Enrolment]:
    return list(Enrolment.objects.filter(person=person, programme=code).exclude(last_month__lt=month))


def _stop(
    *, actor: Any, person: Any, codes: tuple[str, ...], last: dt.date, reason: str, month: dt.date
) -> int:
    changed = 0
    for code in codes:
        for e in _current(person, code, month):
            enrolment_end(actor=actor, enrolment=e, last_month=max(last, e.first_month), reason=reason)
            changed += 1
    return changed


@transaction.atomic
def subsidy_stop_on_death(*, actor: Any, alert: Any, month: dt.date, source_id: Any) -> int | None:
    """The alerts `died_dis_living` / `died_dis_care`: paid up to the month of death, stopped from the
    month after (policy.md). None when nothing is paid any more."""
    code = alert.rule.removeprefix("died_")
    raw = (alert.evidence or {}).get("死亡日期")
    died = dt.date.fromisoformat(str(raw)[:10]) if raw else month
    changed = _stop(
        actor=actor,
        person=alert.person,
        codes=(code,),
        last=first_of_month(died),
        reason="死亡停发",
        month=month,
    )
    return changed or None


@transaction.atomic
def subsidy_stop_on_tekun(*, actor: Any, alert: Any, month: dt.date, source_id: Any) -> int | None:
    """The alert `dis_tekun`: tekun support includes both, so both stop from this month."""
    changed = _stop(
        actor=actor,
        person=alert.person,
        codes=PROGRAMMES,
        last=add_months(month, -1),
        reason="纳入特困供养，停发两项补贴",
        month=month,
    )
    return changed or None


# ---------------------------------------------------------------- community rehabilitation, device rental
def _audit(
    actor: Any, kind: str, pk: Any, region_code: str, detail: str, event: str = AuditEvent.CREATE
) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        target_type=f"disability.{kind}",
        target_id=pk,
        region_code=region_code,
        detail=detail,
    )


def _serves(actor: Any, person: Person) -> None:
    """A person outside the actor's region reads as not found (never who they are)."""
    if not person.is_alive or not can(actor, "disability.rehab", region_code=person.region_code):
        raise ValidationError("未找到该人员，或不在您的管辖范围内")


@transaction.atomic
def rehab_enrol(*, actor: Any, site: RehabSite, person: Person, start_date: dt.date) -> RehabEnrolment:
    """入站: within the site's capacity, once at a time."""
    require(
        actor, "disability.rehab", region_code=site.region_code, target=f"disability.rehab_site:{site.pk}"
    )
    _serves(actor, person)
    plausible_date(start_date, "入站日期", future_days=31)
    site = RehabSite.objects.select_for_update().get(pk=site.pk)
    if site.enrolments.filter(end_date__isnull=True).count() >= site.capacity:
        raise ValidationError("康复站已满员")
    if site.enrolments.filter(person=person, end_date__isnull=True).exists():
        raise ValidationError("该服务对象已在本站")
    e = RehabEnrolment.objects.create(
        site=site, person=person, region_code=site.region_code, start_date=start_date
    )
    _audit(actor, "rehab_enrolment", e.pk, e.region_code, f"{site.name}入站")
    return e


@transaction.atomic
def rehab_attendance_mark(*, actor: Any, enrolment: RehabEnrolment, day: dt.date, mark: str) -> Attendance:
    """出勤/请假 of one day (a second mark the same day replaces the first)."""
    require(
        actor,
        "disability.rehab",
        region_code=enrolment.region_code,
        target=f"disability.rehab:{enrolment.pk}",
    )
    if mark not in Attendance.Mark.values:
        raise ValidationError("出勤标记无效")
    plausible_date(day, "出勤日期")
    if day < enrolment.start_date or (enrolment.end_date and day > enrolment.end_date):
        raise ValidationError("日期不在该对象的在站期间")
    a, _ = Attendance.objects.update_or_create(enrolment=enrolment, day=day, defaults={"mark": mark})
    _audit(actor, "attendance", enrolment.pk, enrolment.region_code, f"{day}：{a.get_mark_display()}")
    return a


@transaction.atomic
def rehab_leave(*, actor: Any, enrolment: RehabEnrolment, end_date: dt.date, reason: str) -> RehabEnrolment:
    """离站."""
    require(
        actor,
        "disability.rehab",
        region_code=enrolment.region_code,
        target=f"disability.rehab:{enrolment.pk}",
    )
    if enrolment.end_date is not None:
        raise ValidationError("该服务对象已离站")
    plausible_date(end_date, "离站日期")
    if end_date < enrolment.start_date:
        raise ValidationError("离站日期不能早于入站日期")
    if not (reason or "").strip():
        raise ValidationError("请填写离站原因")
    enrolment.end_date, enrolment.end_reason = end_date, reason[:100]
    enrolment.save(update_fields=["end_date", "end_reason"])
    _audit(
        actor,
        "rehab_enrolment",
        enrolment.pk,
        enrolment.region_code,
        f"离站：{reason[:50]}",
        AuditEvent.UPDATE,
    )
    return enrolment


@transaction.atomic
def device_lend(*, actor: Any, stock: DeviceStock, person: Person, lent_on: dt.date) -> DeviceLoan:
    """借出: one off the site's stock, due after the device's loan period."""
    require(
        actor, "disability.rehab", region_code=stock.site.region_code, target=f"disability.stock:{stock.pk}"
    )
    _serves(actor, person)
    plausible_date(lent_on, "借出日期")
    stock = DeviceStock.objects.select_for_update().select_related("device", "site").get(pk=stock.pk)
    if stock.on_hand < 1:
        raise ValidationError(f"{stock.site.name}的{stock.device.name}已无库存")
    stock.on_hand -= 1
    stock.save(update_fields=["on_hand"])
    loan = DeviceLoan.objects.create(
        stock=stock,
        person=person,
        region_code=person.region_code,
        lent_on=lent_on,
        due_on=lent_on + dt.timedelta(days=stock.device.loan_days),
    )
    _audit(actor, "device_loan", loan.pk, loan.region_code, f"借出{stock.device.name}")
    return loan


@transaction.atomic
def device_return(*, actor: Any, loan: DeviceLoan, returned_on: dt.date) -> DeviceLoan:
    """归还: back into the stock it came from."""
    loan = DeviceLoan.objects.select_for_update().select_related("stock").get(pk=loan.pk)
    require(
        actor, "disability.rehab", region_code=loan.region_code, target=f"disability.device_loan:{loan.pk}"
    )
    if loan.returned_on is not None:
        raise ValidationError("该辅具已归还")
    plausible_date(returned_on, "归还日期")
    if returned_on < loan.lent_on:
        raise ValidationError("归还日期不能早于借出日期")
    loan.returned_on = returned_on
    loan.save(update_fields=["returned_on"])
    DeviceStock.objects.filter(pk=loan.stock_id).update(on_hand=models.F("on_hand") + 1)
    _audit(actor, "device_loan", loan.pk, loan.region_code, "辅具归还", AuditEvent.UPDATE)
    return loan


# ---------------------------------------------------------------- the desk's set-up: sites, catalogue, stock
@transaction.atomic
def rehab_site_create(*, actor: Any, name: str, region_code: str, capacity: int) -> RehabSite:
    """A 精神障碍社区康复站 (also the service point that keeps assistive devices), in the actor's region."""
    require(actor, "disability.rehab", region_code=region_code or "-", target="disability.rehab_site:new")
    name = (name or "").strip()
    if not 2 <= len(name) <= 100:
        raise ValidationError("请填写康复站名称（2至100字）")
    if len(region_code) < 9:
        raise ValidationError("请选择康复站所在的乡镇（街道）或村（社区）")
    if not 1 <= capacity <= 1000:
        raise ValidationError("服务容量应为1至1000人")
    if RehabSite.objects.filter(name=name, region_code=region_code).exists():
        raise ValidationError("该地已有同名康复站")
    site = RehabSite.objects.create(name=name, region_code=region_code, capacity=capacity)
    _audit(actor, "rehab_site", site.pk, region_code, f"新建康复站{name}（容量{capacity}人）")
    return site


@transaction.atomic
def device_type_create(*, actor: Any, name: str, loan_days: int) -> DeviceType:
    """辅具目录: one device kind lent across the city, with its loan period."""
    require(actor, "disability.rehab", target="disability.device_type:new")
    name = (name or "").strip()
    if not 2 <= len(name) <= 60:
        raise ValidationError("请填写辅具名称（2至60字）")
    if not 1 <= loan_days <= 3650:
        raise ValidationError("租借期限应为1至3650天")
    if DeviceType.objects.filter(name=name).exists():
        raise ValidationError("辅具目录中已有该辅具")
    device = DeviceType.objects.create(name=name, loan_days=loan_days)
    _audit(actor, "device_type", device.pk, "", f"辅具目录新增{name}（租借期限{loan_days}天）")
    return device


@transaction.atomic
def device_stock_add(*, actor: Any, site: RehabSite, device: DeviceType, quantity: int) -> DeviceStock:
    """入库: `quantity` more of a device at a site's store."""
    require(
        actor, "disability.rehab", region_code=site.region_code, target=f"disability.rehab_site:{site.pk}"
    )
    if not 1 <= quantity <= 1000:
        raise ValidationError("入库数量应为1至1000")
    stock, _ = DeviceStock.objects.select_for_update().get_or_create(site=site, device=device)
    DeviceStock.objects.filter(pk=stock.pk).update(on_hand=models.F("on_hand") + quantity)
    stock.refresh_from_db()
    _audit(actor, "device_stock", stock.pk, site.region_code, f"{site.name}入库{device.name}{quantity}件")
    return stock


LOAN_EXPORT_HEADER = (
    "借用人",
    "身份证号",
    "所在地",
    "辅具",
    "服务点",
    "借出日期",
    "应还日期",
    "归还日期",
    "状态",
)


def device_loans_export_xlsx(*, actor: Any, on: dt.date, overdue_only: bool, ip: str = "") -> bytes:
    """The loans list (or the overdue list) as an Excel file: masked IDs, names not codes; one audited
    EXPORT row (formula-looking names come out as text through core.spreadsheet)."""
    from minzheng.core.labels import region_names
    from minzheng.core.spreadsheet import xlsx_bytes

    from .selectors import device_loans  # selectors read models only; imported at call time

    require(actor, "disability.rehab", target="disability:loans_export")
    loans = list(device_loans(actor=actor, on=on, overdue_only=overdue_only)[:EXPORT_LIMIT])
    names = region_names(x.region_code for x in loans)
    rows = [
        [
            x.person.name,
            x.person.id_masked,
            names.get(x.region_code, "未知区划"),
            x.stock.device.name,
            x.stock.site.name,
            x.lent_on.isoformat(),
            x.due_on.isoformat(),
            x.returned_on.isoformat() if x.returned_on else "",
            x.state_label(on),
        ]
        for x in loans
    ]
    content = xlsx_bytes(LOAN_EXPORT_HEADER, rows, title="辅具租借")
    region = getattr(actor, "region", None)
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type="disability.device_loan",
        region_code=region.code if region else "",
        detail=f"导出辅具{'逾期' if overdue_only else '租借'}记录{len(rows)}条",
        ip=ip,
    )
    return content
