"""All writes of the facilities line: keyword-only, typed, atomic, audited in the same transaction.
Bad input raises a Chinese ValidationError before anything is written."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from minzheng.accounts.makecheck import require_other_person
from minzheng.accounts.permissions import require
from minzheng.assistance.rules import age_in_month
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.dates import plausible_date
from minzheng.core.draw import draw_pairs
from minzheng.core.inputs import form_name
from minzheng.elderly.levels import is_current, latest_assessment, no_assessment_message
from minzheng.elderly.selectors import ELDER_AGE
from minzheng.elderly.shares import IDENTITIES
from minzheng.people.models import Person
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.programmes.registry import DeathEffect
from minzheng.regions.models import Region

from .models import (
    ADAPTATION_NEXT,
    INSTITUTIONS,
    Adaptation,
    AdaptationState,
    CareKind,
    CareRecord,
    CareWorker,
    Draw,
    Facility,
    Grant,
    GrantKind,
    GrantState,
    Inspection,
    Inspector,
    Kind,
    Outing,
    OutingState,
    Residency,
    Status,
)

MANAGE = "elderly.facility_manage"
CARE = "facilities.care_record"
PAY = "facilities.grant_pay"


def _figure(key: str, *, on: dt.date, region_code: str, hukou_type: str = "") -> Decimal:
    try:
        return policy_resolve(on=on, region_code=region_code, hukou_type=hukou_type).get(key)
    except PolicyMissing as e:
        raise ValidationError(str(e)) from None


# ------------------------------------------------------------------------------------------ registry
def _audit(actor: Any, event: str, kind: str, target_id: Any, region_code: str, detail: str = "") -> None:
    """One audit row of this line, in the caller's transaction."""
    audit_record(
        actor=actor,
        event_type=event,
        target_type=f"facilities.{kind}",
        target_id=target_id,
        region_code=region_code,
        detail=detail,
    )


def _facility_checks(
    *,
    name: str,
    kind: str,
    operator: str,
    address: str,
    region_code: str,
    beds_total: int,
    beds_nursing: int,
    status: str,
    star_rating: int,
    filed_on: dt.date | None,
    valid_to: dt.date | None,
    area_m2: int | None,
    latitude: Decimal | None,
    longitude: Decimal | None,
) -> tuple[str, str, str]:
    """The one set of checks of a facility's facts (register and edit); the cleaned texts."""
    # A name is printed and exported: no formula (=HYPERLINK…), no control characters (core.inputs).
    name = form_name(name, "设施名称", max_length=100)
    operator = form_name(operator, "运营方", max_length=100)
    address = address.strip()
    if not address:
        raise ValidationError("请填写地址")
    if kind not in Kind.values:
        raise ValidationError("请选择设施类型")
    if status not in Status.values:
        raise ValidationError("请选择备案状态")
    if not Region.objects.filter(code=region_code, level__in=("township", "village")).exists():
        raise ValidationError("请选择设施所在的乡镇（街道）或村（社区）")
    if beds_total < 0 or beds_nursing < 0 or beds_nursing > beds_total:
        raise ValidationError("护理型床位不能多于床位总数，床位数不能为负")
    if beds_total > 100_000 or (area_m2 is not None and not 0 < area_m2 <= 10_000_000):
        raise ValidationError("床位数或建筑面积超出合理范围")
    if not 0 <= star_rating <= 5:
        raise ValidationError("星级应为0–5")
    if filed_on and valid_to and valid_to < filed_on:
        raise ValidationError("有效期不能早于备案/许可日期")
    if latitude is not None and not Decimal(-90) <= latitude <= Decimal(90):
        raise ValidationError("纬度应在−90到90之间")
    if longitude is not None and not Decimal(-180) <= longitude <= Decimal(180):
        raise ValidationError("经度应在−180到180之间")
    return name, operator, address


