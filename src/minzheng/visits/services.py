"""Writes of the visits line: assignment, visits (with photo and what they raise), pairs and check-ins.
Each is atomic, permission-checked against the elder's region and audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from minzheng.accounts.permissions import can, require
from minzheng.accounts.scoping import in_scope
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core import crypto
from minzheng.core.uploads import clean_photo
from minzheng.elderly.models import SPECIAL_SITUATIONS, ElderProfile, LivingSituation
from minzheng.people.models import Person
from minzheng.programmes.registry import DeathEffect

from .models import (
    CheckIn,
    Health,
    Need,
    Pair,
    PairFrequency,
    Raise,
    RaiseKind,
    RaiseStatus,
    Safety,
    Visit,
    VisitMode,
    VisitorAssignment,
    VisitorKind,
)

# Which account may be assigned as which kind of visitor: the permission to record visits, and a kind.
VISITOR_PERMISSION = "elderly.visit_record"


def _special(person: Person, on: dt.date) -> None:
    profile = ElderProfile.objects.filter(person=person).first()
    if profile is None or profile.living_situation not in SPECIAL_SITUATIONS:
        raise ValidationError("该老年人不是特殊困难老年人（独居、空巢、农村留守、计划生育特殊家庭）")
    from .selectors import born_by

    if not person.is_alive or person.birth_date > born_by(on):
        raise ValidationError("探访对象须为在世的60周岁以上老年人")


def _phone(value: str) -> str:
    value = (value or "").strip()
    if value and not (value.isdigit() and 7 <= len(value) <= 12):
        raise ValidationError("联系电话格式不正确")
    return crypto.encrypt(value) if value else ""


@transaction.atomic
def visitor_assign(
    *,
    actor: Any,
    elder: Person,
    kind: str,
    visitor: Any = None,
    visitor_name: str = "",
    visitor_phone: str = "",
) -> VisitorAssignment:
    """Assign (or change) the elder's visitor. A social worker without an account is a name and phone."""
    require(actor, "visits.assign", region_code=elder.region_code, target=f"person:{elder.pk}")
    if kind not in VisitorKind.values:
        raise ValidationError("请选择探访人员类型")
    _special(elder, timezone.localdate())
    if visitor is not None:
        if not can(visitor, VISITOR_PERMISSION, region_code=elder.region_code):
            raise ValidationError("所选人员不能在该老年人所在地登记探访")
        visitor_name, phone_enc = "", ""
    else:
        if kind != VisitorKind.SOCIAL_WORKER:
            raise ValidationError("村干部、志愿者和网格员须选择系统账号；无账号的只能登记为社会工作者")
        visitor_name = visitor_name.strip()[:64]
        if not visitor_name:
            raise ValidationError("请填写社会工作者姓名")
        phone_enc = _phone(visitor_phone)
        if not phone_enc:
            raise ValidationError("请填写社会工作者联系电话")
    assignment, created = VisitorAssignment.objects.update_or_create(
        elder=elder,
        defaults={
            "region_code": elder.region_code,
            "kind": kind,
            "visitor": visitor,
            "visitor_name": visitor_name,
            "visitor_phone_enc": phone_enc,
            "assigned_by": actor,
        },
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE if created else AuditEvent.UPDATE,
        target_type="visits.assignment",
        target_id=assignment.pk,
        region_code=elder.region_code,
        new={"kind": kind, "visitor": getattr(visitor, "pk", None)},
    )
    return assignment


@transaction.atomic
def visitor_assign_village(*, actor: Any, village_code: str, kind: str, visitor: Any) -> int:
    """Bulk: every special elder of the village who has no visitor yet gets `visitor`. Returns how many."""
    require(actor, "visits.assign", region_code=village_code, target=f"village:{village_code}")
    if visitor is None:
        raise ValidationError("请选择探访人员")
    from .selectors import special_elders

    elders = list(
        special_elders(on=timezone.localdate())
        .filter(region_code__startswith=village_code, person__visitor_assignment__isnull=True)
        .select_related("person")
    )
    for profile in elders:  # a village's handful of elders; each assignment is checked and audited
        visitor_assign(actor=actor, elder=profile.person, kind=kind, visitor=visitor)
    return len(elders)


