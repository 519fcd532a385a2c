"""Writes of 掌上办: a field record the phone queued offline, synced once. The record itself is written by
its own line's service (visits, children, vagrants), which checks the permission and audits it; this
keeps the phone's key so that a replay returns what the first sync made instead of a duplicate."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.inputs import form_date

from .models import FieldKind, SyncedRecord

Fields = dict[str, list[str]]


@dataclass(frozen=True)
class Made:
    target_type: str
    target_id: int
    region_code: str


def _one(fields: Fields, name: str) -> str:
    values = fields.get(name) or [""]
    return str(values[0])


def _elder_visit(actor: Any, subject_id: int, fields: Fields, photo: UploadedFile | None) -> Made:
    from minzheng.visits import selectors as visits_sel
    from minzheng.visits import services as visits_svc

    elder = visits_sel.scoped_person(actor=actor, person_id=subject_id)
    if elder is None:
        raise Http404("没有这位老年人")
    visit = visits_svc.visit_record(
        actor=actor,
        elder=elder,
        visited_on=form_date(_one(fields, "visited_on"), "探访日期"),
        mode=_one(fields, "mode"),
        health=_one(fields, "health"),
        safety=_one(fields, "safety"),
        needs=[str(v) for v in fields.get("needs", [])],
        note=_one(fields, "note"),
        photo=photo,
        raises=[str(v) for v in fields.get("raises", [])],
        raise_note=_one(fields, "raise_note"),
    )
    return Made("visits.visit", visit.pk, visit.region_code)


def _child_visit(actor: Any, subject_id: int, fields: Fields, photo: UploadedFile | None) -> Made:
    from minzheng.children import selectors as children_sel
    from minzheng.children import services as children_svc

    file = children_sel.child_file_get(actor=actor, person_id=subject_id)  # 404 out of scope
    visit = children_svc.file_visit_record(
        actor=actor,
        file=file,
        visited_on=form_date(_one(fields, "visited_on"), "走访日期", past_years=1),
        kind=_one(fields, "kind"),
        note=_one(fields, "note"),
    )
    return Made("children.file_visit", visit.pk, file.region_code)


def _ledger_visit(actor: Any, subject_id: int, fields: Fields, photo: UploadedFile | None) -> Made:
    from minzheng.vagrants import selectors as vagrants_sel
    from minzheng.vagrants import services as vagrants_svc

    entry = vagrants_sel.ledger_get(actor=actor, pk=subject_id)
    if entry is None:
        raise Http404("台账人员不存在")
    at_home = {"yes": True, "no": False}.get(_one(fields, "at_home"))
    if at_home is None:
        raise ValidationError("请选择是否在家")
    visit = vagrants_svc.ledger_visit(
        actor=actor,
        entry=entry,
        visited_on=form_date(_one(fields, "visited_on"), "走访日期"),
        at_home=at_home,
        note=_one(fields, "note"),
    )
    return Made("vagrants.ledger_visit", visit.pk, entry.region_code)


# Each kind of field form the phone may queue: the line's own service behind it.
RECORDERS: dict[str, Callable[[Any, int, Fields, UploadedFile | None], Made]] = {
    FieldKind.ELDER_VISIT: _elder_visit,
    FieldKind.CHILD_VISIT: _child_visit,
    FieldKind.LEDGER_VISIT: _ledger_visit,
}


def _coordinate(value: Decimal | None, label: str, limit: int) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or abs(value) > limit:
        raise ValidationError(f"{label}超出合理范围（-{limit}至{limit}度）")
    return value.quantize(Decimal("0.000001"))


def field_record_sync(
    *,
    actor: Any,
    key: uuid.UUID,
    kind: str,
    subject_id: int,
    fields: Fields,
    photo: UploadedFile | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> tuple[SyncedRecord, bool]:
    """Write the queued record through its line's service, once: a key the user already synced returns the
    first sync's row and `False`; a key reused for another record is refused. Out of scope = Http404."""
    done = SyncedRecord.objects.filter(user=actor, key=key).first()
    if done is not None:
        return _replayed(done, kind=kind, subject_id=subject_id), False
    try:
        return _sync_once(
            actor=actor,
            key=key,
            kind=kind,
            subject_id=subject_id,
            fields=fields,
            photo=photo,
            latitude=latitude,
            longitude=longitude,
        ), True
    except IntegrityError:
        # Two replays raced: the other one committed first and this one's record was rolled back with it.
        done = SyncedRecord.objects.filter(user=actor, key=key).first()
        if done is None:
            raise
        return _replayed(done, kind=kind, subject_id=subject_id), False


def _replayed(done: SyncedRecord, *, kind: str, subject_id: int) -> SyncedRecord:
    if done.kind != kind or done.subject_id != subject_id:
        raise ValidationError("该同步编号已用于另一条登记，请重新填写")
    return done


@transaction.atomic
def _sync_once(
    *,
    actor: Any,
    key: uuid.UUID,
    kind: str,
    subject_id: int,
    fields: Fields,
    photo: UploadedFile | None,
    latitude: Decimal | None,
    longitude: Decimal | None,
) -> SyncedRecord:
    recorder = RECORDERS.get(kind)
    if recorder is None:
        raise ValidationError("离线登记类型不正确")
    lat = _coordinate(latitude, "纬度", 90)
    lon = _coordinate(longitude, "经度", 180)
    made = recorder(actor, subject_id, fields, photo)
    record = SyncedRecord.objects.create(
        user=actor,
        key=key,
        kind=kind,
        subject_id=subject_id,
        target_type=made.target_type,
        target_id=made.target_id,
        region_code=made.region_code,
        latitude=lat,
        longitude=lon,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="mobile.sync",
        target_id=record.pk,
        region_code=made.region_code,
        new={"kind": kind, "target": f"{made.target_type}:{made.target_id}", "located": lat is not None},
    )
    return record
