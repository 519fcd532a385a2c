"""Writes of the special-difficulty families line: keyword-only, typed, atomic, audited in the same
transaction. Money goes through benefits (one enrolment each, paid by the county's monthly payroll, whose
generate/freeze is itself make-and-check); the festival list is made by one officer and decided by
another."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from minzheng.accounts.makecheck import require_other_person
from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.services import enrolment_create, first_of_month
from minzheng.core.dates import plausible_date
from minzheng.people.models import Household, Person
from minzheng.policy.selectors import PolicyMissing, policy_resolve

from . import categories as cat
from . import selectors
from .models import (
    CondolenceLine,
    CondolenceRun,
    CondolenceState,
    Festival,
    HardshipHousehold,
    HardshipKind,
    TekunInsurance,
    TekunWillingness,
)

FESTIVAL, STUDENT, MEDICAL = "sf_festival", "sf_student", "sf_medical"
EXPORT_LIMIT = 20000


def _figure(key: str, *, on: dt.date, region_code: str, hukou_type: str = "") -> Decimal:
    try:
        return Decimal(str(policy_resolve(on=on, region_code=region_code, hukou_type=hukou_type).get(key)))
    except PolicyMissing:
        raise ValidationError(f"政策参数“{key}”在{on:%Y年%m月%d日}未设定，请先在政策参数中设定") from None


def _categories(*, person: Person, on: dt.date) -> tuple[list[int], int | None]:
    row = cat.annotated(on).filter(pk=person.pk).first()
    return (cat.categories_of(row), getattr(row, "severity", None)) if row is not None else ([], None)


# ------------------------------------------------------------------ 低保边缘 / 支出型困难 recognition
@transaction.atomic
def hardship_household_record(
    *, actor: Any, household: Household, kind: str, recognised_on: dt.date, basis: str
) -> HardshipHousehold:
    """Record a household as 低保边缘 or 支出型困难 (categories 3 and 4 read it)."""
    require(
        actor, "specialfamilies.record", region_code=household.region_code, target=f"household:{household.pk}"
    )
    if kind not in HardshipKind.values:
        raise ValidationError("请选择困难类型：低保边缘家庭或支出型困难家庭")
    plausible_date(recognised_on, label="认定日期")
    basis = basis.strip()
    if not basis:
        raise ValidationError("请填写认定依据")
    if HardshipHousehold.objects.filter(household=household, kind=kind, ended_on__isnull=True).exists():
        raise ValidationError(f"该家庭已认定为{HardshipKind(kind).label}，不能重复认定")
    row = HardshipHousehold.objects.create(
        household=household,
        kind=kind,
        region_code=household.region_code,
        recognised_on=recognised_on,
        basis=basis[:200],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="specialfamilies.hardship",
        target_id=row.pk,
        region_code=row.region_code,
        new={"household": household.pk, "kind": kind, "recognised_on": recognised_on},
    )
    return row


# ------------------------------------------------------------------ student aid, medical aid
SCHOOL_YEAR = re.compile(r"^(\d{4})(?:\s*[-－—–至~/]\s*(\d{4}))?\s*(?:学年)?$")


def school_year_label(text: str, *, month: dt.date) -> str:
    """The school year a grant is for, as "2026-2027学年": entered as its first year (2026) or both years;
    only this school year (starting in September) or the one before may be paid — a later one is not yet
    due, an earlier one is past."""
    m = SCHOOL_YEAR.match((text or "").strip())
    current = month.year if month.month >= 9 else month.year - 1
    hint = f"请按四位年份填写学年，如{current}或{current}-{current + 1}学年"
    if m is None:
        raise ValidationError(hint)
    first = int(m.group(1))
    if m.group(2) and int(m.group(2)) != first + 1:
        raise ValidationError(f"学年的两个年份应相连，{hint}")
    if not current - 1 <= first <= current:
        raise ValidationError(
            f"只能发放本学年（{current}-{current + 1}学年）"
            f"或上一学年（{current - 1}-{current}学年）的在校生教育补助"
        )
    return f"{first}-{first + 1}学年"


def _lock(person: Person) -> None:
    """Serialise grants to one person: the check for an earlier grant and the new enrolment happen under the
    person's row lock, so two submits of the same form cannot both pass the check."""
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()


