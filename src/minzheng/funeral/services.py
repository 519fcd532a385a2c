"""Writes of the funeral line. Each step of a 身后一件事 case records its facts and moves the case along
its workflow (`casework.services.case_transition`) in one transaction. The stop of every benefit is one
service over the one enrolment table (`benefits_stop_on_death`): it ends each enrolment through
`benefits.services.enrolment_end` with the month of death as the last month paid and counts what was paid
for the months after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.models import Enrolment, PayrollLine, PayrollStatus
from minzheng.benefits.services import enrolment_end, enrolment_void, first_of_month
from minzheng.casework.services import case_transition
from minzheng.core import crypto
from minzheng.core.dates import plausible_date
from minzheng.core.inputs import form_name
from minzheng.people.models import Membership, Person
from minzheng.people.services import person_check_writable, person_record_death
from minzheng.policy.selectors import policy_resolve
from minzheng.programmes.registry import programme as programme_get
from minzheng.programmes.services import activity_after, death_effects_apply

from .models import (
    ECO_FORMS,
    NO_PLOT_FORMS,
    BenefitStop,
    Burial,
    BurialForm,
    Facility,
    FacilityKind,
    FacilityLevel,
    FuneralCase,
    Plot,
    PlotStatus,
    PlotType,
    StopAction,
)
from .selectors import urn_price_range
from .workflow import FUNERAL, PERMISSION

# The programmes whose members get the free urn and free basic funeral services (seed 000: 城乡低保和特困
# 供养人员骨灰盒免费提供): read from the enrolment table at the month of death, never typed.
FREE_URN_PROGRAMMES = ("tekun", "dibao")


def _require(actor: Any, region_code: str, target: str) -> None:
    require(actor, PERMISSION, region_code=region_code, target=target)


def _text(value: str, label: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"请填写{label}")
    if len(text) > max_length:
        raise ValidationError(f"{label}不能超过{max_length}个字")
    return text


def _move(*, actor: Any, case: FuneralCase, to: str, note: str = "") -> FuneralCase:
    case = case_transition(actor=actor, workflow=FUNERAL, case=case, to=to, note=note)
    FuneralCase.objects.filter(pk=case.pk).update(state_since=timezone.localdate())
    case.refresh_from_db()
    return case


def _policy(case_region: str, on: dt.date) -> Any:
    return policy_resolve(on=on, region_code=case_region, hukou_type="")


# ---------------------------------------------------------------- 1. the one application
@transaction.atomic
def funeral_case_open(
    *,
    actor: Any,
    person: Person,
    death_date: dt.date,
    death_place: str,
    certificate_number: str,
    family_name: str,
    family_relation: str,
    family_phone: str = "",
) -> FuneralCase:
    """One form after a death: the death is recorded on the person (`person_record_death`), every line's
    services end (`death_effects_apply`) and the case opens with its first step (死亡证明) done."""
    _require(actor, person.region_code, f"person:{person.pk}")
    person_check_writable(person=person)
    if death_date < person.birth_date:
        raise ValidationError(f"死亡日期不能早于出生日期{person.birth_date:%Y年%m月%d日}")
    plausible_date(death_date, "死亡日期")
    if person.death_date is not None and person.death_date != death_date:
        raise ValidationError(
            f"{person.name}已登记于{person.death_date:%Y年%m月%d日}死亡，与填写的死亡日期不一致，请先核实"
        )
    if FuneralCase.objects.filter(person=person).exists():
        raise ValidationError(f"{person.name}的身后一件事已受理，请勿重复申请")
    if later := activity_after(person=person, after=death_date):
        raise ValidationError(
            f"{person.name}在{death_date:%Y年%m月%d日}之后仍有记录（{'；'.join(later[:3])}），"
            "死亡日期与之矛盾，请核实死亡日期或相关记录"
        )
    phone = "".join(ch for ch in (family_phone or "") if ch.isdigit())
    if family_phone.strip() and not 7 <= len(phone) <= 12:
        raise ValidationError("家属联系电话应为7至12位数字")
    certificate = _text(certificate_number, "死亡证明编号", 32)
    # One death certificate, one death: a number already on another case is a typing slip or a forgery.
    # The message names no one (the other case may be outside the clerk's area).
    if FuneralCase.objects.filter(certificate_number__iexact=certificate).exists():
        raise ValidationError("该死亡证明编号已登记，请核对死亡证明")
    try:
        with transaction.atomic():
            case = FuneralCase.objects.create(
                state="new",
                state_since=timezone.localdate(),
                region_code=person.region_code,
                person=person,
                family_name=form_name(family_name, "家属姓名", max_length=64),
                family_relation=form_name(family_relation, "与逝者关系", max_length=16),
                family_phone_enc=crypto.encrypt(phone) if phone else "",
                death_date=death_date,
                death_place=form_name(death_place, "死亡地点", max_length=100),
                certificate_number=certificate,
                opened_by=actor,
            )
    except IntegrityError:  # typed at another desk meanwhile: the database's constraint said so
        if FuneralCase.objects.filter(certificate_number__iexact=certificate).exists():
            raise ValidationError("该死亡证明编号已登记，请核对死亡证明") from None
        raise
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="funeral_case",
        target_id=case.pk,
        region_code=case.region_code,
        new={"person": person.pk, "death_date": death_date, "certificate": case.certificate_number},
    )
    if person.is_alive:
        person_record_death(actor=actor, person=person, death_date=death_date)
    # Services end the day the death is recorded (a carer must not call at an empty house until the 停发
    # step); payments stay with that step. Idempotent: a death recorded elsewhere first ended them already.
    ended = death_effects_apply(actor=actor, person=person, died_on=death_date)
    note = f"死亡证明{case.certificate_number}" + (f"，终止{len(ended)}项服务" if ended else "")
    return _move(actor=actor, case=case, to="certified", note=note)


@transaction.atomic
def funeral_cremation_record(
    *, actor: Any, case: FuneralCase, funeral_home: Facility, cremated_on: dt.date
) -> FuneralCase:
    _require(actor, case.region_code, f"funeral_case:{case.pk}")
    if funeral_home.kind != FacilityKind.FUNERAL_HOME:
        raise ValidationError("请选择一家殡仪馆")
    if not (
        funeral_home.region_code.startswith(case.region_code[:6])
        or funeral_home.region_code == case.region_code[:4]
    ):
        raise ValidationError("请选择逝者所在县（市、区）或市级的殡仪馆")
    plausible_date(cremated_on, "火化日期")
    if cremated_on < case.death_date:
        raise ValidationError("火化日期不能早于死亡日期")
    FuneralCase.objects.filter(pk=case.pk).update(funeral_home=funeral_home, cremated_on=cremated_on)
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="funeral_case.cremation",
        target_id=case.pk,
        region_code=case.region_code,
        new={"funeral_home": funeral_home.name, "cremated_on": cremated_on},
    )
    return _move(
        actor=actor, case=case, to="cremated", note=f"{funeral_home.name}，{cremated_on:%Y-%m-%d}火化"
    )


def _notice_issue(
    *, actor: Any, case: FuneralCase, field: str, step: str, note: str, to: str = ""
) -> FuneralCase:
    """A step whose fact is a notice issued today (its date on the case, audited, the case moved on)."""
    _require(actor, case.region_code, f"funeral_case:{case.pk}")
    today = timezone.localdate()
    FuneralCase.objects.filter(pk=case.pk).update(**{field: today})
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type=f"funeral_case.{step}",
        target_id=case.pk,
        region_code=case.region_code,
        new={field: today},
    )
    return _move(actor=actor, case=case, to=to or step, note=note)


@transaction.atomic
def funeral_hukou_notice(*, actor: Any, case: FuneralCase) -> FuneralCase:
    """The 户口注销告知单 for the police station is issued (printable from the case)."""
    return _notice_issue(
        actor=actor, case=case, field="hukou_notice_on", step="hukou", note="出具户口注销告知单"
    )


def subsidy_basis(*, person: Person, death_date: dt.date) -> str:
    """The programme (tekun before dibao) that entitles the deceased to the free urn, read from the
    enrolment table for the month of death: the person's own enrolment, or their household's."""
    month = first_of_month(death_date)
    households = Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=month), person=person, start_date__lte=death_date
    ).values("household_id")
    found = set(
        Enrolment.objects.filter(
            Q(person=person) | Q(household_id__in=households),
            Q(last_month__isnull=True) | Q(last_month__gte=month),
            programme__in=FREE_URN_PROGRAMMES,
            first_month__lte=month,
        ).values_list("programme", flat=True)
    )
    return next((p for p in FREE_URN_PROGRAMMES if p in found), "")


@transaction.atomic
def funeral_subsidy_decide(*, actor: Any, case: FuneralCase, urn_price: int) -> FuneralCase:
    """丧葬补助: the urn's price must lie within the policy's caps; a dibao or tekun member gets the urn
    and the basic funeral services free, decided from the enrolment table."""
    _require(actor, case.region_code, f"funeral_case:{case.pk}")
    low, high = urn_price_range(region_code=case.region_code, on=case.death_date)
    if isinstance(urn_price, bool) or not low <= urn_price <= high:
        raise ValidationError(
            f"骨灰盒价格应在{low}元至{high}元之间（骨灰盒标准定价：最低{low}元，最高{high}元），"
            f"填写的{urn_price}元不在此范围内"
        )
    basis = subsidy_basis(person=case.person, death_date=case.death_date)
    FuneralCase.objects.filter(pk=case.pk).update(
        urn_price=urn_price, subsidy_basis=basis, urn_free=bool(basis), basic_services_free=bool(basis)
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="funeral_case.subsidy",
        target_id=case.pk,
        region_code=case.region_code,
        new={"urn_price": urn_price, "basis": basis, "free": bool(basis)},
    )
    note = (
        f"{programme_get(basis).name}对象，免费提供骨灰盒并免除基本殡葬服务费" if basis else "不符合免费条件"
    )
    return _move(actor=actor, case=case, to="subsidised", note=note)


# ---------------------------------------------------------------- 2. every benefit stops in one place
def _others_alive(enrolment: Enrolment, person: Person) -> bool:
    if enrolment.household_id is None:
        return False
    return (
        Membership.objects.filter(household_id=enrolment.household_id, end_date__isnull=True)
        .exclude(person=person)
        .filter(person__is_alive=True)
        .exists()
    )


def _ym(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def _overpaid_note(row: dict[str, Any], died: dt.date) -> str:
    """What a checked roll paid after the death, in a clerk's words."""
    first, last, months = row["first_over"], row["last_over"], row["months"] or 0
    span = _ym(first) if first == last else f"{_ym(first)}至{_ym(last)}"
    return (
        f"逝者{_ym(died)}去世，但{span}的发放名册在登记死亡前已审核冻结，这{months}个月的待遇共"
        f"{row['over']}元已经发出，需向家属追回"
    )