@transaction.atomic
def facility_update(
    *,
    actor: Any,
    facility: Facility,
    name: str,
    kind: str,
    operator: str,
    address: str,
    region_code: str,
    beds_total: int = 0,
    beds_nursing: int = 0,
    status: str = Status.FILED,
    star_rating: int = 0,
    filed_on: dt.date | None = None,
    valid_to: dt.date | None = None,
    area_m2: int | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Facility:
    """Edit a facility's facts (a renewed licence, new beds, a star rating, a move within scope)."""
    require(actor, MANAGE, region_code=facility.region_code, target=f"facilities:{facility.pk}")
    require(actor, MANAGE, region_code=region_code, target=f"facilities:{facility.pk}")
    name, operator, address = _facility_checks(
        name=name,
        kind=kind,
        operator=operator,
        address=address,
        region_code=region_code,
        beds_total=beds_total,
        beds_nursing=beds_nursing,
        status=status,
        star_rating=star_rating,
        filed_on=filed_on,
        valid_to=valid_to,
        area_m2=area_m2,
        latitude=latitude,
        longitude=longitude,
    )
    values = dict(
        name=name,
        kind=kind,
        operator=operator,
        address=address,
        region_code=region_code,
        beds_total=beds_total,
        beds_nursing=beds_nursing,
        status=status,
        star_rating=star_rating,
        filed_on=filed_on,
        valid_to=valid_to,
        area_m2=area_m2,
        latitude=latitude,
        longitude=longitude,
    )
    old = {k: getattr(facility, k) for k in values}
    changed = {k: v for k, v in values.items() if old[k] != v}
    if changed:
        Facility.objects.filter(pk=facility.pk).update(**changed)
        audit_record(
            actor=actor,
            event_type=AuditEvent.UPDATE,
            target_type="facilities.facility",
            target_id=facility.pk,
            region_code=region_code,
            detail=f"修改养老设施{name}",
            old={k: old[k] for k in changed},
            new=changed,
        )
    facility.refresh_from_db()
    return facility


@transaction.atomic
def facility_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    operator: str,
    address: str,
    region_code: str,
    beds_total: int = 0,
    beds_nursing: int = 0,
    status: str = Status.FILED,
    star_rating: int = 0,
    filed_on: dt.date | None = None,
    valid_to: dt.date | None = None,
    area_m2: int | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Facility:
    require(actor, MANAGE, region_code=region_code, target="facilities:create")
    name, operator, address = _facility_checks(
        name=name,
        kind=kind,
        operator=operator,
        address=address,
        region_code=region_code,
        beds_total=beds_total,
        beds_nursing=beds_nursing,
        status=status,
        star_rating=star_rating,
        filed_on=filed_on,
        valid_to=valid_to,
        area_m2=area_m2,
        latitude=latitude,
        longitude=longitude,
    )
    f = Facility.objects.create(
        name=name,
        kind=kind,
        operator=operator,
        address=address,
        region_code=region_code,
        beds_total=beds_total,
        beds_nursing=beds_nursing,
        status=status,
        star_rating=star_rating,
        filed_on=filed_on,
        valid_to=valid_to,
        area_m2=area_m2,
        latitude=latitude,
        longitude=longitude,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="facilities.facility",
        target_id=f.pk,
        region_code=region_code,
        detail=f"登记养老设施{f.name}",
        new={"kind": kind, "beds_total": beds_total, "beds_nursing": beds_nursing, "status": status},
    )
    return f


# ------------------------------------------------------------------------------------------ residents
@transaction.atomic
def residency_admit(
    *,
    actor: Any,
    facility: Facility,
    person: Person,
    identity: str,
    monthly_fee: int,
    admitted_on: dt.date,
    room: str = "",
) -> Residency:
    """入住. Graded care (分级护理) follows the elder's latest RECORDED capability assessment (elderly line,
    two assessors), which must be current: an admission never types a level in, nor writes one."""
    require(actor, MANAGE, region_code=facility.region_code, target=f"facilities:{facility.pk}")
    if facility.kind not in INSTITUTIONS:
        raise ValidationError(f"{facility.get_kind_display()}不接收入住老人")
    if facility.status in (Status.SUSPENDED, Status.CLOSED, Status.PENDING):
        raise ValidationError(f"{facility.name}{facility.get_status_display()}，不能办理入住")
    if identity not in IDENTITIES:
        raise ValidationError("请选择老人身份")
    if monthly_fee < 0:
        raise ValidationError("月照护费不能为负")
    if Residency.objects.filter(person=person, discharged_on__isnull=True).exists():
        raise ValidationError(f"{person.name}已在院，不能重复入住")
    if not person.is_alive or age_in_month(person.birth_date, admitted_on) < ELDER_AGE:
        # 《养老机构管理办法》: a care home takes in elders (60 or more); a child goes to child welfare.
        raise ValidationError(f"{person.name}未满{ELDER_AGE}周岁，不能入住养老机构")
    capacity = facility.beds_total
    if Residency.objects.filter(facility=facility, discharged_on__isnull=True).count() >= capacity:
        raise ValidationError(f"{facility.name}床位已满（{capacity}张）")
    today = timezone.localdate()
    assessment = latest_assessment(person, today)
    if assessment is None or not is_current(assessment, today):
        raise ValidationError(no_assessment_message(person.name, assessment))
    level = int(assessment.level)
    r = Residency.objects.create(
        facility=facility,
        person=person,
        region_code=facility.region_code,
        identity=identity,
        care_level=level,
        monthly_fee=monthly_fee,
        room=room.strip()[:20],
        admitted_on=admitted_on,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="facilities.residency",
        target_id=r.pk,
        region_code=facility.region_code,
        detail=f"{facility.name}办理入住",
        new={"person": person.pk, "care_level": level, "identity": identity, "monthly_fee": monthly_fee},
    )
    return r


@transaction.atomic
def residency_discharge(*, actor: Any, residency: Residency, on: dt.date, reason: str) -> Residency:
    require(actor, MANAGE, region_code=residency.region_code, target=f"facilities:residency:{residency.pk}")
    r = Residency.objects.select_for_update().get(pk=residency.pk)
    if r.discharged_on:
        raise ValidationError("该老人已出院")
    if on < r.admitted_on:
        raise ValidationError("出院日期不能早于入住日期")
    if not reason.strip():
        raise ValidationError("请填写出院原因")
    r.discharged_on, r.discharge_reason = on, reason.strip()[:200]
    r.save(update_fields=["discharged_on", "discharge_reason"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="facilities.residency",
        target_id=r.pk,
        region_code=r.region_code,
        detail="办理出院",
        new={"discharged_on": on, "reason": r.discharge_reason},
    )
    return r


@transaction.atomic
def stays_end_on_death(*, actor: Any, person: Person, died_on: dt.date) -> list[DeathEffect]:
    """The resident died: the open stay is discharged on the death date with reason 死亡 (a bed frees,
    graded care and the monthly fee end) and an outing still pending or under way is ended, so nobody is
    asked to approve a dead elder's leave. Registered as the line's death hook; closed ones are left."""
    effects = []
    open_outings = Outing.objects.select_for_update().filter(
        residency__person=person, state__in=(OutingState.REQUESTED, OutingState.APPROVED)
    )
    for o in open_outings.select_related("residency__facility"):
        old_state = o.get_state_display()
        o.state = OutingState.ENDED
        o.save(update_fields=["state"])
        _audit(actor, AuditEvent.UPDATE, "outing", o.pk, o.residency.region_code, "老人死亡，外出申请终止")
        effects.append(
            DeathEffect(
                "养老机构",
                f"{o.residency.facility.name}外出申请（{o.reason}）",
                f"{old_state}→已终止：老人死亡",
            )
        )
    for r in Residency.objects.select_for_update().filter(person=person, discharged_on__isnull=True):
        r.discharged_on, r.discharge_reason = max(died_on, r.admitted_on), "死亡"
        r.save(update_fields=["discharged_on", "discharge_reason"])
        audit_record(
            actor=actor,
            event_type=AuditEvent.UPDATE,
            target_type="facilities.residency",
            target_id=r.pk,
            region_code=r.region_code,
            detail="死亡出院",
            new={"discharged_on": r.discharged_on, "reason": "死亡"},
        )
        name = r.facility.name
        effects.append(DeathEffect("养老机构", f"{name}入住", f"{r.discharged_on:%Y-%m-%d}因死亡办理出院"))
    return effects


@transaction.atomic
def care_record_add(*, actor: Any, residency: Residency, kind: str, content: str) -> CareRecord:
    require(actor, CARE, region_code=residency.region_code, target=f"facilities:residency:{residency.pk}")
    if kind not in CareKind.values:
        raise ValidationError("请选择记录类别")
    content = content.strip()
    if not content:
        raise ValidationError("请填写记录内容")
    if len(content) > 500:
        raise ValidationError("记录内容不能超过500字")
    if residency.discharged_on:
        raise ValidationError("该老人已出院，不能再登记照护记录")
    rec = CareRecord.objects.create(residency=residency, kind=kind, content=content, recorded_by=actor)
    _audit(
        actor,
        AuditEvent.CREATE,
        "care_record",
        rec.pk,
        residency.region_code,
        f"登记{rec.get_kind_display()}",
    )
    return rec


@transaction.atomic
def care_records_reveal(*, actor: Any, residency: Residency) -> list[CareRecord]:
    """The resident's care, medication and health records: a health record, so each reading is audited."""
    require(actor, CARE, region_code=residency.region_code, target=f"facilities:residency:{residency.pk}")
    records = list(residency.records.select_related("recorded_by")[:200])
    _audit(
        actor,
        AuditEvent.REVEAL,
        "care_records",
        residency.pk,
        residency.region_code,
        f"查看入住老人照护与健康记录{len(records)}条",
    )
    return records


@transaction.atomic
def outing_request(
    *,
    actor: Any,
    residency: Residency,
    reason: str,
    leave_on: dt.date,
    return_by: dt.date,
    companion: str = "",
) -> Outing:
    require(actor, CARE, region_code=residency.region_code, target=f"facilities:residency:{residency.pk}")
    if residency.discharged_on:
        raise ValidationError("该老人已出院")
    if not reason.strip():
        raise ValidationError("请填写外出事由")
    plausible_date(leave_on, "外出日期", future_days=90)
    plausible_date(return_by, "预计返院日期", future_days=366)
    if return_by < leave_on:
        raise ValidationError("预计返院日期不能早于外出日期")
    if residency.outings.filter(state__in=(OutingState.REQUESTED, OutingState.APPROVED)).exists():
        raise ValidationError("该老人有未结束的外出申请")
    o = Outing.objects.create(
        residency=residency,
        reason=reason.strip()[:200],
        companion=form_name(companion, "陪同人", required=False, max_length=50),
        leave_on=leave_on,
        return_by=return_by,
        requested_by=actor,
    )
    _audit(actor, AuditEvent.CREATE, "outing", o.pk, residency.region_code, "外出申请")
    return o


@transaction.atomic
def outing_decide(*, actor: Any, outing: Outing, approve: bool) -> Outing:
    """The approval is someone else's than the request's (申请与审批分离)."""
    o = Outing.objects.select_for_update().select_related("residency").get(pk=outing.pk)
    require(actor, CARE, region_code=o.residency.region_code, target=f"facilities:outing:{o.pk}")
    if o.state != OutingState.REQUESTED:
        raise ValidationError("该外出申请已处理")
    require_other_person(actor, o.requested_by_id, message="外出申请须由申请人以外的人员审批")
    o.state = OutingState.APPROVED if approve else OutingState.REFUSED
    o.decided_by = actor
    o.save(update_fields=["state", "decided_by"])
    _audit(actor, AuditEvent.DECISION, "outing", o.pk, o.residency.region_code, o.get_state_display())
    return o


@transaction.atomic
def outing_return(*, actor: Any, outing: Outing, on: dt.date) -> Outing:
    o = Outing.objects.select_for_update().select_related("residency").get(pk=outing.pk)
    require(actor, CARE, region_code=o.residency.region_code, target=f"facilities:outing:{o.pk}")
    if o.state != OutingState.APPROVED:
        raise ValidationError("只有已批准外出的申请才能登记返院")
    if on < o.leave_on:
        raise ValidationError("返院日期不能早于外出日期")
    o.state, o.returned_on = OutingState.RETURNED, on
    o.save(update_fields=["state", "returned_on"])
    _audit(actor, AuditEvent.UPDATE, "outing", o.pk, o.residency.region_code, "登记返院")
    return o


# ------------------------------------------------------------------------------------------ grants
def canteen_amount(*, region_code: str, rural: bool, area_m2: int, on: dt.date) -> int:
    """The city's canteen award (元) for one canteen; below the minimum area there is none."""
    minimum = _figure("facilities.canteen_min_area", on=on, region_code=region_code)
    if area_m2 < minimum:
        raise ValidationError(f"老年人食堂面积{area_m2}平方米，不足{int(minimum)}平方米，不符合奖补条件")
    key = "facilities.canteen_grant.rural" if rural else "facilities.canteen_grant.urban"
    return int(_figure(key, on=on, region_code=region_code))


@transaction.atomic
def grant_apply(
    *, actor: Any, facility: Facility, kind: str, year: int, area_m2: int, rural: bool, amount: int = 0
) -> Grant:
    require(actor, MANAGE, region_code=facility.region_code, target=f"facilities:{facility.pk}")
    if kind not in GrantKind.values:
        raise ValidationError("请选择补助项目")
    if not 2000 <= year <= 2100:
        raise ValidationError("请填写年度")
    if area_m2 <= 0:
        raise ValidationError("请填写面积")
    if kind == GrantKind.CANTEEN:
        if facility.kind != Kind.CANTEEN:
            raise ValidationError("老年人食堂奖补只适用于老年人食堂")
        amount = canteen_amount(
            region_code=facility.region_code, rural=rural, area_m2=area_m2, on=dt.date(year, 12, 31)
        )
    elif amount <= 0:
        raise ValidationError("请填写申请补助金额")
    if (
        Grant.objects.filter(facility=facility, kind=kind, year=year)
        .exclude(state=GrantState.REFUSED)
        .exists()
    ):
        raise ValidationError(f"{facility.name}{year}年已申请该项补助")
    g = Grant.objects.create(
        facility=facility,
        kind=kind,
        region_code=facility.region_code,
        year=year,
        area_m2=area_m2,
        rural=rural,
        amount=amount,
        applied_by=actor,
    )
    _audit(actor, AuditEvent.CREATE, "grant", g.pk, g.region_code, f"{g.get_kind_display()}申请{amount}元")
    return g


@transaction.atomic
def grant_advance(*, actor: Any, grant: Grant, passed: bool = True, note: str = "") -> Grant:
    """One step: 验收 (inspection) → 审批 (approval, not the applicant nor the inspector) → 拨付 (payment,
    finance, not the approver). A failed inspection refuses the grant."""
    g = Grant.objects.select_for_update().get(pk=grant.pk)
    target = f"facilities:grant:{g.pk}"
    if g.state == GrantState.APPLIED:
        require(actor, MANAGE, region_code=g.region_code, target=target)
        if passed:
            g.state = GrantState.INSPECTED
        else:
            if not note.strip():
                raise ValidationError("验收不合格须写明原因")
            g.state = GrantState.REFUSED
        g.inspected_by, g.inspection_note = actor, note.strip()[:300]
    elif g.state == GrantState.INSPECTED:
        require(actor, MANAGE, region_code=g.region_code, target=target)
        if actor.pk in (g.applied_by_id, g.inspected_by_id):
            raise ValidationError("审批人不能是申请人或验收人（经办与审核分离）")
        g.state, g.approved_by = (GrantState.APPROVED if passed else GrantState.REFUSED), actor
    elif g.state == GrantState.APPROVED:
        require(actor, PAY, region_code=g.region_code, target=target)
        if actor.pk == g.approved_by_id:
            raise ValidationError("拨付人不能是审批人")
        g.state, g.paid_by, g.paid_on = GrantState.PAID, actor, timezone.localdate()
    else:
        raise ValidationError(f"该补助{g.get_state_display()}，无需再办理")
    g.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="facilities.grant",
        target_id=g.pk,
        region_code=g.region_code,
        detail=f"{g.get_kind_display()}：{g.get_state_display()}",
        new={"state": g.state, "amount": g.amount},
    )
    return g


@transaction.atomic
def adaptation_apply(*, actor: Any, person: Person, year: int, items: str) -> Adaptation:
    require(actor, MANAGE, region_code=person.region_code, target=f"person:{person.pk}")
    if not items.strip():
        raise ValidationError("请填写改造项目（如扶手、防滑、如厕洗浴设备）")
    if not 2000 <= year <= 2100:
        raise ValidationError("请填写年度")
    if Adaptation.objects.filter(person=person, year=year).exists():
        raise ValidationError(f"{person.name}{year}年已申请适老化改造")
    a = Adaptation.objects.create(
        person=person, region_code=person.region_code, year=year, items=items.strip()
    )
    _audit(actor, AuditEvent.CREATE, "adaptation", a.pk, a.region_code, "适老化改造申请")
    return a


@transaction.atomic
def adaptation_advance(*, actor: Any, adaptation: Adaptation, amount: int | None = None) -> Adaptation:
    """评估 (sets the cost) → 施工 → 验收 → 拨付 (finance, not the one who accepted the works)."""
    a = Adaptation.objects.select_for_update().get(pk=adaptation.pk)
    nxt = ADAPTATION_NEXT.get(AdaptationState(a.state))
    if nxt is None:
        raise ValidationError("该改造已拨付")
    target = f"facilities:adaptation:{a.pk}"
    if nxt == AdaptationState.PAID:
        require(actor, PAY, region_code=a.region_code, target=target)
        if actor.pk == a.accepted_by_id:
            raise ValidationError("拨付人不能是验收人")
        a.paid_by = actor
    else:
        require(actor, MANAGE, region_code=a.region_code, target=target)
    if nxt == AdaptationState.ASSESSED:
        if amount is None or amount <= 0:
            raise ValidationError("评估须填写改造费用（元）")
        a.amount = amount
    if nxt == AdaptationState.ACCEPTED:
        a.accepted_by = actor
    a.state = nxt
    a.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="facilities.adaptation",
        target_id=a.pk,
        region_code=a.region_code,
        detail=f"适老化改造：{a.get_state_display()}",
        new={"state": a.state, "amount": a.amount},
    )
    return a