@transaction.atomic
def student_aid_grant(*, actor: Any, person: Person, month: dt.date, school_year: str) -> Any:
    """在校生教育免补: the year's school aid (policy figure) to a category-5 student, once per school year."""
    require(actor, "specialfamilies.grant", region_code=person.region_code, target=f"person:{person.pk}")
    month = first_of_month(month)
    numbers, _sev = _categories(person=person, on=month)
    if 5 not in numbers:
        raise ValidationError(f"{person.name}不是特殊困难家庭在校生，不能发放在校生教育补助")
    tier = school_year_label(school_year, month=month)
    from minzheng.benefits.models import Enrolment

    _lock(person)  # a double submit waits here and then finds the first grant
    if Enrolment.objects.filter(programme=STUDENT, person=person, tier=tier).exists():
        raise ValidationError(f"{person.name}{tier}的在校生教育补助已发放，不能重复发放")
    amount = _figure("specialfamilies.student_aid_year", on=month, region_code=person.region_code)
    return enrolment_create(
        actor=actor,
        programme=STUDENT,
        person=person,
        household=None,
        amount=int(amount),
        first_month=month,
        last_month=month,
        tier=tier,
        source_type="specialfamilies",
        source_id="student",
    )


@transaction.atomic
def medical_aid_grant(
    *, actor: Any, person: Person, month: dt.date, out_of_pocket: Decimal, note: str
) -> Any:
    """合规个人自负住院医疗费用: the share the public purse bears (policy figure: all of it) of a hospital
    bill's compliant out-of-pocket amount, paid once in `month`."""
    require(actor, "specialfamilies.grant", region_code=person.region_code, target=f"person:{person.pk}")
    month = first_of_month(month)
    numbers, _sev = _categories(person=person, on=month)
    if not numbers:
        raise ValidationError(f"{person.name}不属于特殊困难家庭人员，不能发放住院医疗费用救助")
    if out_of_pocket <= 0:
        raise ValidationError("合规个人自负住院医疗费用应大于0")
    note = " ".join(note.split())[:32]
    if not note:
        raise ValidationError("请填写住院医院和结算单号")
    from minzheng.benefits.models import Enrolment

    # one grant per hospital stay: the stay is named by its hospital and settlement number (the note)
    _lock(person)
    if Enrolment.objects.filter(programme=MEDICAL, person=person, tier=note).exists():
        raise ValidationError(
            f"{person.name}的住院医疗费用（{note}）已救助过，不能重复发放；另一次住院请填写其结算单号"
        )
    share = _figure("specialfamilies.medical_share", on=month, region_code=person.region_code)
    amount = int((out_of_pocket * share).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return enrolment_create(
        actor=actor,
        programme=MEDICAL,
        person=person,
        household=None,
        amount=amount,
        first_month=month,
        last_month=month,
        tier=note,
        source_type="specialfamilies",
        source_id="medical",
    )


# ------------------------------------------------------------------ festival condolence (make-and-check)
@transaction.atomic
def condolence_prepare(
    *, actor: Any, county_code: str, festival: str, year: int, month: dt.date
) -> CondolenceRun:
    """制表: the county's list of the severely disabled members of special-difficulty families on the
    month's first day, at the policy figure; one set-based insert. A draft is prepared again from scratch."""
    require(
        actor,
        "specialfamilies.condolence_prepare",
        region_code=county_code,
        target=f"condolence:{county_code}",
    )
    if festival not in Festival.values:
        raise ValidationError("请选择节日")
    if len(county_code) != 6 or not county_code.isdigit():
        raise ValidationError("请选择县（市、区）")
    month = first_of_month(month)
    if month.year != year and not (festival == Festival.SPRING and month.year == year - 1):
        raise ValidationError("发放月应在该节日所在年度")
    amount = int(_figure("specialfamilies.festival_condolence", on=month, region_code=county_code))
    run = (
        CondolenceRun.objects.select_for_update()
        .filter(county_code=county_code, festival=festival, year=year)
        .first()
    )
    if run is not None and run.state != CondolenceState.DRAFT:
        raise ValidationError(f"{run}已审定，不能重新编制")
    if run is None:
        run = CondolenceRun.objects.create(
            county_code=county_code,
            region_code=county_code,
            festival=festival,
            year=year,
            month=month,
            amount=amount,
            prepared_by=actor,
        )
    else:
        run.lines.all().delete()
        run.month, run.amount, run.prepared_by = month, amount, actor
        run.prepared_at = timezone.now()
        run.save(update_fields=["month", "amount", "prepared_by", "prepared_at"])
    people = (
        cat.annotated(month)
        .filter(cat.any_category(), severity=3, region_code__startswith=county_code)
        .values_list("pk", "hid", "region_code", "c1", "c2", "c3", "c4", "c5")
    )
    CondolenceLine.objects.bulk_create(
        CondolenceLine(
            run=run,
            person_id=pk,
            household_id=hid,
            region_code=region,
            categories=",".join(str(n) for n, flag in enumerate(flags, start=1) if flag),
            amount=amount,
        )
        for pk, hid, region, *flags in people
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="specialfamilies.condolence",
        target_id=run.pk,
        region_code=county_code,
        new={
            "festival": festival,
            "year": year,
            "month": month,
            "lines": run.lines.count(),
            "amount": amount,
        },
    )
    return run


@transaction.atomic
def condolence_decide(*, actor: Any, run: CondolenceRun) -> CondolenceRun:
    """审定: another officer checks the list; each line becomes a one-off enrolment of the run's month,
    paid with that month's county payroll."""
    run = CondolenceRun.objects.select_for_update().get(pk=run.pk)
    require(
        actor, "specialfamilies.condolence_decide", region_code=run.region_code, target=f"condolence:{run.pk}"
    )
    if run.state != CondolenceState.DRAFT:
        raise ValidationError("该名单已审定，不能重复审定")
    require_other_person(
        actor, run.prepared_by_id, message="编制人不能审定自己编制的名单，须由另一名工作人员审定"
    )
    # A person who died after the list was prepared is dropped from it (one set-based delete).
    dropped = run.lines.filter(person__is_alive=False).delete()[0]
    lines = list(run.lines.select_related("person", "household"))
    if not lines:
        raise ValidationError("名单中没有在世的慰问对象，不能审定")
    for line in lines:
        line.enrolment = enrolment_create(
            actor=actor,
            programme=FESTIVAL,
            person=line.person,
            household=line.household,
            amount=line.amount,
            first_month=run.month,
            last_month=run.month,
            tier=f"{run.year}年{run.get_festival_display()}",
            source_type="condolence",
            source_id=run.pk,
        )
        line.save(update_fields=["enrolment"])
    run.state = CondolenceState.DECIDED
    run.decided_by = actor
    run.decided_at = timezone.now()
    run.save(update_fields=["state", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="specialfamilies.condolence",
        target_id=run.pk,
        region_code=run.region_code,
        detail="审定节日慰问金名单",
        new={
            "lines": len(lines),
            "total": sum(x.amount for x in lines),
            "prepared_by": run.prepared_by_id,
            "dropped_deceased": dropped,
        },
    )
    return run


# ------------------------------------------------------------------ tekun file
def _tekun(person: Person, on: dt.date) -> None:
    from minzheng.benefits.models import Enrolment

    # granted support counts from the decision, even while its first paid month is still ahead
    month = first_of_month(on)
    active = Enrolment.objects.filter(programme=cat.TEKUN, person=person).exclude(last_month__lt=month)
    if not active.exists():
        raise ValidationError(f"{person.name}不是在保特困供养人员")


@transaction.atomic
def tekun_willingness_record(
    *, actor: Any, person: Person, asked_on: dt.date, willing: bool, note: str = ""
) -> TekunWillingness:
    require(actor, "specialfamilies.record", region_code=person.region_code, target=f"person:{person.pk}")
    plausible_date(asked_on, label="询问日期")
    if asked_on > timezone.localdate():
        raise ValidationError("询问日期不能晚于今天")
    _tekun(person, asked_on)
    row = TekunWillingness.objects.create(
        person=person,
        region_code=person.region_code,
        asked_on=asked_on,
        willing=willing,
        note=note.strip()[:200],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="specialfamilies.willingness",
        target_id=row.pk,
        region_code=row.region_code,
        new={"person": person.pk, "asked_on": asked_on, "willing": willing},
    )
    return row


@transaction.atomic
def tekun_insurance_record(
    *, actor: Any, person: Person, year: int, insurer: str, policy_no: str, premium: Decimal
) -> TekunInsurance:
    require(actor, "specialfamilies.record", region_code=person.region_code, target=f"person:{person.pk}")
    insurer, policy_no = insurer.strip(), policy_no.strip()
    if not insurer:
        raise ValidationError("请填写承保机构")
    if not policy_no:
        raise ValidationError("请填写保单号")
    if premium <= 0:
        raise ValidationError("保费应大于0")
    today = timezone.localdate()
    if not 2000 <= year <= today.year + 1:
        raise ValidationError(f"保险年度超出合理范围（2000–{today.year + 1}）")
    _tekun(person, min(dt.date(year, 12, 31), today))
    try:
        with transaction.atomic():
            row = TekunInsurance.objects.create(
                person=person,
                region_code=person.region_code,
                year=year,
                insurer=insurer[:100],
                policy_no=policy_no[:40],
                premium=premium,
                recorded_by=actor,
            )
    except IntegrityError:
        raise ValidationError(f"{person.name}{year}年度的保险已登记") from None
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="specialfamilies.insurance",
        target_id=row.pk,
        region_code=row.region_code,
        new={"person": person.pk, "year": year, "insurer": insurer, "premium": str(premium)},
    )
    return row


# ------------------------------------------------------------------ export
EXPORT_HEADER = ["姓名", "身份证号", "县（市、区）", "村（社区）", "户主", "类别", "失能程度"]


def family_list_export_xlsx(
    *, actor: Any, on: dt.date, category: int | None, county: str, ip: str = ""
) -> bytes:
    """The family list as Excel: masked IDs, names not codes; one audited EXPORT row."""
    from minzheng.core.spreadsheet import xlsx_bytes

    from .selectors import family_members, member_rows

    require(actor, "specialfamilies.read", target="specialfamilies:export")
    rows = member_rows(family_members(actor=actor, on=on, category=category, county=county)[:EXPORT_LIMIT])
    content = xlsx_bytes(
        EXPORT_HEADER,
        (
            [
                r.person.name,
                r.person.id_masked,
                r.county,
                r.village,
                r.head,
                "、".join(r.categories),
                r.severity,
            ]
            for r in rows
        ),
        title="特殊困难家庭人员",
    )
    region = getattr(actor, "region", None)
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type="specialfamilies.members",
        region_code=region.code if region else "",
        detail=f"导出特殊困难家庭人员{len(rows)}条",
        ip=ip,
    )
    return content


# ------------------------------------------------------------------ care services through homecare
@transaction.atomic
def care_order_take(
    *,
    actor: Any,
    person: Person,
    item_code: str,
    quantity: Decimal,
    scheduled_at: dt.datetime,
    note: str = "",
) -> Any:
    """基本生活照料: order a home-care service (catalogue item, provider and carer, check-in/out) for a
    member of a special-difficulty family entitled to care. This line checks the entitlement; the order is
    homecare's (`order_take`, basis 特殊困难家庭照护服务), dispatched and served like any other."""
    from minzheng.homecare.models import OrderBasis
    from minzheng.homecare.services import order_take

    require(actor, selectors.CARE_ORDER, region_code=person.region_code, target=f"person:{person.pk}")
    numbers, severity = _categories(person=person, on=timezone.localdate())
    if not selectors.cared_for(numbers, severity):
        raise ValidationError(
            f"{person.name}不享受特殊困难家庭照护服务（须为失能人员或特困供养人员），不能下单"
        )
    return order_take(
        actor=actor,
        person=person,
        item_code=item_code,
        quantity=quantity,
        scheduled_at=scheduled_at,
        caller="特殊困难家庭照护",
        note=note,
        basis=OrderBasis.SPECIAL,
    )
