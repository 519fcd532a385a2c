"""All writes to the population registry. Validation lives here, once, for UI, API, CLI and importers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.accounts.scoping import in_scope
from minzheng.accounts.system import require_actor
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core import crypto
from minzheng.core.idnumber import parse_id_number
from minzheng.core.inputs import form_name
from minzheng.core.masking import mask_id_number
from minzheng.core.spreadsheet import xlsx_bytes
from minzheng.regions.models import Region, RegionLevel
from minzheng.regions.selectors import division_name

from .models import (
    Household,
    HukouType,
    Membership,
    Person,
    RegionPopulation,
    Relation,
    Sex,
    TransferRequest,
    TransferStatus,
    UnidentifiedKind,
    UnidentifiedRecord,
)
from .selectors import NOT_IN_THIS_REGION, person_search


def _village(code: str, *, label: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError(f"{label}区划代码{code}不存在")
    if region.level != RegionLevel.VILLAGE:
        raise ValidationError(f"{label}须选到村(社区)一级，{region.name}是{region.get_level_display()}")
    return region


def _check_actor_region(actor: Any, region: Region) -> None:
    require_actor(actor)  # imports and scheduled work pass the system actor, whose scope is the city
    if not in_scope(actor, region.code):
        raise ValidationError(f"{region.full_name}不在您的管辖范围内")


# One answer whether or not the number is held by another region, so a desk cannot probe the registry of
# regions it does not serve; the clerk is routed to a transfer request instead.
HOUSEHOLD_NUMBER_TAKEN = "无法在本辖区使用该户编号，请核对户编号；如该户户籍在外地，请提交迁入（转移）申请"


def _duplicate_id_message(actor: Any, holder_region: str, id_number: str) -> str:
    if in_scope(actor, holder_region):
        return f"身份证号{mask_id_number(id_number)}已登记，不能重复录入，请在人员检索中查找该人员"
    return NOT_IN_THIS_REGION


def _known_division(code: str) -> None:
    """A hukou place outside the city is a county of the national list (its first six digits)."""
    if not division_name(code):
        raise ValidationError(f"户籍地区划代码{code}不在全国县级行政区划代码表中，请在省、市、县中选择")


def _clean_phone(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone and (not phone.isdigit() or not 7 <= len(phone) <= 12):
        raise ValidationError("联系电话格式不正确，应为7至12位数字")
    return phone


@transaction.atomic
def person_create(
    *,
    actor: Any,
    id_number: str,
    name: str,
    hukou_type: str,
    hukou_region_code: str,
    residence_region_code: str | None = None,
    sex: str | None = None,
    birth_date: dt.date | None = None,
    phone: str = "",
) -> Person:
    info = parse_id_number(id_number)
    name = form_name(name, "姓名")  # no formula lead, no control characters (core.inputs)
    if birth_date is not None and birth_date != info.birth_date:
        raise ValidationError(f"出生日期{birth_date:%Y-%m-%d}与身份证号中的{info.birth_date:%Y-%m-%d}不一致")
    if sex is not None and sex != info.sex:
        raise ValidationError("性别与身份证号第17位不一致")
    if hukou_type not in HukouType.values:
        raise ValidationError("户口性质须为城镇或农村")
    if hukou_region_code.startswith("3708") or not residence_region_code:
        hukou_region: Region | None = _village(hukou_region_code, label="户籍地")
    else:
        # Out-of-city hukou (e.g. a temporary-assistance applicant): keep the code, no local region.
        if not (hukou_region_code.isdigit() and len(hukou_region_code) in (6, 9, 12)):
            raise ValidationError(f"户籍地区划代码{hukou_region_code}格式不正确")
        _known_division(hukou_region_code)
        hukou_region = None
    residence = _village(residence_region_code or hukou_region_code, label="居住地")
    _check_actor_region(actor, residence)
    phone = _clean_phone(phone)
    id_hash = crypto.blind_index(info.id_number)
    holder = Person.objects.filter(id_hash=id_hash).values_list("region_code", flat=True).first()
    if holder is not None:
        raise ValidationError(_duplicate_id_message(actor, holder, info.id_number))
    person = Person(
        id_number_enc=crypto.encrypt(info.id_number),
        id_hash=id_hash,
        id_tail=info.id_number[-4:],
        name=name,
        sex=info.sex,
        birth_date=info.birth_date,
        hukou_type=hukou_type,
        hukou_region=hukou_region,
        hukou_code=hukou_region_code,
        residence_region=residence,
        region_code=residence.code,
        phone_enc=crypto.encrypt(phone),
        phone_hash=crypto.blind_index(phone) if phone else "",
    )
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # registered meanwhile, perhaps elsewhere: answer as for another region
        raise ValidationError(NOT_IN_THIS_REGION) from None
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="person",
        target_id=person.pk,
        region_code=person.region_code,
        new={"name": name, "id_number": person.id_masked, "hukou_type": hukou_type, "region": residence.code},
    )
    return person


@transaction.atomic
def household_create(
    *,
    actor: Any,
    number: str,
    region_code: str,
    hukou_type: str,
    head: Person,
    start_date: dt.date,
    address: str = "",
) -> Household:
    number = (number or "").strip()
    if not number or len(number) > 32:
        raise ValidationError("户编号不能为空，且不超过32位")
    if hukou_type not in HukouType.values:
        raise ValidationError("户口性质须为城镇或农村")
    region = _village(region_code, label="家庭所在地")
    _check_actor_region(actor, region)
    holder = Household.objects.filter(number=number).values_list("region_code", flat=True).first()
    if holder is not None:
        if in_scope(actor, holder):
            raise ValidationError(f"户编号{number}已存在")
        raise ValidationError(HOUSEHOLD_NUMBER_TAKEN)
    household = Household.objects.create(
        number=number, region=region, region_code=region.code, hukou_type=hukou_type, address=address
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="household",
        target_id=household.pk,
        region_code=region.code,
        new={"number": number, "region": region.code, "hukou_type": hukou_type},
    )
    household_add_member(
        actor=actor, household=household, person=head, relation=Relation.HEAD, start_date=start_date
    )
    return household


@transaction.atomic
def household_add_member(
    *, actor: Any, household: Household, person: Person, relation: str, start_date: dt.date
) -> Membership:
    """Put `person` in `household` from `start_date`; a current membership elsewhere is closed (a move)."""
    if relation not in Relation.values:
        raise ValidationError("与户主关系不正确")
    require_actor(actor)
    if not (in_scope(actor, household.region_code) and in_scope(actor, person.region_code)):
        raise ValidationError("该家庭或人员不在您的管辖范围内")
    if not person.is_identified:
        # Households feed verification and the engine, which work on ID numbers: merge first.
        raise ValidationError(
            f"{person.name}（{person.temp_number}）尚未识别身份，请先合并至已登记人员再加入家庭"
        )
    if not person.is_alive:
        raise ValidationError(f"{person.name}已死亡，不能加入家庭")
    if start_date < person.birth_date:
        raise ValidationError("入户日期不能早于出生日期")
    members = Membership.objects.select_for_update().filter(household=household, end_date__isnull=True)
    if relation == Relation.HEAD and members.filter(relation=Relation.HEAD).exclude(person=person).exists():
        raise ValidationError("该户已有户主，一户只能有一名户主")
    current = Membership.objects.select_for_update().filter(person=person, end_date__isnull=True).first()
    old: dict[str, Any] | None = None
    if current is not None:
        if current.household_id == household.pk:
            raise ValidationError(f"{person.name}已是该户成员")
        if start_date < current.start_date:
            raise ValidationError("迁入日期不能早于原家庭的入户日期")
        old = {"household": current.household_id, "relation": current.relation}
        current.end_date = start_date
        current.save(update_fields=["end_date"])
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                household=household, person=person, relation=relation, start_date=start_date
            )
    except IntegrityError:
        raise ValidationError("该户已有户主，一户只能有一名户主") from None
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE if old else AuditEvent.CREATE,
        target_type="membership",
        target_id=membership.pk,
        region_code=household.region_code,
        old=old,
        new={"household": household.pk, "person": person.pk, "relation": relation, "start": start_date},
    )
    return membership


def person_check_writable(*, person: Person) -> None:
    """Refuse any change to a temporary record that was merged into an identified person (read-only now);
    other lines call this before writing against a person."""
    record = (
        UnidentifiedRecord.objects.filter(person_id=person.pk, merged_into__isnull=False)
        .select_related("merged_into")
        .first()
    )
    if record is not None and record.merged_into is not None:
        into = record.merged_into
        raise ValidationError(
            f"临时记录{person.temp_number}已合并至{into.name}（{into.id_masked}），不能再修改"
        )


@transaction.atomic
def person_record_death(*, actor: Any, person: Person, death_date: dt.date) -> Person:
    person_check_writable(person=person)
    if death_date < person.birth_date:
        raise ValidationError("死亡日期不能早于出生日期")
    require_actor(actor)
    if not in_scope(actor, person.region_code):
        raise ValidationError("该人员不在您的管辖范围内")
    old = {"is_alive": person.is_alive, "death_date": person.death_date}
    person.is_alive = False
    person.death_date = death_date
    person.save(update_fields=["is_alive", "death_date", "updated_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="person",
        target_id=person.pk,
        region_code=person.region_code,
        old=old,
        new={"is_alive": False, "death_date": death_date},
    )
    return person


def _reveal(*, actor: Any, person: Person, field: str, label: str, ip: str) -> None:
    """An explicit reveal: exactly one audit row, which itself holds no full value."""
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type=f"person.{field}",
        target_id=person.pk,
        region_code=person.region_code,
        detail=f"查看完整{label}",
        ip=ip,
    )


@transaction.atomic
def person_reveal_id_number(*, actor: Any, person: Person, ip: str = "") -> str:
    if not person.is_identified:
        raise ValidationError(f"{person.name}尚未识别身份，没有身份证号（临时编号{person.temp_number}）")
    _reveal(actor=actor, person=person, field="id_number", label="身份证号", ip=ip)
    return person.id_number


@transaction.atomic
def person_reveal_phone(*, actor: Any, person: Person, ip: str = "") -> str:
    _reveal(actor=actor, person=person, field="phone", label="联系电话", ip=ip)
    return crypto.decrypt(person.phone_enc)


@transaction.atomic
def person_set_phone(*, actor: Any, person: Person, phone: str, ip: str = "") -> Person:
    """Register (or clear) a person's phone: encrypted, with its keyed index, like at creation. The
    number is what the 指尖办 sign-in sends its code to; the audit row holds only masked numbers."""
    person_check_writable(person=person)
    require_actor(actor)
    if not in_scope(actor, person.region_code):
        raise ValidationError("该人员不在您的管辖范围内")
    phone = _clean_phone(phone)
    person = Person.objects.select_for_update().get(pk=person.pk)
    old = person.phone_masked
    person.phone_enc = crypto.encrypt(phone)
    person.phone_hash = crypto.blind_index(phone) if phone else ""
    person.save(update_fields=["phone_enc", "phone_hash", "updated_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="person.phone",
        target_id=person.pk,
        region_code=person.region_code,
        old={"phone": old},
        new={"phone": person.phone_masked},
        ip=ip,
    )
    return person


@transaction.atomic
def household_register(
    *,
    actor: Any,
    number: str,
    region_code: str,
    hukou_type: str,
    members: list[dict[str, str]],
    start_date: dt.date,
    hukou_region_code: str = "",
) -> Household:
    """One-window intake of a family not yet in the registry: all members with full ID validation, the
    household and memberships in one transaction — any bad row saves nothing. Every row is checked, and a
    refusal names each bad row: a ValidationError keyed `row_<n>` (the member's `row`, else its place),
    `number` for the household number, `__all__` for the family as a whole.

    `hukou_region_code`: the family's hukou is elsewhere (a residence-permit holder, a family in need
    where it happens to be — temporary assistance has no hukou limit): the household is registered where
    it lives (`region_code`) and each member keeps that hukou place (outside the city: its code only)."""
    hukou_region_code = "".join((hukou_region_code or "").split())
    if hukou_region_code == region_code:
        hukou_region_code = ""
    if hukou_region_code and not (hukou_region_code.isdigit() and len(hukou_region_code) in (6, 9, 12)):
        raise ValidationError({"__all__": ["户籍地区划代码应为6、9或12位数字"]})
    if hukou_region_code and not hukou_region_code.startswith("3708"):
        try:
            _known_division(hukou_region_code)
        except ValidationError as e:
            raise ValidationError({"__all__": e.messages}) from None
    heads = [m for m in members if m.get("relation") == Relation.HEAD]
    if not members:
        raise ValidationError({"__all__": ["请至少填写一名家庭成员"]})
    if len(heads) != 1:
        raise ValidationError({"__all__": ["须有且只有一名户主"]})
    errors: dict[str, list[str]] = {}
    created: list[tuple[Person, str]] = []
    seen: dict[str, int] = {}
    for i, m in enumerate(members, start=1):
        row = int(m.get("row") or i)
        key = "".join((m.get("id_number") or "").split()).upper()
        if key and key in seen:
            errors[f"row_{row}"] = [f"第{row}位成员：身份证号与第{seen[key]}位成员重复"]
            continue
        seen[key] = row
        try:
            person = person_create(
                actor=actor,
                id_number=m.get("id_number", ""),
                name=m.get("name", ""),
                hukou_type=hukou_type,
                hukou_region_code=hukou_region_code or region_code,
                residence_region_code=region_code if hukou_region_code else None,
                phone=m.get("phone", ""),
            )
        except ValidationError as e:
            errors[f"row_{row}"] = [f"第{row}位成员：{e.messages[0]}"]
            continue
        created.append((person, m["relation"]))
    if errors:
        raise ValidationError(errors)
    head = next(p for p, rel in created if rel == Relation.HEAD)
    try:
        household = household_create(
            actor=actor,
            number=number,
            region_code=region_code,
            hukou_type=hukou_type,
            head=head,
            start_date=start_date,
        )
    except ValidationError as e:
        raise ValidationError({"number": e.messages}) from None
    for person, rel in created:
        if person != head:
            household_add_member(
                actor=actor, household=household, person=person, relation=rel, start_date=start_date
            )
    return household


@transaction.atomic
def transfer_request_create(
    *, actor: Any, id_number: str, name: str, to_region_code: str, note: str = ""
) -> TransferRequest:
    """迁入（转移）申请 for a person the desk could not register. The same answer whether or not the
    number is held elsewhere; the holding region (if any) is recorded for it to act on, never shown here."""
    info = parse_id_number(id_number)
    name = form_name(name, "姓名")  # no formula lead, no control characters (core.inputs)
    region = _village(to_region_code, label="迁入地")
    require(actor, "people.transfer", region_code=region.code, target=f"region:{region.code}")
    id_hash = crypto.blind_index(info.id_number)
    holder = Person.objects.filter(id_hash=id_hash).values_list("region_code", flat=True).first() or ""
    if holder and in_scope(actor, holder):
        raise ValidationError("该人员已在本辖区登记，无需迁入，请检索该人员")
    existing = TransferRequest.objects.filter(
        id_hash=id_hash, to_region_code=region.code, status=TransferStatus.OPEN
    ).first()
    if existing is not None:
        return existing
    transfer = TransferRequest.objects.create(
        id_hash=id_hash,
        id_masked=mask_id_number(info.id_number),
        name=name,
        to_region=region,
        to_region_code=region.code,
        from_region_code=holder,
        note=(note or "").strip()[:300],
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="transfer_request",
        target_id=transfer.pk,
        region_code=region.code,
        new={"id_number": transfer.id_masked, "name": name, "to": region.code},
    )
    return transfer


EXPORT_LIMIT = 50_000


@transaction.atomic
def person_export_xlsx(*, actor: Any, q: str = "", region_code: str = "", ip: str = "") -> bytes:
    """The actor's person search as an Excel file: masked IDs and phones, region names, every text cell
    neutralised against formula injection (core.spreadsheet); one EXPORT audit row per file."""

    found = person_search(actor=actor, q=q, region_code=region_code)[:EXPORT_LIMIT]
    rows = [
        [
            p.name,
            p.get_sex_display(),
            p.birth_date.isoformat(),
            p.id_masked,
            p.get_hukou_type_display(),
            p.region_code,
            "是" if p.is_alive else "否",
            p.residence_region.full_name,
            p.phone_masked,
        ]
        for p in found
    ]
    # Columns as before (the region code for sorting and filtering), then the place's name and the phone.
    header = [
        "姓名",
        "性别",
        "出生日期",
        "身份证号",
        "户口性质",
        "居住地区划代码",
        "在世",
        "居住地",
        "联系电话",
    ]
    content = xlsx_bytes(header, rows, title="人员")
    region = getattr(actor, "region", None)
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type="person.export",
        region_code=region.code if region else "",
        detail=f"导出人员{len(rows)}条",
        ip=ip,
    )
    return content


# ------------------------------------------------------------------ 无身份人员 (persons found without an ID)

PHOTO_MAX_BYTES = 5 * 1024 * 1024  # a phone photo; larger files are refused, not resized
PHOTO_MAGIC = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}
PHOTO_EXTENSIONS = {".jpg": ".jpg", ".jpeg": ".jpg", ".png": ".png"}
UNKNOWN_NAME = "无名氏"


def _photo_extension(upload: UploadedFile) -> str:
    """JPG or PNG by content (magic bytes) and by name, at most 5 MB; anything else is refused."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError("照片文件为空")
    if size > PHOTO_MAX_BYTES:
        raise ValidationError("照片不能超过5MB")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    real = next((ext for magic, ext in PHOTO_MAGIC.items() if head.startswith(magic)), None)
    name = upload.name or ""
    named = PHOTO_EXTENSIONS.get("." + name.rsplit(".", 1)[-1].lower() if "." in name else "")
    if real is None or named != real:
        raise ValidationError("照片只能是JPG或PNG图片（按文件内容识别，改扩展名无效）")
    return real