def _redecide(*, actor: Any, case: FuneralCase, enrolment: Enrolment) -> tuple[int | None, str]:
    """Open the household's re-decision in the assistance line and say what the rule estimates for it."""
    from minzheng.assistance.selectors import death_redecision_estimate
    from minzheng.assistance.services import review_open_on_death

    if enrolment.programme not in ("dibao", "tekun"):  # no other household programme has a review yet
        return None, "家庭仍有在世成员，请在该项目中重新核定"
    review = review_open_on_death(
        actor=actor, enrolment=enrolment, person=case.person, died_on=case.death_date
    )
    estimate = death_redecision_estimate(enrolment=enrolment, on=timezone.localdate())
    return review.pk, f"已发起家庭待遇复核（复核#{review.pk}）：{estimate['text']}"[:300]


@transaction.atomic
def benefits_stop_on_death(*, actor: Any, case: FuneralCase) -> list[BenefitStop]:
    """Every enrolment of the deceased still open after the month of death, in every programme, ends
    with the month of death as its last month paid (payment stops the month after). One that would start
    only after the death and was never paid by a checked roll is voided (已撤销, `enrolment_void`); one
    that starts after the death but was paid ends at its first month (the earliest the month constraint
    allows) with all it was paid counted as overpayment. A household benefit where others live on is not
    ended: the assistance line's re-decision (复核) is opened for it, with the rule's estimate of the
    amount with one fewer member in the stop's note. What checked (frozen) rolls paid for the months
    after death is the overpayment, explained in each stop's note. Called again (the step waits for the
    re-decisions), it handles only what it has not handled: an enrolment already stopped for this case,
    or the household benefit a re-decision replaced, is left."""
    person, month = case.person, first_of_month(case.death_date)
    households = Membership.objects.filter(person=person, end_date__isnull=True).values("household_id")
    handled = case.stops.values("enrolment_id")
    redecided = case.stops.filter(action=StopAction.REDECIDE).values("enrolment__household_id")
    enrolments = list(
        Enrolment.objects.filter(Q(person=person) | Q(household_id__in=households))
        .filter(Q(last_month__isnull=True) | Q(last_month__gt=month))
        .exclude(pk__in=handled)
        .exclude(household_id__in=redecided, source_type="review")
        .order_by("programme", "pk")
    )
    paid = {
        row["enrolment_id"]: row
        for row in PayrollLine.objects.filter(
            enrolment_id__in=[e.pk for e in enrolments], run__status=PayrollStatus.FROZEN
        )
        .values("enrolment_id")
        .annotate(
            last=Max("month", filter=Q(kind="regular")),
            over=Sum("amount", filter=Q(month__gt=month)),
            months=Count("month", filter=Q(month__gt=month, kind="regular")),
            first_over=Min("month", filter=Q(month__gt=month)),
            last_over=Max("month", filter=Q(month__gt=month)),
        )
    }
    stops = []
    for e in enrolments:
        row = paid.get(e.pk, {})
        name = programme_get(e.programme).name
        household = programme_get(e.programme).unit == "household"
        end: dt.date | None = None
        over, months, note = 0, 0, ""
        review: int | None = None
        if household and _others_alive(e, person):
            action = StopAction.REDECIDE
            review, note = _redecide(actor=actor, case=case, enrolment=e)
        elif e.first_month > month and e.pk not in paid:
            note = (
                f"{name}原定自{_ym(e.first_month)}起每月发放{e.monthly_amount}元，晚于逝者去世的"
                f"{_ym(month)}，且从未发放，已撤销该待遇"
            )
            enrolment_void(actor=actor, enrolment=e, reason=f"保障对象死亡（身后一件事#{case.pk}）")
            action = StopAction.VOIDED
        else:
            end = max(month, e.first_month)
            enrolment_end(
                actor=actor, enrolment=e, last_month=end, reason=f"保障对象死亡（身后一件事#{case.pk}）"
            )
            action, over, months = StopAction.ENDED, max(int(row.get("over") or 0), 0), row.get("months") or 0
            if over:
                note = _overpaid_note(row, case.death_date)
        stops.append(
            BenefitStop.objects.create(
                case=case,
                enrolment=e,
                programme=e.programme,
                region_code=e.region_code,
                action=action,
                last_paid_month=row.get("last"),
                end_month=end,
                overpaid_months=months,
                overpayment=over,
                note=note,
                review_ref=review,
            )
        )
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="funeral_case.stop",
        target_id=case.pk,
        region_code=case.region_code,
        new={
            "ended": sum(1 for s in stops if s.action == StopAction.ENDED),
            "redecide": sum(1 for s in stops if s.action == StopAction.REDECIDE),
            "voided": sum(1 for s in stops if s.action == StopAction.VOIDED),
            "overpayment": sum(s.overpayment for s in stops),
        },
    )
    return stops