# ------------------------------------------------------------------------------------------ supervision
@transaction.atomic
def draw_make(*, actor: Any, region_code: str, count: int, seed: int | None = None) -> Draw:
    require(actor, MANAGE, region_code=region_code, target="facilities:draw")
    if count < 1:
        raise ValidationError("抽取机构数应至少为1")
    facility_ids = list(
        Facility.objects.filter(region_code__startswith=region_code, kind__in=INSTITUTIONS)
        .exclude(status=Status.CLOSED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    inspector_ids = list(
        Inspector.objects.filter(region_code__startswith=region_code[:6], active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not facility_ids:
        raise ValidationError("该区域没有可抽取的养老机构")
    if len(inspector_ids) < 2:
        raise ValidationError("检查人员名录库不足2人，不能抽取")
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    d = Draw.objects.create(
        region_code=region_code,
        seed=seed,
        facility_ids=facility_ids,
        inspector_ids=inspector_ids,
        drawn_by=actor,
    )
    for fid, people in draw_pairs(seed, facility_ids, inspector_ids, count):
        i = Inspection.objects.create(
            draw=d, facility_id=fid, region_code=Facility.objects.get(pk=fid).region_code
        )
        i.inspectors.set(people)
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="facilities.draw",
        target_id=d.pk,
        region_code=region_code,
        detail=f"双随机抽取{min(count, len(facility_ids))}家机构",
        new={"seed": seed, "facilities": facility_ids, "inspectors": inspector_ids},
    )
    return d


@transaction.atomic
def inspection_record(
    *,
    actor: Any,
    inspection: Inspection,
    finding: str,
    fire_safe: bool,
    rectify_by: dt.date | None = None,
    credit_mark: str = "",
) -> Inspection:
    i = Inspection.objects.select_for_update().get(pk=inspection.pk)
    require(actor, MANAGE, region_code=i.region_code, target=f"facilities:inspection:{i.pk}")
    finding = finding.strip()
    if (finding or not fire_safe) and rectify_by is None:
        raise ValidationError("有问题的检查须写明整改期限")
    if not fire_safe and not finding:
        raise ValidationError("消防安全不合格须写明检查发现")
    if rectify_by:
        plausible_date(rectify_by, "整改期限", future_days=366)
    if rectify_by and rectify_by < timezone.localdate():
        raise ValidationError("整改期限不能早于今天")
    i.finding, i.fire_safe, i.rectify_by, i.credit_mark = (
        finding[:500],
        fire_safe,
        rectify_by,
        credit_mark.strip()[:100],
    )
    i.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="facilities.inspection",
        target_id=i.pk,
        region_code=i.region_code,
        detail="登记检查结果",
        new={"fire_safe": fire_safe, "rectify_by": rectify_by, "credit_mark": i.credit_mark},
    )
    return i


@transaction.atomic
def inspection_rectified(*, actor: Any, inspection: Inspection, on: dt.date) -> Inspection:
    i = Inspection.objects.select_for_update().get(pk=inspection.pk)
    require(actor, MANAGE, region_code=i.region_code, target=f"facilities:inspection:{i.pk}")
    if i.rectify_by is None:
        raise ValidationError("该检查没有整改要求")
    if i.rectified_on:
        raise ValidationError("已登记整改完成")
    i.rectified_on = on
    i.save(update_fields=["rectified_on"])
    _audit(actor, AuditEvent.UPDATE, "inspection", i.pk, i.region_code, "整改完成")
    return i


# ------------------------------------------------------------------------------------------ care workers
@transaction.atomic
def care_worker_create(
    *, actor: Any, facility: Facility, name: str, training_hours: int = 0, certificate: str = ""
) -> CareWorker:
    require(actor, MANAGE, region_code=facility.region_code, target=f"facilities:{facility.pk}")
    name = form_name(name, "护理员姓名", max_length=30)
    if training_hours < 0:
        raise ValidationError("培训学时不能为负")
    w = CareWorker.objects.create(
        facility=facility,
        region_code=facility.region_code,
        name=name,
        training_hours=training_hours,
        certificate=certificate.strip()[:50],
    )
    _audit(actor, AuditEvent.CREATE, "care_worker", w.pk, w.region_code, "登记养老护理员")
    return w


@transaction.atomic
def care_worker_award(*, actor: Any, worker: CareWorker, year: int) -> CareWorker:
    """评选孔孟之乡敬老使者: the stipend it carries is read from policy when listed, not stored."""
    w = CareWorker.objects.select_for_update().get(pk=worker.pk)
    require(actor, MANAGE, region_code=w.region_code, target=f"facilities:care_worker:{w.pk}")
    if not 2000 <= year <= 2100:
        raise ValidationError("请填写年度")
    _figure("facilities.carer_award_stipend", on=dt.date(year, 12, 31), region_code=w.region_code)
    w.award_year = year
    w.save(update_fields=["award_year"])
    _audit(actor, AuditEvent.DECISION, "care_worker", w.pk, w.region_code, f"{year}年获评孔孟之乡敬老使者")
    return w
