"""Writes of 地名, each audited in its transaction, behind `placename.manage` in the name's region; the
批准 of a naming or renaming is the county officer's (`placename.approve`). The naming flow separates
duties: who applies does not review, who reviews or applies does not approve (经办与审核分离)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from minzheng.accounts.makecheck import require_other_person
from minzheng.accounts.permissions import can, require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.dates import plausible_date
from minzheng.core.inputs import form_name
from minzheng.regions.models import Region

from .models import (
    ApplicationKind,
    ApplicationStatus,
    Category,
    NameStatus,
    NamingApplication,
    PlaceName,
    toneless_pinyin,
)

MANAGE, APPROVE = "placename.manage", "placename.approve"
# 《地名管理条例》第十一条: the Roman spelling is 汉语拼音 (tone marks allowed), words separated by spaces.
_PINYIN = re.compile(r"^[A-Za-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙÜ' -]+$")
_NAME = re.compile(r"^[\u4e00-\u9fff0-9·（）()]+$")
# Jining and the country around it: a typing guard on coordinates (a 0,0 from a phone without a fix).
LAT = (Decimal("34"), Decimal("37"))
LON = (Decimal("115"), Decimal("118"))


def _audit(actor: Any, event: str, obj: Any, detail: str, new: dict[str, Any] | None = None) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        target_type=obj._meta.model_name,
        target_id=obj.pk,
        region_code=obj.region_code,
        detail=detail,
        new=new,
    )


def _clean(
    *,
    name: str,
    pinyin: str,
    category: str,
    region_code: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
) -> tuple[str, str]:
    name, pinyin = (name or "").strip(), " ".join((pinyin or "").split())
    errors: dict[str, list[str]] = {}
    if not 2 <= len(name) <= 60 or not _NAME.match(name):
        errors["name"] = ["地名应为2至60个汉字（可含数字和间隔号）"]
    if not pinyin or len(pinyin) > 200 or not _PINYIN.match(pinyin):
        errors["pinyin"] = ["请按汉语拼音拼写地名（字母、声调符号和空格）"]
    if category not in Category.values:
        errors["category"] = ["请选择地名类别"]
    if not Region.objects.filter(code=region_code).exists():
        errors["region_code"] = ["请选择所在区划"]
    if (latitude is None) != (longitude is None):
        errors["latitude"] = ["经纬度须同时填写"]
    elif (
        latitude is not None
        and longitude is not None
        and not (LAT[0] <= latitude <= LAT[1] and LON[0] <= longitude <= LON[1])
    ):
        errors["latitude"] = ["坐标不在本市范围内，请核对经纬度"]
    if errors:
        raise ValidationError(errors)
    return name, pinyin


def _duplicate(*, name: str, region_code: str, exclude: int | None = None) -> None:
    """同一县（市、区）内不重名 (《地名管理条例》第九条)."""
    qs = PlaceName.objects.filter(
        name=name,
        region_code__startswith=region_code[:6],
        status__in=[NameStatus.STANDARD, NameStatus.RESERVE],
    )
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise ValidationError(f"本县（市、区）已有标准地名或备用地名“{name}”，地名不得重名")


@transaction.atomic
def reserve_add(
    *,
    actor: Any,
    name: str,
    pinyin: str,
    category: str,
    region_code: str,
    meaning: str = "",
) -> PlaceName:
    """备用地名库: a name kept for a road or area not yet built, chosen when one is named."""
    require(actor, MANAGE, region_code=region_code, target="placenames:reserve")
    name, pinyin = _clean(
        name=name, pinyin=pinyin, category=category, region_code=region_code, latitude=None, longitude=None
    )
    _duplicate(name=name, region_code=region_code)
    place = PlaceName.objects.create(
        name=name,
        pinyin=pinyin,
        pinyin_key=toneless_pinyin(pinyin),
        category=category,
        region_code=region_code,
        meaning=(meaning or "").strip()[:2000],
        status=NameStatus.RESERVE,
    )
    _audit(actor, AuditEvent.CREATE, place, "加入备用地名库")
    return place


@transaction.atomic
def application_submit(
    *,
    actor: Any,
    kind: str,
    proposed_name: str,
    pinyin: str,
    category: str,
    region_code: str,
    reason: str,
    applicant_unit: str,
    place: PlaceName | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> NamingApplication:
    require(actor, MANAGE, region_code=region_code, target="placenames:application")
    if kind not in ApplicationKind.values:
        raise ValidationError("请选择命名或更名")
    if kind == ApplicationKind.RENAMING and (place is None or place.status != NameStatus.STANDARD):
        raise ValidationError("更名须选择一个现有的标准地名")
    if place is not None and place.region_code != region_code:
        raise ValidationError("更名申请的区划应与原地名一致")
    name, pinyin = _clean(
        name=proposed_name,
        pinyin=pinyin,
        category=category,
        region_code=region_code,
        latitude=latitude,
        longitude=longitude,
    )
    reserved = PlaceName.objects.filter(
        name=name, region_code__startswith=region_code[:6], status=NameStatus.RESERVE
    ).exists()
    if not reserved:
        _duplicate(name=name, region_code=region_code, exclude=place.pk if place else None)
    reason, unit = (reason or "").strip(), form_name(applicant_unit, "申请单位", max_length=100)
    if len(reason) < 4 or len(reason) > 2000 or len(unit) < 2:
        raise ValidationError("请填写命名理由（含义，4至2000字）和申请单位")
    application = NamingApplication.objects.create(
        kind=kind,
        place=place,
        proposed_name=name,
        pinyin=pinyin,
        category=category,
        region_code=region_code,
        reason=reason,
        applicant_unit=unit,
        latitude=latitude,
        longitude=longitude,
        applied_by=actor,
    )
    _audit(actor, AuditEvent.CREATE, application, f"地名{application.get_kind_display()}申请")
    return application


def _locked(application: NamingApplication, status: str) -> NamingApplication:
    application = NamingApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != status:
        raise ValidationError(f"该申请{application.get_status_display()}，不能办理此步骤")
    return application


@transaction.atomic
def application_review(*, actor: Any, application: NamingApplication, note: str) -> NamingApplication:
    """审核: by someone other than the applicant: another 社会事务科 officer, or the county officer who
    will not then approve it."""
    application = _locked(application, ApplicationStatus.APPLIED)
    if not can(actor, APPROVE, region_code=application.region_code):
        require(
            actor,
            MANAGE,
            region_code=application.region_code,
            target=f"placenames:application:{application.pk}",
        )
    require_other_person(actor, application.applied_by_id, message="申请人不能审核自己提交的申请")
    note = (note or "").strip()
    if not 2 <= len(note) <= 1000:
        raise ValidationError("请填写审核意见")
    application.status, application.reviewed_by, application.review_note = (
        ApplicationStatus.REVIEWED,
        actor,
        note,
    )
    application.save(update_fields=["status", "reviewed_by", "review_note"])
    _audit(actor, AuditEvent.UPDATE, application, "地名申请审核")
    return application


@transaction.atomic
def application_decide(
    *,
    actor: Any,
    application: NamingApplication,
    approve: bool,
    decision_no: str,
    note: str = "",
    decided_on: dt.date | None = None,
) -> NamingApplication:
    """批准 (the name becomes standard, a renamed place keeps its former name) or 驳回, with the 文号."""
    application = _locked(application, ApplicationStatus.REVIEWED)
    require(
        actor, APPROVE, region_code=application.region_code, target=f"placenames:application:{application.pk}"
    )
    if actor.pk in (application.reviewed_by_id, application.applied_by_id):
        raise ValidationError("审核人和申请人不能批准同一申请")
    decision_no = (decision_no or "").strip()
    if not 4 <= len(decision_no) <= 60 or ("〔" not in decision_no and "[" not in decision_no):
        raise ValidationError("请填写批准或驳回的文号（如 任政字〔2026〕12号）")
    note = (note or "").strip()
    if not approve and len(note) < 2:
        raise ValidationError("驳回须写明理由")
    day = plausible_date(decided_on or timezone.localdate(), "决定日期", past_years=1)
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
    application.decided_by, application.decision_no = actor, decision_no
    application.decision_note, application.decided_on = note[:1000], day
    application.save(update_fields=["status", "decided_by", "decision_no", "decision_note", "decided_on"])
    if approve:
        _apply(application)
    _audit(
        actor,
        AuditEvent.DECISION,
        application,
        f"地名{application.get_kind_display()}{'批准' if approve else '驳回'}",
        {"decision_no": decision_no},
    )
    return application


def _apply(application: NamingApplication) -> PlaceName:
    fields: dict[str, Any] = {
        "pinyin": application.pinyin,
        "pinyin_key": toneless_pinyin(application.pinyin),
        "category": application.category,
        "status": NameStatus.STANDARD,
        "approval_no": application.decision_no,
        "approved_on": application.decided_on,
    }
    if application.latitude is not None:
        fields |= {"latitude": application.latitude, "longitude": application.longitude}
    if application.kind == ApplicationKind.RENAMING and application.place is not None:
        place = PlaceName.objects.select_for_update().get(pk=application.place.pk)
        former = "、".join(n for n in (place.former_names, place.name) if n)
        day = f"{application.decided_on:%Y年%m月%d日}"
        history = f"{place.history}\n{day}由“{place.name}”更名（{application.decision_no}）"
        for k, v in (fields | {"name": application.proposed_name, "former_names": former[:200]}).items():
            setattr(place, k, v)
        place.history = history.strip()
        place.save()
        return place
    reserve = PlaceName.objects.filter(
        name=application.proposed_name,
        region_code__startswith=application.region_code[:6],
        status=NameStatus.RESERVE,
    ).first()
    if reserve is not None:  # a name taken from the reserve leaves it
        for k, v in (
            fields | {"region_code": application.region_code, "meaning": application.reason}
        ).items():
            setattr(reserve, k, v)
        reserve.save()
        return reserve
    return PlaceName.objects.create(
        name=application.proposed_name,
        region_code=application.region_code,
        meaning=application.reason,
        **fields,
    )


@transaction.atomic
def place_record(
    *,
    actor: Any,
    name: str,
    pinyin: str,
    category: str,
    region_code: str,
    meaning: str,
    history: str,
    approval_no: str,
    approved_on: dt.date,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> PlaceName:
    """Enter a name already standard (第二次全国地名普查, earlier approvals) with its approval record."""
    require(actor, MANAGE, region_code=region_code, target="placenames:record")
    name, pinyin = _clean(
        name=name,
        pinyin=pinyin,
        category=category,
        region_code=region_code,
        latitude=latitude,
        longitude=longitude,
    )
    _duplicate(name=name, region_code=region_code)
    approval_no = (approval_no or "").strip()
    if not 4 <= len(approval_no) <= 60:
        raise ValidationError("请填写批准文号")
    plausible_date(approved_on, "批准日期")
    place = PlaceName.objects.create(
        name=name,
        pinyin=pinyin,
        pinyin_key=toneless_pinyin(pinyin),
        category=category,
        region_code=region_code,
        meaning=(meaning or "").strip()[:2000],
        history=(history or "").strip()[:4000],
        latitude=latitude,
        longitude=longitude,
        status=NameStatus.STANDARD,
        approval_no=approval_no,
        approved_on=approved_on,
    )
    _audit(actor, AuditEvent.CREATE, place, "登记标准地名（含批准记录）")
    return place