def stop_summary(stops: list[BenefitStop]) -> str:
    """Every outcome counted: "停发2项待遇、1项待重新核定、撤销1项未发放待遇" (or "无在发待遇")."""
    counts = {a: sum(1 for s in stops if s.action == a) for a in StopAction.values}
    parts = [
        f"停发{counts[StopAction.ENDED]}项待遇" if counts[StopAction.ENDED] else "",
        f"{counts[StopAction.REDECIDE]}项家庭待遇经复核重新核定" if counts[StopAction.REDECIDE] else "",
        f"撤销{counts[StopAction.VOIDED]}项未发放待遇" if counts[StopAction.VOIDED] else "",
    ]
    return "、".join(p for p in parts if p) or "无在发待遇"


def pending_redecisions(case: FuneralCase) -> list[BenefitStop]:
    """The case's household re-decisions (复核) not yet decided in the assistance line."""
    from minzheng.assistance.selectors import reviews_state

    stops = list(case.stops.filter(action=StopAction.REDECIDE, review_ref__isnull=False))
    state = reviews_state(review_ids=[s.review_ref for s in stops if s.review_ref])
    return [s for s in stops if not state.get(s.review_ref or 0)]


@transaction.atomic
def funeral_benefits_stop(*, actor: Any, case: FuneralCase) -> FuneralCase:
    """Stop every benefit. A household benefit where others live on opens its re-decision; the step is
    done only when every such re-decision is decided (the clerk presses the step again then)."""
    _require(actor, case.region_code, f"funeral_case:{case.pk}")
    benefits_stop_on_death(actor=actor, case=case)
    if pending := pending_redecisions(case):
        names = "、".join(s.get_programme_display() for s in pending)
        audit_record(
            actor=actor,
            event_type=AuditEvent.UPDATE,
            target_type="funeral_case.stop",
            target_id=case.pk,
            region_code=case.region_code,
            detail=f"待家庭待遇复核决定：{names}",
            new={"pending_reviews": [s.review_ref for s in pending]},
        )
        return case
    stops = list(case.stops.order_by("programme", "pk"))
    # The services ended when the death was recorded (funeral_case_open); this call ends only what opened
    # since (or what a case opened before that rule left), so nothing is ended or reported twice.
    services = death_effects_apply(actor=actor, person=case.person, died_on=case.death_date)
    FuneralCase.objects.filter(pk=case.pk).update(stopped_on=timezone.localdate())
    over = sum(s.overpayment for s in stops)
    note = (
        stop_summary(stops)
        + (f"，终止{len(services)}项服务" if services else "")
        + (f"，死亡后多发{over}元待追回" if over else "")
    )
    return _move(actor=actor, case=case, to="stopped", note=note)


