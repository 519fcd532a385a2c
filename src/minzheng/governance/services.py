"""Writes of the governance line: keyword-only, typed, one transaction each, every change audited in
it. Permissions are asked of the matrix (`require`), never of role names; a refusal is a Chinese message
and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from minzheng.accounts.permissions import can, require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.casework.services import case_transition
from minzheng.core import crypto, uploads
from minzheng.core.spreadsheet import xlsx_bytes
from minzheng.core.uploads import checked_file, clean_photo
from minzheng.people.models import Household, Person
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.programmes import registry
from minzheng.regions.models import Region, RegionLevel

from .models import (
    GRADES,
    BuildingHead,
    CommunityWorker,
    ExperimentalZone,
    GridAppointment,
    Incident,
    IncidentCategory,
    MatterType,
    PayGrade,
    Placement,
    Post,
    RequestStatus,
    Training,
    WindowRequest,
    ZoneEvaluation,
    ZoneLevel,
)
from .workflow import INCIDENT, REPORT

MANAGE = "governance.grid_manage"
MAX_IMPORT_ROWS = 5000
IMPORT_HEADER = ("户编号", "网格代码", "楼栋", "单元", "户")
FORMULA_START = ("=", "+", "-", "@")


def _text(value: Any, label: str, *, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(f"请填写{label}")
    if len(text) > max_length:
        raise ValidationError(f"{label}不能超过{max_length}个字")
    if text.startswith(FORMULA_START):
        raise ValidationError(f"{label}不能以“{text[0]}”开头（疑似公式）")
    return text


def grid_region(code: str) -> Region:
    grid = Region.objects.filter(code=str(code or "").strip(), level=RegionLevel.GRID).first()
    if grid is None:
        raise ValidationError(f"网格代码“{str(code or '').strip()[:15]}”不存在")
    return grid


# ---------------------------------------------------------------- grids: workers, building heads, placement
@transaction.atomic
def grid_appoint(*, actor: Any, worker: Any, grid_code: str, appointed_on: dt.date) -> GridAppointment:
    """Appoint a grid worker's account to its grid (一格一员); a previous appointment ends the day before."""
    grid = grid_region(grid_code)
    require(actor, MANAGE, region_code=grid.code, target=f"grid:{grid.code}")
    if worker is None or not can(worker, REPORT):
        raise ValidationError("只能聘任网格员账号")
    if worker.region_id is None or worker.region.code != grid.code:
        raise ValidationError("该网格员账号所属区划不是此网格，请先在账号管理中调整")
    current = GridAppointment.objects.select_for_update().filter(user=worker, ended_on__isnull=True).first()
    if current is not None:
        if current.grid_code == grid.code:
            raise ValidationError("该网格员已聘任在此网格")
        current.ended_on = max(appointed_on - dt.timedelta(days=1), current.appointed_on)
        current.save(update_fields=["ended_on"])
    appointment = GridAppointment.objects.create(
        user=worker, grid_code=grid.code, appointed_on=appointed_on, appointed_by=actor
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="governance.grid_appointment",
        target_id=appointment.pk,
        region_code=grid.code,
        new={"worker": worker.pk, "grid": grid.code},
    )
    return appointment


@transaction.atomic
def building_head_appoint(
    *, actor: Any, person: Person, grid_code: str, building: str, phone: str = "", appointed_on: dt.date
) -> BuildingHead:
    grid = grid_region(grid_code)
    require(actor, MANAGE, region_code=grid.code, target=f"grid:{grid.code}")
    building = _text(building, "楼栋", max_length=40)
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if (phone or "").strip() and not 7 <= len(digits) <= 12:
        raise ValidationError("联系电话应为7至12位数字")
    if not person.region_code.startswith(grid.code[:12]):
        raise ValidationError("楼栋长应为本社区居民")
    previous = BuildingHead.objects.select_for_update().filter(
        grid_code=grid.code, building=building, active=True
    )
    previous.update(active=False, ended_on=appointed_on)
    head = BuildingHead.objects.create(
        person=person,
        grid_code=grid.code,
        building=building,
        phone_enc=crypto.encrypt(digits) if digits else "",
        appointed_on=appointed_on,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="governance.building_head",
        target_id=head.pk,
        region_code=grid.code,
        new={"person": person.pk, "building": building},
    )
    return head