def may_record(actor: Any, elder: Person) -> bool:
    """The elder's assigned visitor, or township staff who may assign visitors there."""
    if can(actor, "visits.assign", region_code=elder.region_code):
        return True
    assignment = VisitorAssignment.objects.filter(elder=elder).only("visitor_id").first()
    return (
        assignment is not None
        and assignment.visitor_id == getattr(actor, "pk", None)
        and can(actor, VISITOR_PERMISSION, region_code=elder.region_code)
    )


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    elder: Person,
    visited_on: dt.date,
    mode: str,
    health: str,
    safety: str,
    needs: list[str],
    note: str = "",
    photo: UploadedFile | None = None,
    raises: list[str] | None = None,
    raise_note: str = "",
) -> Visit:
    require(actor, VISITOR_PERMISSION, region_code=elder.region_code, target=f"person:{elder.pk}")
    if not may_record(actor, elder):
        raise ValidationError("只有该老年人的探访人员或乡镇经办人员可以登记探访")
    today = timezone.localdate()
    if visited_on > today:
        raise ValidationError("探访日期不能晚于今天")
    if visited_on < today - dt.timedelta(days=62):
        raise ValidationError("探访日期过早，只能补录两个月内的探访")
    if mode not in VisitMode.values:
        raise ValidationError("请选择探访方式")
    if health not in Health.values:
        raise ValidationError("请选择健康状况")
    if safety not in Safety.values:
        raise ValidationError("请选择安全状况")
    needs = list(dict.fromkeys(needs))
    if not needs or any(n not in Need.values for n in needs):
        raise ValidationError("请选择需求（没有需求请选“暂无需求”）")
    if Need.NONE in needs and len(needs) > 1:
        raise ValidationError("“暂无需求”不能与其他需求同时选择")
    raises = list(dict.fromkeys(raises or []))
    if any(r not in RaiseKind.values for r in raises):
        raise ValidationError("预警或转介类型不正确")
    if safety == Safety.RISK and RaiseKind.SAFETY_ALERT not in raises:
        raises.insert(0, RaiseKind.SAFETY_ALERT)  # a safety risk always reaches the township
    _special(elder, visited_on)
    visit = Visit(
        elder=elder,
        region_code=elder.region_code,
        visitor=actor,
        visited_on=visited_on,
        mode=mode,
        health=health,
        safety=safety,
        needs=needs,
        note=note.strip()[:500],
    )
    if photo is not None:
        visit.photo = clean_photo(photo)
    visit.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="visits.visit",
        target_id=visit.pk,
        region_code=elder.region_code,
        new={"visited_on": visited_on.isoformat(), "mode": mode, "safety": safety, "photo": bool(photo)},
    )
    for kind in raises:
        r = Raise.objects.create(
            visit=visit,
            elder=elder,
            region_code=elder.region_code,
            kind=kind,
            note=raise_note.strip()[:300],
            created_by=actor,
        )
        audit_record(
            actor=actor,
            event_type=AuditEvent.CREATE,
            target_type="visits.raise",
            target_id=r.pk,
            region_code=elder.region_code,
            new={"kind": kind},
        )
    return visit


@transaction.atomic
def raise_set_status(*, actor: Any, item: Raise, status: str) -> Raise:
    require(actor, "visits.assign", region_code=item.region_code, target=f"visits.raise:{item.pk}")
    if status not in RaiseStatus.values:
        raise ValidationError("处理状态不正确")
    old = item.status
    item.status, item.handled_by = status, actor
    item.save(update_fields=["status", "handled_by"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="visits.raise",
        target_id=item.pk,
        region_code=item.region_code,
        old={"status": old},
        new={"status": status},
    )
    return item


def visit_photo_open(*, actor: Any, visit: Visit) -> Any:
    """Open a visit's photo; the caller scoped the elder. Each viewing of the health record is audited."""
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="visits.photo",
        target_id=visit.pk,
        region_code=visit.region_code,
    )
    return visit.photo.open("rb")