@transaction.atomic
def funeral_notices_issue(*, actor: Any, case: FuneralCase) -> FuneralCase:
    """The medical-insurance and pension settlement notices are issued; the case is done."""
    return _notice_issue(
        actor=actor,
        case=case,
        field="notices_on",
        step="notices",
        to="closed",
        note="出具医保、养老保险清算告知书，办结",
    )


# ---------------------------------------------------------------- 3. facilities, plots, burials
@transaction.atomic
def facility_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    level: str,
    region_code: str,
    address: str = "",
    operator: str = "",
    opened_on: dt.date | None = None,
) -> Facility:
    _require(actor, region_code, "funeral_facility:new")
    if kind not in FacilityKind.values:
        raise ValidationError("请选择设施类型")
    if level not in FacilityLevel.values:
        raise ValidationError("请选择设施层级")
    if opened_on is not None:
        plausible_date(opened_on, "建成投用日期")
    facility = Facility.objects.create(
        name=form_name(name, "名称", max_length=100),
        kind=kind,
        level=level,
        region_code=region_code,
        address=(address or "").strip()[:200],
        operator=(operator or "").strip()[:100],
        opened_on=opened_on,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="funeral_facility",
        target_id=facility.pk,
        region_code=region_code,
        new={"name": facility.name, "kind": kind, "level": level},
    )
    return facility