def _end_day(ended_on: dt.date, started_on: dt.date, label: str) -> dt.date:
    if ended_on < started_on:
        raise ValidationError(f"{label}不能早于任职（聘任）日期{started_on:%Y-%m-%d}")
    if ended_on > timezone.localdate():
        raise ValidationError(f"{label}不能晚于今天")
    return ended_on


@transaction.atomic
def grid_appointment_end(*, actor: Any, appointment: GridAppointment, ended_on: dt.date) -> GridAppointment:
    """End a grid worker's appointment (解聘): the grid is then open for another worker."""
    require(actor, MANAGE, region_code=appointment.grid_code, target=f"grid:{appointment.grid_code}")
    current = GridAppointment.objects.select_for_update().filter(pk=appointment.pk).first()
    if current is None or current.ended_on is not None:
        raise ValidationError("该聘任已解聘，请刷新后重试")
    current.ended_on = _end_day(ended_on, current.appointed_on, "解聘日期")
    current.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="governance.grid_appointment",
        target_id=current.pk,
        region_code=current.grid_code,
        old={"ended_on": None},
        new={"ended_on": current.ended_on.isoformat()},
    )
    return current


@transaction.atomic
def building_head_end(*, actor: Any, head: BuildingHead, ended_on: dt.date) -> BuildingHead:
    """A building head steps down (卸任); the building has no head until another is appointed."""
    require(actor, MANAGE, region_code=head.grid_code, target=f"grid:{head.grid_code}")
    current = BuildingHead.objects.select_for_update().filter(pk=head.pk, active=True).first()
    if current is None:
        raise ValidationError("该楼栋长已卸任，请刷新后重试")
    current.active = False
    current.ended_on = _end_day(ended_on, current.appointed_on, "卸任日期")
    current.save(update_fields=["active", "ended_on"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="governance.building_head",
        target_id=current.pk,
        region_code=current.grid_code,
        old={"active": True},
        new={"active": False, "ended_on": current.ended_on.isoformat()},
    )
    return current


@transaction.atomic
def building_head_update(*, actor: Any, head: BuildingHead, building: str, phone: str = "") -> BuildingHead:
    """Correct a serving head's building name or phone (the phone is kept encrypted, audited masked)."""
    require(actor, MANAGE, region_code=head.grid_code, target=f"grid:{head.grid_code}")
    current = BuildingHead.objects.select_for_update().filter(pk=head.pk, active=True).first()
    if current is None:
        raise ValidationError("该楼栋长已卸任，不能修改")
    building = _text(building, "楼栋", max_length=40)
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if (phone or "").strip() and not 7 <= len(digits) <= 12:
        raise ValidationError("联系电话应为7至12位数字")
    if (
        building != current.building
        and BuildingHead.objects.filter(grid_code=current.grid_code, building=building, active=True).exists()
    ):
        raise ValidationError(f"{building}已有在任楼栋长")
    old = {"building": current.building, "phone": current.phone_masked}
    current.building = building
    current.phone_enc = crypto.encrypt(digits) if digits else ""
    current.save(update_fields=["building", "phone_enc"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="governance.building_head",
        target_id=current.pk,
        region_code=current.grid_code,
        old=old,
        new={"building": building, "phone": current.phone_masked},
    )
    return current


def _check_place(household: Household, grid: Region) -> None:
    if grid.parent_id is None or household.region_code != grid.code[:12]:
        raise ValidationError(f"户{household.number}不属于{grid.full_name or grid.name}所在社区")


@transaction.atomic
def household_place(
    *, actor: Any, household: Household, grid_code: str, building: str, unit: str = "", room: str = ""
) -> Placement:
    """Place a household in a grid and a building (单元、户 optional); placing again moves it."""
    grid = grid_region(grid_code)
    require(actor, MANAGE, region_code=grid.code, target=f"household:{household.pk}")
    _check_place(household, grid)
    values = {
        "grid_code": grid.code,
        "building": _text(building, "楼栋", max_length=40),
        "unit": _text(unit, "单元", max_length=20, required=False),
        "room": _text(room, "户（房号）", max_length=20, required=False),
    }
    old = (
        Placement.objects.filter(household=household).values("grid_code", "building", "unit", "room").first()
    )
    placement, _ = Placement.objects.update_or_create(
        household=household, defaults={**values, "placed_by": actor}
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE if old else AuditEvent.CREATE,
        target_type="governance.placement",
        target_id=placement.pk,
        region_code=grid.code,
        old=dict(old) if old else None,
        new=values,
    )
    return placement


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@transaction.atomic
def placements_import(*, actor: Any, upload: UploadedFile) -> int:
    """Excel import of placements (户编号, 网格代码, 楼栋, 单元, 户). Every row is checked first; a formula
    cell is refused as a bad row, never evaluated or stored. Any bad row: nothing is written and the
    error lists each bad row in Chinese. Returns how many households were placed."""
    from openpyxl import load_workbook

    require(actor, MANAGE, target="placements:import")
    checked_file(upload, kinds=(uploads.XLSX,), max_bytes=5 * uploads.MB)
    try:
        wb = load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError("无法读取文件，请上传Excel（.xlsx）文件") from e
    ws = wb.worksheets[0]
    rows = [
        (n, [(c.data_type, c.value) for c in row]) for n, row in enumerate(ws.iter_rows(min_row=2), start=2)
    ]
    wb.close()
    rows = [(n, r) for n, r in rows if any(v not in (None, "") for _, v in r)]
    if not rows:
        raise ValidationError("文件中没有数据行（第1行为表头：户编号、网格代码、楼栋、单元、户）")
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError(f"一次最多导入{MAX_IMPORT_ROWS}行")
    errors: list[str] = []
    parsed: list[tuple[int, list[str]]] = []
    for n, cells in rows:
        cells = (cells + [("n", None)] * 5)[:5]
        formula = [IMPORT_HEADER[i] for i, (t, v) in enumerate(cells) if t == "f" or _cell(v).startswith("=")]
        if formula:
            errors.append(f"第{n}行：{'、'.join(formula)}为公式，不予导入")
            continue
        parsed.append((n, [_cell(v) for _, v in cells]))
    numbers = {r[0] for _, r in parsed}
    codes = {r[1] for _, r in parsed}
    households = {h.number: h for h in Household.objects.filter(number__in=numbers)}
    grids = {g.code: g for g in Region.objects.filter(code__in=codes, level=RegionLevel.GRID)}
    checked: list[tuple[Household, Region, dict[str, str]]] = []
    seen: set[str] = set()
    for n, (number, code, building, unit, room) in parsed:
        try:
            household = households.get(number)
            if household is None:
                raise ValidationError(f"户编号“{number[:32]}”不存在")
            if number in seen:
                raise ValidationError(f"户编号“{number}”重复")
            seen.add(number)
            grid = grids.get(code)
            if grid is None:
                raise ValidationError(f"网格代码“{code[:15]}”不存在")
            if not can(actor, MANAGE, region_code=grid.code):
                raise ValidationError("该网格不在您的管辖范围内")
            _check_place(household, grid)
            values = {
                "grid_code": grid.code,
                "building": _text(building, "楼栋", max_length=40),
                "unit": _text(unit, "单元", max_length=20, required=False),
                "room": _text(room, "户（房号）", max_length=20, required=False),
            }
        except ValidationError as e:
            errors.append(f"第{n}行：{'；'.join(e.messages)}")
            continue
        checked.append((household, grid, values))
    if errors:
        raise ValidationError(errors[:50] + ([f"……另有{len(errors) - 50}行有误"] if len(errors) > 50 else []))
    for household, _grid, values in checked:
        Placement.objects.update_or_create(household=household, defaults={**values, "placed_by": actor})
    audit_record(
        actor=actor,
        event_type=AuditEvent.IMPORT,
        target_type="governance.placement",
        target_id="import",
        region_code=actor.region.code if actor.region_id else "",
        new={"rows": len(checked)},
    )
    return len(checked)


def placements_template() -> bytes:
    return xlsx_bytes(IMPORT_HEADER, [], title="住户落格")


# ---------------------------------------------------------------- incidents
@transaction.atomic
def incident_report(
    *,
    actor: Any,
    category: IncidentCategory,
    description: str,
    photo: UploadedFile | None = None,
    household: Household | None = None,
    on: dt.date | None = None,
) -> Incident:
    """A grid worker reports an incident in their grid; it is routed to the category's office with the
    category's time limit in force on the day."""
    region = getattr(actor, "region", None)
    grid_code = region.code if region is not None else ""
    require(actor, REPORT, region_code=grid_code or None, target="incident:new")
    if region is None or region.level != RegionLevel.GRID:
        raise ValidationError("只有绑定到网格的网格员可以上报网格事件")
    if not category.active:
        raise ValidationError(f"“{category.name}”类别已停用，请选择其他类别")
    text = _text(description, "事件描述", max_length=1000)
    if (
        household is not None
        and not Placement.objects.filter(household=household, grid_code__startswith=grid_code).exists()
    ):
        raise ValidationError("该住户不在您的网格内")
    day = on or timezone.localdate()
    try:
        days = policy_resolve(on=day, region_code=grid_code, hukou_type="").get(category.days_key)
    except PolicyMissing as e:
        raise ValidationError(f"未设定“{category.name}”的办结时限，请联系市级维护政策参数") from e
    incident = Incident(
        category=category,
        description=text,
        household=household,
        region_code=grid_code,
        office=category.office,
        reporter=actor,
        reported_on=day,
        due_on=day + dt.timedelta(days=int(days)),
    )
    if photo is not None:
        incident.photo = clean_photo(photo)
    incident.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="governance.incident",
        target_id=incident.pk,
        region_code=grid_code,
        new={"category": category.code, "office": category.office, "due_on": incident.due_on.isoformat()},
    )
    return incident


@transaction.atomic
def incident_accept(*, actor: Any, incident: Incident, expected_version: int | None = None) -> Incident:
    return case_transition(
        actor=actor, workflow=INCIDENT, case=incident, to="accepted", expected_version=expected_version
    )


@transaction.atomic
def incident_handle(
    *, actor: Any, incident: Incident, result: str, expected_version: int | None = None
) -> Incident:
    text = _text(result, "办理结果", max_length=1000)
    incident = case_transition(
        actor=actor,
        workflow=INCIDENT,
        case=incident,
        to="handled",
        expected_version=expected_version,
        note=text,
    )
    Incident.objects.filter(pk=incident.pk).update(result=text)
    incident.result = text
    return incident


@transaction.atomic
def incident_close(
    *, actor: Any, incident: Incident, on: dt.date | None = None, expected_version: int | None = None
) -> Incident:
    incident = case_transition(
        actor=actor, workflow=INCIDENT, case=incident, to="closed", expected_version=expected_version
    )
    day = on or timezone.localdate()
    Incident.objects.filter(pk=incident.pk).update(closed_on=day)
    incident.closed_on = day
    return incident


# ---------------------------------------------------------------- incident categories (reference data)
CATALOGUE = "governance.catalogue_manage"


@transaction.atomic
def incident_category_add(
    *, actor: Any, name: str, office: str, days_key: str, line_code: str = "", on: dt.date | None = None
) -> IncidentCategory:
    """A new kind of grid incident: where it is routed and the policy key of its time limit (which must
    be in force: a figure is never typed in here)."""
    region = getattr(actor, "region", None)
    require(actor, CATALOGUE, region_code=region.code if region else None, target="incident_category:new")
    name = _text(name, "类别", max_length=20)
    if IncidentCategory.objects.filter(name=name).exists():
        raise ValidationError(f"已有“{name}”类别")
    line_code = str(line_code or "").strip()
    if line_code and not registered_target(line_code):
        raise ValidationError("相关业务线未启用")
    try:
        policy = policy_resolve(
            on=on or timezone.localdate(), region_code=region.code if region else "", hukou_type=""
        )
    except PolicyMissing as e:
        raise ValidationError("未设定政策参数，请联系市级维护") from e
    if not str(days_key).startswith("governance.incident_days.") or not policy.has(days_key):
        raise ValidationError("请选择已设定的办结时限参数")
    number = IncidentCategory.objects.count() + 1
    while IncidentCategory.objects.filter(code=f"c{number:03d}").exists():
        number += 1
    category = IncidentCategory.objects.create(
        code=f"c{number:03d}",
        name=name,
        office=_text(office, "承办科室", max_length=40),
        line_code=line_code,
        days_key=days_key,
        order=(IncidentCategory.objects.order_by("-order").values_list("order", flat=True).first() or 0) + 1,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="governance.incident_category",
        target_id=category.pk,
        region_code=region.code if region else "",
        new={"name": name, "office": category.office, "days_key": days_key},
    )
    return category


@transaction.atomic
def incident_category_set_active(*, actor: Any, category: IncidentCategory, active: bool) -> IncidentCategory:
    """Retire a category (no new reports) or bring it back; its incidents are never touched."""
    region = getattr(actor, "region", None)
    require(
        actor,
        CATALOGUE,
        region_code=region.code if region else None,
        target=f"incident_category:{category.pk}",
    )
    category = IncidentCategory.objects.select_for_update().get(pk=category.pk)  # the state now
    if category.active == active:
        raise ValidationError("该类别已停用" if not active else "该类别已在用")
    if not active and not IncidentCategory.objects.filter(active=True).exclude(pk=category.pk).exists():
        raise ValidationError("至少保留一个在用的类别")
    category.active = active
    category.save(update_fields=["active"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="governance.incident_category",
        target_id=category.pk,
        region_code=region.code if region else "",
        old={"active": not active},
        new={"active": active},
    )
    return category


# ---------------------------------------------------------------- community workers and the pay table
def _post(value: str) -> str:
    if value not in Post.values:
        raise ValidationError("请选择岗位")
    return value


def _grade(value: int) -> int:
    if value not in GRADES:
        raise ValidationError("等级应为1至18级")
    return value


@transaction.atomic
def pay_grade_set(
    *,
    actor: Any,
    region_code: str,
    post: str,
    grade: int,
    annual_pay: Decimal,
    source: str,
    effective_from: dt.date,
) -> PayGrade:
    """The city enters one cell of the 三岗十八级 table for a region (the city or a county)."""
    region = Region.objects.filter(code=region_code, level__in=(RegionLevel.CITY, RegionLevel.COUNTY)).first()
    if region is None:
        raise ValidationError("适用区划应为市或县（市、区）")
    require(actor, "governance.pay_table_manage", region_code=region.code, target=f"paygrade:{region.code}")
    source = _text(source, "依据文件", max_length=200)
    if "《" not in source or "》" not in source:
        raise ValidationError("依据文件须写明文件名称（用《》标注）")
    if annual_pay <= 0:
        raise ValidationError("年薪酬应大于0")
    row, created = PayGrade.objects.update_or_create(
        region_prefix=region.prefix,
        post=_post(post),
        grade=_grade(grade),
        effective_from=effective_from,
        defaults={"annual_pay": annual_pay, "source": source, "entered_by": actor},
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE if created else AuditEvent.UPDATE,
        target_type="governance.pay_grade",
        target_id=row.pk,
        region_code=region.code,
        new={"post": post, "grade": grade, "annual_pay": str(annual_pay), "source": source},
    )
    return row


def pay_cell_label(post: str, grade: int) -> str:
    """A cell named as people read the table: 社区正职12级."""
    return f"{Post(post).label}{grade}级"


@transaction.atomic
def pay_table_set(
    *,
    actor: Any,
    region_code: str,
    pays: Mapping[tuple[str, int], Decimal | None],
    source: str,
    effective_from: dt.date,
) -> int:
    """The city enters the whole 三岗十八级 table of a region (3 posts × 18 grades) as one version from
        `effective_from`: every cell checked first (one bad cell changes nothing), then written in one
        statement and audited as one change with the cells before and after. A blank cell is left unset in
        this version: the figure in force stays (the region's earlier one, or the city's). Returns the cells
    changed."""
    region = Region.objects.filter(code=region_code, level__in=(RegionLevel.CITY, RegionLevel.COUNTY)).first()
    if region is None:
        raise ValidationError("适用区划应为市或县（市、区）")
    require(actor, "governance.pay_table_manage", region_code=region.code, target=f"paytable:{region.code}")
    source = _text(source, "依据文件", max_length=200)
    if "《" not in source or "》" not in source:
        raise ValidationError("依据文件须写明文件名称（用《》标注）")
    unknown = [key for key in pays if key[0] not in Post.values or key[1] not in GRADES]
    if unknown:
        raise ValidationError("薪酬表只有三个岗位、1至18级")
    cells = {key: pay for key, pay in pays.items() if pay is not None}
    for (post, grade), pay in sorted(cells.items()):
        if pay <= 0:
            raise ValidationError(f"{pay_cell_label(post, grade)}：年薪酬应大于0")
    if not cells:
        raise ValidationError("请至少填写一格年薪酬")
    before: dict[str, str] = {}
    earlier = PayGrade.objects.filter(region_prefix=region.prefix, effective_from__lte=effective_from)
    for row in earlier.order_by("effective_from", "pk"):
        before[f"{row.post}-{row.grade}"] = str(row.annual_pay)  # later rows replace earlier: in force
    fen = Decimal("0.01")
    after = {f"{post}-{grade}": str(pay.quantize(fen)) for (post, grade), pay in sorted(cells.items())}
    changed = [k for k in after if before.get(k) != after[k]]
    if not changed:
        raise ValidationError("薪酬表没有改动")
    same_day = Q()
    for key in changed:
        post_code, grade_no = key.rsplit("-", 1)
        same_day |= Q(post=post_code, grade=int(grade_no))
    PayGrade.objects.filter(same_day, region_prefix=region.prefix, effective_from=effective_from).delete()
    PayGrade.objects.bulk_create(
        PayGrade(
            region_prefix=region.prefix,
            post=post,
            grade=grade,
            annual_pay=pay,
            source=source,
            effective_from=effective_from,
            entered_by=actor,
        )
        for (post, grade), pay in cells.items()
        if f"{post}-{grade}" in changed
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE if before else AuditEvent.CREATE,
        target_type="governance.pay_table",
        target_id=region.code,
        region_code=region.code,
        detail=f"三岗十八级薪酬表自{effective_from:%Y-%m-%d}起改动{len(changed)}格",
        old={k: before[k] for k in changed if k in before},
        new={"source": source, "effective_from": f"{effective_from:%Y-%m-%d}"}
        | {k: after[k] for k in changed},
    )
    return len(changed)


@transaction.atomic
def worker_create(
    *,
    actor: Any,
    name: str,
    region_code: str,
    post: str,
    grade: int,
    hired_on: dt.date,
    certified: bool = False,
) -> CommunityWorker:
    region = Region.objects.filter(code=region_code, level=RegionLevel.VILLAGE).first()
    if region is None:
        raise ValidationError("请选择所在社区")
    require(actor, "governance.worker_manage", region_code=region.code, target="worker:new")
    worker = CommunityWorker.objects.create(
        name=_text(name, "姓名", max_length=64),
        region_code=region.code,
        post=_post(post),
        grade=_grade(grade),
        hired_on=hired_on,
        certified=certified,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="governance.worker",
        target_id=worker.pk,
        region_code=region.code,
        new={"post": post, "grade": grade},
    )
    return worker


@transaction.atomic
def worker_regrade(*, actor: Any, worker: CommunityWorker, post: str, grade: int) -> CommunityWorker:
    require(actor, "governance.worker_manage", region_code=worker.region_code, target=f"worker:{worker.pk}")
    old = {"post": worker.post, "grade": worker.grade}
    worker.post, worker.grade = _post(post), _grade(grade)
    worker.save(update_fields=["post", "grade"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="governance.worker",
        target_id=worker.pk,
        region_code=worker.region_code,
        old=old,
        new={"post": post, "grade": grade},
    )
    return worker


@transaction.atomic
def training_record(
    *, actor: Any, worker: CommunityWorker, held_on: dt.date, title: str, hours: Decimal, organiser: str = ""
) -> Training:
    require(actor, "governance.worker_manage", region_code=worker.region_code, target=f"worker:{worker.pk}")
    if hours <= 0 or hours > 200:
        raise ValidationError("学时应大于0且不超过200")
    training = Training.objects.create(
        worker=worker,
        held_on=held_on,
        title=_text(title, "培训内容", max_length=100),
        hours=hours,
        organiser=_text(organiser, "组织单位", max_length=64, required=False),
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="governance.training",
        target_id=training.pk,
        region_code=worker.region_code,
        new={"worker": worker.pk, "title": training.title},
    )
    return training


# ---------------------------------------------------------------- one window
def registered_target(code: str) -> str:
    """The name people read of a registered line or programme, or "" when nothing is registered there."""
    if registry.is_programme(code):
        return registry.programme_name(code)
    return next((line.name for line in registry.lines() if line.code == code), "")


@transaction.atomic
def window_request_take(*, actor: Any, person: Person, matter: MatterType, note: str = "") -> WindowRequest:
    """A request taken at a community desk for any matter of the catalogue, routed to its line."""
    require(actor, "governance.window_take", region_code=person.region_code, target=f"person:{person.pk}")
    if not matter.active:
        raise ValidationError("该事项已停用")
    if not registered_target(matter.target):
        raise ValidationError(f"“{matter.name}”的承办业务线未启用，暂不能受理")
    request = WindowRequest.objects.create(
        person=person,
        matter=matter,
        region_code=person.region_code,
        note=_text(note, "情况说明", max_length=300, required=False),
        taken_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="governance.window_request",
        target_id=request.pk,
        region_code=person.region_code,
        new={"matter": matter.name, "target": matter.target},
    )
    return request


@transaction.atomic
def window_request_finish(*, actor: Any, request: WindowRequest, status: str) -> WindowRequest:
    require(actor, "governance.window_take", region_code=request.region_code, target=f"window:{request.pk}")
    if status not in (RequestStatus.DONE, RequestStatus.WITHDRAWN):
        raise ValidationError("请选择办结或撤回")
    if request.status != RequestStatus.ROUTED:
        raise ValidationError("该登记已办结或撤回")
    request.status = status
    request.done_at = timezone.now()
    request.save(update_fields=["status", "done_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="governance.window_request",
        target_id=request.pk,
        region_code=request.region_code,
        old={"status": RequestStatus.ROUTED.value},
        new={"status": status},
    )
    return request


# ---------------------------------------------------------------- experimental zones
@transaction.atomic
def zone_create(
    *,
    actor: Any,
    name: str,
    level: str,
    region_code: str,
    approved_on: dt.date,
    theme: str = "",
    measures: str = "",
) -> ExperimentalZone:
    if level not in ZoneLevel.values:
        raise ValidationError("请选择实验区级别")
    if not Region.objects.filter(code=region_code).exists():
        raise ValidationError("请选择所在区划")
    require(actor, "governance.zone_manage", region_code=region_code, target="zone:new")
    zone = ExperimentalZone.objects.create(
        name=_text(name, "名称", max_length=100),
        level=level,
        region_code=region_code,
        approved_on=approved_on,
        theme=_text(theme, "实验主题", max_length=100, required=False),
        measures=_text(measures, "主要举措", max_length=4000, required=False),
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="governance.zone",
        target_id=zone.pk,
        region_code=region_code,
        new={"name": zone.name, "level": level},
    )
    return zone


CONCLUSIONS = ("优秀", "良好", "合格", "不合格")


@transaction.atomic
def zone_evaluate(
    *,
    actor: Any,
    zone: ExperimentalZone,
    evaluated_on: dt.date,
    evaluator: str,
    conclusion: str,
    findings: str = "",
) -> ZoneEvaluation:
    require(actor, "governance.zone_manage", region_code=zone.region_code, target=f"zone:{zone.pk}")
    if conclusion not in CONCLUSIONS:
        raise ValidationError("请选择评估结论")
    evaluation = ZoneEvaluation.objects.create(
        zone=zone,
        evaluated_on=evaluated_on,
        evaluator=_text(evaluator, "评估单位", max_length=64),
        conclusion=conclusion,
        findings=_text(findings, "评估意见", max_length=4000, required=False),
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="governance.zone_evaluation",
        target_id=evaluation.pk,
        region_code=zone.region_code,
        new={"zone": zone.pk, "conclusion": conclusion},
    )
    return evaluation


# ---------------------------------------------------------------- exports
def grid_households_export(*, actor: Any, placements: list[Placement]) -> bytes:
    """The grid's households as Excel (no ID numbers: the household number and the head's name)."""
    require(actor, "grid.households_read", target="grid:export")
    rows = [
        (
            p.household.number,
            getattr(p, "head_name", "") or "",
            p.grid_code,
            p.building,
            p.unit,
            p.room,
            p.household.address,
        )
        for p in placements
    ]
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type="governance.placement",
        target_id="export",
        region_code=actor.region.code if getattr(actor, "region_id", None) else "",
        new={"rows": len(rows)},
    )
    return xlsx_bytes(("户编号", "户主", "网格代码", "楼栋", "单元", "户", "住址"), rows, title="网格住户")