@transaction.atomic
def pair_create(
    *,
    actor: Any,
    elder: Person,
    frequency: str,
    helper: Any = None,
    helper_name: str = "",
    helper_phone: str = "",
    started_on: dt.date | None = None,
) -> Pair:
    """相约黎明: pair the elder with a neighbour or volunteer; an existing open pair is ended first."""
    require(actor, VISITOR_PERMISSION, region_code=elder.region_code, target=f"person:{elder.pk}")
    if frequency not in PairFrequency.values:
        raise ValidationError("请选择报平安频次")
    started_on = started_on or timezone.localdate()
    _special(elder, started_on)
    if helper is not None:
        if not in_scope(helper, elder.region_code):
            raise ValidationError("结对人须为本村（社区）人员")
        helper_name = str(helper)
    helper_name = helper_name.strip()[:64]
    if not helper_name:
        raise ValidationError("请填写结对人姓名")
    Pair.objects.filter(elder=elder, ended_on__isnull=True).update(ended_on=started_on)
    pair = Pair.objects.create(
        elder=elder,
        region_code=elder.region_code,
        helper=helper,
        helper_name=helper_name,
        helper_phone_enc=_phone(helper_phone),
        frequency=frequency,
        started_on=started_on,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="visits.pair",
        target_id=pair.pk,
        region_code=elder.region_code,
        new={"frequency": frequency},
    )
    return pair


@transaction.atomic
def checkin_record(
    *, actor: Any, pair: Pair, on: dt.date | None = None, safe: bool = True, note: str = ""
) -> CheckIn:
    """The morning "平安" tap: by the paired helper, or by village/township staff who record visits."""
    if pair.helper_id != getattr(actor, "pk", None):
        require(actor, VISITOR_PERMISSION, region_code=pair.region_code, target=f"visits.pair:{pair.pk}")
    if pair.ended_on is not None:
        raise ValidationError("该结对已解除")
    on = on or timezone.localdate()
    if on > timezone.localdate() or on < pair.started_on:
        raise ValidationError("报平安日期不正确")
    checkin, created = CheckIn.objects.get_or_create(
        pair=pair, checked_on=on, defaults={"safe": safe, "note": note.strip()[:200], "by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            event_type=AuditEvent.CREATE,
            target_type="visits.checkin",
            target_id=checkin.pk,
            region_code=pair.region_code,
            new={"on": on.isoformat(), "safe": safe},
        )
    return checkin


@transaction.atomic
def living_situation_set(*, actor: Any, person: Person, situation: str, on: dt.date) -> ElderProfile:
    """Record an elder's living situation found by a visit or the village survey (the elderly line has no
    such service yet; the demo uses this one)."""
    require(actor, "visits.assign", region_code=person.region_code, target=f"person:{person.pk}")
    if situation not in LivingSituation.values:
        raise ValidationError("居住状况不正确")
    profile, _ = ElderProfile.objects.update_or_create(
        person=person,
        defaults={
            "region_code": person.region_code,
            "living_situation": situation,
            "situation_recorded_on": on,
        },
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="elderly.profile",
        target_id=profile.pk,
        region_code=person.region_code,
        new={"living_situation": situation},
    )
    return profile


@transaction.atomic
def visits_stop_on_death(*, actor: Any, person: Person, died_on: dt.date) -> list[DeathEffect]:
    """The elder died: the visitor's assignment ends (the monthly schedule already counts only the
    living), the 相约黎明 pair ends and open alerts and referrals are closed. Registered as the line's
    death hook; what is already ended is left."""
    reason = f"老年人死亡（{died_on:%Y-%m-%d}）"
    effects = []
    assignment = (
        VisitorAssignment.objects.select_for_update().filter(elder=person, ended_on__isnull=True).first()
    )
    if assignment is not None:
        assignment.ended_on, assignment.end_reason = died_on, reason
        assignment.save(update_fields=["ended_on", "end_reason"])
        effects.append(
            DeathEffect("探访关爱", f"探访人员{assignment.display_name}的月探访", f"已结束：{reason}")
        )
    for pair in Pair.objects.select_for_update().filter(elder=person, ended_on__isnull=True):
        Pair.objects.filter(pk=pair.pk).update(ended_on=max(died_on, pair.started_on))
        effects.append(DeathEffect("探访关爱", f"相约黎明结对（{pair.helper_name}）", f"已解除：{reason}"))
    raised = Raise.objects.filter(elder=person, status__in=(RaiseStatus.OPEN, RaiseStatus.ACCEPTED))
    n = raised.update(status=RaiseStatus.CLOSED, handled_by=actor)
    if n:
        effects.append(DeathEffect("探访关爱", f"探访预警与转介{n}项", f"已办结：{reason}"))
    if effects:
        audit_record(
            actor=actor,
            event_type=AuditEvent.UPDATE,
            target_type="visits.death",
            target_id=person.pk,
            region_code=person.region_code,
            detail=f"{reason}，终止{len(effects)}项",
        )
    return effects