def _next_temp_number(*, county: str, on: dt.date) -> str:
    """LS + county + issue date + sequence, with dashes so no run of digits ever looks like an ID number
    (LS370811-261130-0007). Unique by constraint; the sequence is per county and day."""
    prefix = f"LS{county}-{on:%y%m%d}-"
    last = (
        Person.objects.filter(temp_number__startswith=prefix)
        .order_by("-temp_number")
        .values_list("temp_number", flat=True)
        .first()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    if seq > 9999:
        raise ValidationError("本县（市、区）当日临时编号已用尽，请明日再登记")
    return f"{prefix}{seq:04d}"


def _parse_age(raw: Any) -> int | None:
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or len(text) > 3:
        return None
    age = int(text)
    return age if age <= 120 else None


@transaction.atomic
def unidentified_register(
    *,
    actor: Any,
    kind: str,
    region_code: str,
    found_on: dt.date | None,
    found_place: str,
    description: str,
    sex: str,
    estimated_age: Any,
    name: str = "",
    photo: UploadedFile | None = None,
) -> UnidentifiedRecord:
    """登记无身份人员: a temporary number is issued and a Person (no ID) created with its record. Every
    field is checked before anything is written; a refusal names each bad field (ValidationError keyed by
    field) and saves nothing, the photo included."""
    errors: dict[str, list[str]] = {}
    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None or region.level != RegionLevel.VILLAGE:
        errors["region_code"] = ["请选择发现地所在的村(社区)"]
    else:
        require(
            actor, "people.register_unidentified", region_code=region.code, target=f"region:{region.code}"
        )
    if kind not in UnidentifiedKind.values:
        errors["kind"] = ["请选择人员类别"]
    if sex not in Sex.values:
        errors["sex"] = ["请选择性别"]
    age = _parse_age(estimated_age)
    if age is None:
        errors["estimated_age"] = ["估计年龄须为0至120之间的整数"]
    elif kind == UnidentifiedKind.CHILD and age >= 18:
        errors["estimated_age"] = ["未登记户口儿童的估计年龄应小于18岁"]
    today = timezone.localdate()
    if found_on is None:
        errors["found_on"] = ["请填写发现日期"]
    elif found_on > today:
        errors["found_on"] = ["发现日期不能晚于今天"]
    elif found_on.year < 1950:
        errors["found_on"] = ["发现日期不正确"]
    found_place = (found_place or "").strip()
    if not found_place or len(found_place) > 200:
        errors["found_place"] = ["请填写发现地点（不超过200字）"]
    description = (description or "").strip()
    if len(description) < 4 or len(description) > 1000:
        errors["description"] = ["请填写体貌特征（身高、体型、衣着、口音、明显标记等，4至1000字）"]
    try:
        name = form_name(name, "自报姓名", required=False)
    except ValidationError as e:
        errors["name"] = e.messages
    ext = ""
    if photo is not None:
        try:
            ext = _photo_extension(photo)
        except ValidationError as e:
            errors["photo"] = e.messages
    if errors:
        raise ValidationError(errors)
    assert region is not None and found_on is not None and age is not None  # noqa: S101 (checked above)
    person = Person(
        name=name or UNKNOWN_NAME,
        sex=sex,
        birth_date=dt.date(max(found_on.year - age, 1), 1, 1),  # estimated: the year only
        hukou_type="",  # unknown until identified
        hukou_code="",
        residence_region=region,
        region_code=region.code,
    )
    for _attempt in range(3):  # a concurrent registration may take the same number first: take the next
        temp_number = _next_temp_number(county=region.code[:6], on=today)
        person.pk, person.temp_number = None, temp_number
        try:
            with transaction.atomic():
                person.save()
            break
        except IntegrityError:
            continue
    else:
        raise ValidationError("临时编号冲突，请重新提交")
    if photo is not None:
        photo.name = f"{temp_number}{ext}"  # ours, never the sender's file name
    record = UnidentifiedRecord.objects.create(
        person=person,
        kind=kind,
        estimated_age=age,
        description=description,
        found_on=found_on,
        found_place=found_place,
        found_by=actor,
        photo=photo or "",
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="person",
        target_id=person.pk,
        region_code=region.code,
        new={"temp_number": temp_number, "kind": kind, "region": region.code, "photo": bool(photo)},
    )
    return record


def unidentified_merge_refusal(*, record: UnidentifiedRecord, target: Person) -> str | None:
    """Why `record` cannot be merged into `target` (None if it can): checked when asked and again when
    approved, since the target may have died or been merged meanwhile."""
    if record.merged_into is not None:
        into = record.merged_into
        return f"临时记录{record.person.temp_number}已合并至{into.name}（{into.id_masked}），不能重复合并"
    if target.pk == record.person_id:
        return "不能合并至本记录自身"
    if not target.is_identified:
        other = UnidentifiedRecord.objects.filter(person_id=target.pk).first()
        if other is not None and other.merged_into_id is not None:
            return f"{target.name}（{target.temp_number}）是已合并的临时记录，不能作为合并对象"
        return "只能合并至已登记身份证号的人员"
    if not target.is_alive:
        return f"{target.name}（{target.id_masked}）已故，不能合并"
    return None


# How far the birth year in the ID number may be from the one the estimated age gives before the preview
# warns (not a policy figure: an age guessed at the station is rarely more than ten years off).
MERGE_AGE_GAP = 10


def unidentified_merge_warnings(
    *, record: UnidentifiedRecord, id_number: str = "", target: Person | None = None
) -> list[str]:
    """What in the ID number (or the target's registered sex and birth) contradicts the temporary record
    (its recorded sex, its estimated age): shown at the preview and to the checker, a warning to look
    again, not a refusal."""
    if target is not None and target.birth_date is not None:
        info_sex, info_born = target.sex, target.birth_date.year
    else:
        try:
            parsed = parse_id_number(id_number)
        except ValidationError:
            return []
        info_sex, info_born = parsed.sex, parsed.birth_date.year
    out = []
    sex = record.person.sex
    if sex in ("M", "F") and info_sex in ("M", "F") and info_sex != sex:
        recorded, typed = ("男" if sex == "M" else "女"), ("男" if info_sex == "M" else "女")
        out.append(f"注意：身份证号显示性别为{typed}，与临时记录登记的性别（{recorded}）不一致")
    born = record.found_on.year - record.estimated_age
    if abs(info_born - born) > MERGE_AGE_GAP:
        out.append(
            f"注意：身份证号显示{info_born}年出生，与临时记录估计年龄{record.estimated_age}岁"
            f"（约{born}年出生）相差{abs(info_born - born)}年"
        )
    return out


def _merge_target_for(*, actor: Any, id_number: str, new_person: dict[str, str] | None) -> Person:
    """The identified person named by ID number: an existing one in the actor's region, or a new one from
    `new_person` (name, hukou type and region) when the number is not registered anywhere."""
    info = parse_id_number(id_number)
    found = Person.objects.filter(id_hash=crypto.blind_index(info.id_number)).first()
    if found is not None:
        if not in_scope(actor, found.region_code):
            raise ValidationError(NOT_IN_THIS_REGION)
        return found
    if not new_person:
        raise ValidationError(
            f"身份证号{mask_id_number(info.id_number)}尚未登记，请填写姓名、户口性质和户籍地以新登记该人员"
        )
    return person_create(
        actor=actor,
        id_number=info.id_number,
        name=new_person.get("name", ""),
        hukou_type=new_person.get("hukou_type", ""),
        hukou_region_code=new_person.get("hukou_region_code", ""),
        residence_region_code=new_person.get("residence_region_code") or None,
    )


@transaction.atomic
def unidentified_merge_request(
    *,
    actor: Any,
    record: UnidentifiedRecord,
    id_number: str,
    note: str,
    new_person: dict[str, str] | None = None,
) -> UnidentifiedRecord:
    """身份合并（提出）: the officer names the identified person by ID number (creating them if not yet
    registered); another officer approves (`unidentified_merge_approve`)."""
    record = UnidentifiedRecord.objects.select_for_update().select_related("person").get(pk=record.pk)
    person = record.person
    require(actor, "people.merge", region_code=person.region_code, target=f"person:{person.pk}")
    if record.merged_into_id is None and record.merge_target_id is not None:
        raise ValidationError("该记录已有待复核的合并申请，请等待复核或由复核人退回")
    note = (note or "").strip()
    if not note or len(note) > 300:
        raise ValidationError("请填写合并依据（如亲属辨认、指纹或DNA比对、寻亲公告回复），不超过300字")
    if record.merged_into_id is not None:  # before creating anyone
        raise ValidationError(unidentified_merge_refusal(record=record, target=person) or "")
    target = _merge_target_for(actor=actor, id_number=id_number, new_person=new_person)
    refusal = unidentified_merge_refusal(record=record, target=target)
    if refusal:
        raise ValidationError(refusal)
    record.merge_target = target
    record.merge_requested_by = actor
    record.merge_requested_at = timezone.now()
    record.merge_note = note
    record.save(update_fields=["merge_target", "merge_requested_by", "merge_requested_at", "merge_note"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="person.merge",
        target_id=person.pk,
        region_code=person.region_code,
        detail=f"提出将临时记录{person.temp_number}合并至人员#{target.pk}",
        new={"target": target.pk, "id_number": target.id_masked, "note": note},
    )
    return record


@transaction.atomic
def unidentified_merge_approve(*, actor: Any, record: UnidentifiedRecord) -> UnidentifiedRecord:
    """身份合并（复核）: a second officer, never the one who asked, approves; the record is then read-only
    and points to the identified person. Nothing is re-pointed or deleted: the record's enrolments, cases
    and audit rows stay on it and are reached from the identified person's page."""
    record = UnidentifiedRecord.objects.select_for_update().select_related("person").get(pk=record.pk)
    person = record.person
    require(actor, "people.merge_approve", region_code=person.region_code, target=f"person:{person.pk}")
    if record.merged_into_id is not None:
        raise ValidationError(unidentified_merge_refusal(record=record, target=person) or "")
    if record.merge_target_id is None:
        raise ValidationError("该记录没有待复核的合并申请")
    if record.merge_requested_by_id == getattr(actor, "pk", None):
        raise ValidationError("身份合并须由另一名工作人员复核，不能复核本人提出的申请")
    target = Person.objects.select_for_update().get(pk=record.merge_target_id)
    require(actor, "people.merge_approve", region_code=target.region_code, target=f"person:{target.pk}")
    refusal = unidentified_merge_refusal(record=record, target=target)
    if refusal:
        raise ValidationError(refusal)
    record.merged_into = target
    record.merge_target = None
    record.merged_by = actor
    record.merged_at = timezone.now()
    record.save(update_fields=["merged_into", "merge_target", "merged_by", "merged_at"])
    for subject, detail in (
        (person, f"临时记录{person.temp_number}已合并至人员#{target.pk}"),
        (target, f"合并临时记录{person.temp_number}（人员#{person.pk}）"),
    ):
        audit_record(
            actor=actor,
            event_type=AuditEvent.UPDATE,
            target_type="person.merge",
            target_id=subject.pk,
            region_code=subject.region_code,
            detail=detail,
            new={"merged_into": target.pk, "temp_number": person.temp_number},
        )
    return record


@transaction.atomic
def unidentified_merge_reject(*, actor: Any, record: UnidentifiedRecord, reason: str) -> UnidentifiedRecord:
    """The checker sends a merge request back (wrong person, weak evidence); the record stays open."""
    record = UnidentifiedRecord.objects.select_for_update().select_related("person").get(pk=record.pk)
    person = record.person
    require(actor, "people.merge_approve", region_code=person.region_code, target=f"person:{person.pk}")
    if record.merge_target_id is None:
        raise ValidationError("该记录没有待复核的合并申请")
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise ValidationError("请填写退回理由（不超过300字）")
    old = {"target": record.merge_target_id}
    record.merge_target = None
    record.merge_requested_by = None
    record.merge_requested_at = None
    record.save(update_fields=["merge_target", "merge_requested_by", "merge_requested_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="person.merge",
        target_id=person.pk,
        region_code=person.region_code,
        detail=f"退回合并申请：{reason}",
        old=old,
    )
    return record


@transaction.atomic
def unidentified_photo_open(*, actor: Any, record: UnidentifiedRecord, ip: str = "") -> Any:
    """Open the photo for viewing: the caller already scoped the record; every view is one audit row."""
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="person.photo",
        target_id=record.person_id,
        region_code=record.person.region_code,
        detail="查看无身份人员照片",
        ip=ip,
    )
    return record.photo.open("rb")


# Every level a region code rolls up to (city, county, township, village); a grid's people count in all.
POPULATION_LEVELS = (12, 9, 6, 4)

_POPULATION_SQL = """
WITH base(code, p, h) AS (
    SELECT code, SUM(p), SUM(h) FROM (
        SELECT region_code AS code, COUNT(*) AS p, 0 AS h FROM people_person WHERE is_alive
        GROUP BY region_code
        UNION ALL
        SELECT region_code, 0, COUNT(*) FROM people_household GROUP BY region_code
    ) u WHERE code <> '' GROUP BY code
)
INSERT INTO people_regionpopulation (month, region_code, persons, households, refreshed_at)
SELECT %s, code, SUM(p), SUM(h), %s FROM (
    SELECT code, p, h FROM base
    {rollups}
) levels GROUP BY code
"""


@transaction.atomic
def population_refresh(*, actor: Any, on: dt.date | None = None) -> int:
    """Recompute the month's 人口月度汇总 (RegionPopulation) in one set-based statement: living persons and
    households grouped by region code, rolled up to every level above. Replaces the month's rows, so it
    can run after every import and again by the monthly job; returns the number of rows written."""
    require(actor, "people.import", target="people.population")
    month = (on or timezone.localdate()).replace(day=1)
    now = timezone.now()
    RegionPopulation.objects.filter(month=month).delete()
    rollups = "\n".join(
        f"UNION ALL SELECT substr(code, 1, {n}), p, h FROM base WHERE length(code) > {n}"  # noqa: S608 -- n: int constants
        for n in POPULATION_LEVELS
    )
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            _POPULATION_SQL.format(rollups=rollups),
            [ops.adapt_datefield_value(month), ops.adapt_datetimefield_value(now)],
        )
    rows = RegionPopulation.objects.filter(month=month).count()
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="people.population",
        target_id=f"{month:%Y-%m}",
        detail=f"人口月度汇总（{month:%Y-%m}）",
        new={"month": f"{month:%Y-%m}", "rows": rows},
    )
    return rows