@transaction.atomic
def plots_create(
    *, actor: Any, cemetery: Facility, prefix: str, count: int, plot_type: str, form: str
) -> int:
    """Lay out `count` plots numbered `prefix`-001… in a cemetery (one bulk insert)."""
    _require(actor, cemetery.region_code, f"funeral_facility:{cemetery.pk}")
    if cemetery.kind == FacilityKind.FUNERAL_HOME:
        raise ValidationError("殡仪馆不设墓位")
    if plot_type not in PlotType.values or form not in BurialForm.values or form in NO_PLOT_FORMS:
        raise ValidationError("请选择墓位性质和安葬方式")
    if cemetery.kind == FacilityKind.PUBLIC_CEMETERY and plot_type != PlotType.PUBLIC:
        raise ValidationError("公益性公墓只能设公益性墓位")
    if not 1 <= count <= 500:
        raise ValidationError("一次可新增1至500个墓位")
    prefix = _text(prefix, "墓区编号", 20)
    start = cemetery.plots.filter(number__startswith=f"{prefix}-").count()
    numbers = [f"{prefix}-{start + i:03d}" for i in range(1, count + 1)]
    if cemetery.plots.filter(number__in=numbers).exists():
        raise ValidationError("墓位编号与已有墓位重复，请换一个墓区编号")
    Plot.objects.bulk_create(
        Plot(cemetery=cemetery, number=n, plot_type=plot_type, form=form, region_code=cemetery.region_code)
        for n in numbers
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="funeral_plot",
        target_id=cemetery.pk,
        region_code=cemetery.region_code,
        new={"count": count, "prefix": prefix, "type": plot_type, "form": form},
    )
    return count


