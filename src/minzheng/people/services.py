"""All writes to the population registry. Validation lives here, once, for UI, API, CLI and importers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from minzheng.accounts.permissions import require
from minzheng.accounts.scoping import in_scope
from minzheng.accounts.system import require_actor
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core import crypto
from minzheng.core.idnumber import parse_id_number
from minzheng.core.masking import mask_id_number
from minzheng.core.spreadsheet import xlsx_bytes
from minzheng.regions.models import Region, RegionLevel

from .models import Household, HukouType, Membership, Person, Relation, TransferRequest, TransferStatus


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
NOT_IN_THIS_REGION = "无法在本辖区登记该身份证号，如该人员户籍在外地，请提交迁入（转移）申请"
HOUSEHOLD_NUMBER_TAKEN = "无法在本辖区使用该户编号，请核对户编号；如该户户籍在外地，请提交迁入（转移）申请"


def _duplicate_id_message(actor: Any, holder_region: str, id_number: str) -> str:
    if in_scope(actor, holder_region):
        return f"身份证号{mask_id_number(id_number)}已登记，不能重复录入，请在人员检索中查找该人员"
    return NOT_IN_THIS_REGION


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
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ValidationError("姓名不能为空，且不超过64个字")
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


@transaction.atomic
def person_record_death(*, actor: Any, person: Person, death_date: dt.date) -> Person:
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
    _reveal(actor=actor, person=person, field="id_number", label="身份证号", ip=ip)
    return person.id_number


@transaction.atomic
def person_reveal_phone(*, actor: Any, person: Person, ip: str = "") -> str:
    _reveal(actor=actor, person=person, field="phone", label="联系电话", ip=ip)
    return crypto.decrypt(person.phone_enc)


@transaction.atomic
def household_register(
    *,
    actor: Any,
    number: str,
    region_code: str,
    hukou_type: str,
    members: list[dict[str, str]],
    start_date: dt.date,
) -> Household:
    """One-window intake of a family not yet in the registry: all members with full ID validation, the
    household and memberships in one transaction — any bad row saves nothing. Every row is checked, and a
    refusal names each bad row: a ValidationError keyed `row_<n>` (the member's `row`, else its place),
    `number` for the household number, `__all__` for the family as a whole."""
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
                hukou_region_code=region_code,
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
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ValidationError("姓名不能为空，且不超过64个字")
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
    from .selectors import person_search

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