@transaction.atomic
def burial_record(
    *, actor: Any, person: Person, buried_on: dt.date, plot: Plot | None = None, form: str = ""
) -> Burial:
    """A burial in a plot (its form decides eco or not) or, for a sea burial, without one."""
    _require(actor, person.region_code, f"person:{person.pk}")
    if person.is_alive:
        raise ValidationError(f"{person.name}尚未登记死亡，不能登记安葬")
    plausible_date(buried_on, "安葬日期")
    if person.death_date and buried_on < person.death_date:
        raise ValidationError("安葬日期不能早于死亡日期")
    if Burial.objects.filter(person=person).exists():
        raise ValidationError(f"{person.name}已有安葬记录")
    if plot is not None:
        plot = Plot.objects.select_for_update().get(pk=plot.pk)
        if plot.region_code[:6] != person.region_code[:6] and plot.region_code != person.region_code[:4]:
            raise ValidationError("该墓位所在公墓不服务逝者所在地")
        if plot.status == PlotStatus.USED:
            raise ValidationError(f"墓位{plot.number}已安葬，请另选墓位")
        form = plot.form
        Plot.objects.filter(pk=plot.pk).update(status=PlotStatus.USED)
    elif form not in NO_PLOT_FORMS:
        raise ValidationError("请选择墓位（海葬无需墓位）")
    burial = Burial.objects.create(
        person=person,
        plot=plot,
        form=form,
        eco=form in ECO_FORMS,
        buried_on=buried_on,
        region_code=person.region_code,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="funeral_burial",
        target_id=burial.pk,
        region_code=person.region_code,
        new={"person": person.pk, "plot": plot.pk if plot else None, "form": form, "eco": burial.eco},
    )
    return burial


def family_case_open(*, citizen: Any, pk: int, ip: str = "") -> FuneralCase | None:
    """A case the signed-in resident may follow in 指尖办 (`selectors.family_cases`), the viewing audited;
    None for any other case, and that refusal audited too (in its own transaction)."""
    from .selectors import family_cases

    case = next((c for c in family_cases(person_id=citizen.person_id, name=citizen.name) if c.pk == pk), None)
    with transaction.atomic():
        audit_record(
            actor=citizen,
            event_type=AuditEvent.REVEAL if case else AuditEvent.DENIED,
            target_type="citizen.funeral_case",
            target_id=pk,
            region_code=case.region_code if case else "",
            outcome="ok" if case else "denied",
            detail="家属查看身后一件事办理进度" if case else "非本人申报或本户的身后一件事",
            ip=ip,
        )
    return case


# Letters sent to another authority, which needs the full ID number to act on them (the family's receipt
# stays masked). Printing one is a reveal.
AUTHORITY_LETTERS = {
    "hukou": ("户口注销告知单", "hukou_notice_on"),
    "medical": ("医疗保险待遇清算告知书", "notices_on"),
    "pension": ("养老保险待遇清算告知书", "notices_on"),
}


@transaction.atomic
def funeral_letter_reveal(*, actor: Any, case: FuneralCase, kind: str, ip: str = "") -> tuple[str, str]:
    """The full ID number and, on the letters to the medical-insurance and pension offices (which must
    call the family), the family contact's full phone, for printing a letter to the police station or
    those offices: one audited reveal per print (the row names the letter and what it shows, and holds
    no number). Returns (ID number, phone — "" when the letter carries none)."""
    _require(actor, case.region_code, f"funeral_case:{case.pk}")
    if kind not in AUTHORITY_LETTERS:
        raise ValidationError("该文书不含完整身份证号")
    title, issued = AUTHORITY_LETTERS[kind]
    if getattr(case, issued) is None:
        raise ValidationError(f"{title}尚未出具，不能打印")
    person = case.person
    if not person.is_identified:
        raise ValidationError(f"{person.name}尚未识别身份，没有身份证号")
    phone = ""
    if kind in ("medical", "pension") and case.family_phone_enc:
        phone = crypto.decrypt(case.family_phone_enc)
    shown = f"{person.name}的完整身份证号" + ("及家属联系人的完整电话" if phone else "")
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="funeral_case.letter",
        target_id=case.pk,
        region_code=case.region_code,
        detail=f"打印{title}（含{shown}）",
        ip=ip,
        new={"kind": kind, "person": person.pk, "family_phone": bool(phone)},
    )
    return person.id_number, phone


def cases_export(*, actor: Any, cases: list[FuneralCase]) -> bytes:
    """The filtered case list as Excel (masked ID numbers; formula-looking names neutralised), audited."""
    from minzheng.core.spreadsheet import xlsx_bytes

    require(actor, PERMISSION, target="funeral:export")
    header = ["编号", "逝者", "身份证号", "死亡日期", "家属", "联系电话", "当前环节", "受理日期"]
    rows = [
        [
            c.pk,
            c.person.name,
            c.person.id_masked,
            c.death_date.isoformat(),
            c.family_name,
            c.family_phone_masked,
            FUNERAL.state_label(c.state),
            timezone.localtime(c.opened_at).strftime("%Y-%m-%d"),
        ]
        for c in cases
    ]
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type="funeral_case",
        detail=f"导出身后一件事{len(rows)}件（证件号、电话已脱敏）",
    )
    return xlsx_bytes(header, rows, title="身后一件事")
