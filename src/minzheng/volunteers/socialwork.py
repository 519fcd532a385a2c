"""社会工作: township social-work stations, certified social workers and their service records. Writes
(atomic, permission-checked, audited) and reads (region-scoped; out of scope reads as missing), kept apart
from the volunteers' services in one module of the same app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from minzheng.accounts.permissions import can, require, scoped
from minzheng.accounts.scoping import scope
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.people.models import Person
from minzheng.policy.selectors import policy_resolve
from minzheng.regions.models import Region, RegionLevel

from .models import ServiceKind, ServiceRecord, SocialWorker, Station, StationService, WorkerLevel
from .services import _text

MANAGE = "socialwork.manage"
READ = "socialwork.read"


@transaction.atomic
def station_create(
    *, actor: Any, region_code: str, name: str, opened_on: dt.date, services: list[str], address: str = ""
) -> Station:
    region = Region.objects.filter(code=(region_code or "").strip(), level=RegionLevel.TOWNSHIP).first()
    if region is None:
        raise ValidationError("请选择社工站所在的乡镇（街道）")
    require(actor, MANAGE, region_code=region.code, target=f"station:{region.code}")
    if Station.objects.filter(region_code=region.code).exists():
        raise ValidationError(f"{region.name}已建有社会工作站")
    picked = [s for s in dict.fromkeys(services or []) if s]
    if not picked or any(s not in StationService.values for s in picked):
        raise ValidationError("请选择社工站的服务内容")
    station = Station.objects.create(
        name=_text(name, "社工站名称", max_length=100),
        region_code=region.code,
        address=_text(address, "地址", max_length=200, required=False),
        opened_on=opened_on,
        services=picked,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="volunteers.station",
        target_id=station.pk,
        region_code=station.region_code,
        new={"name": station.name, "opened_on": str(opened_on)},
    )
    return station


@transaction.atomic
def worker_create(
    *,
    actor: Any,
    name: str,
    level: str,
    certificate_no: str,
    certified_on: dt.date,
    employer: str,
    region_code: str,
    station: Station | None = None,
) -> SocialWorker:
    if level not in WorkerLevel.values:
        raise ValidationError("请选择证书等级（助理、中级、高级）")
    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None or region.level not in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        raise ValidationError("请选择社工所在区划")
    require(actor, MANAGE, region_code=region.code, target="socialworker:new")
    number = _text(certificate_no, "证书编号", max_length=40).upper()
    if not number.replace("-", "").isalnum():
        raise ValidationError("证书编号只能由字母、数字和短横线组成")
    if SocialWorker.objects.filter(certificate_no=number).exists():
        raise ValidationError("该证书编号已登记")
    if station is not None and not station.region_code.startswith(region.code[:6]):
        raise ValidationError("社工站须为本县（市、区）的社工站")
    worker = SocialWorker.objects.create(
        name=_text(name, "姓名", max_length=64),
        level=level,
        certificate_no=number,
        certified_on=certified_on,
        employer=_text(employer, "工作单位", max_length=100),
        station=station,
        region_code=station.region_code if station else region.code,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="volunteers.social_worker",
        target_id=worker.pk,
        region_code=worker.region_code,
        new={"name": worker.name, "level": level, "certificate_no": number},
    )
    return worker


@transaction.atomic
def service_record_create(
    *,
    actor: Any,
    station: Station,
    person: Person,
    served_on: dt.date,
    kind: str,
    summary: str,
    worker: SocialWorker | None = None,
) -> ServiceRecord:
    """A service of the station for a person of the registry living in the station's township."""
    require(actor, MANAGE, region_code=station.region_code, target=f"station:{station.pk}")
    if not person.region_code.startswith(station.region_code):
        raise ValidationError("服务对象须居住在社工站所在的乡镇（街道）")
    if kind not in ServiceKind.values:
        raise ValidationError("请选择服务类型")
    if worker is not None and worker.station_id != station.pk:
        raise ValidationError("社会工作者须为本社工站的人员")
    if served_on < station.opened_on:
        raise ValidationError("服务日期早于社工站建成运营日期")
    record = ServiceRecord.objects.create(
        station=station,
        worker=worker,
        person=person,
        region_code=person.region_code,
        served_on=served_on,
        kind=kind,
        summary=_text(summary, "服务内容", max_length=500),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="volunteers.service_record",
        target_id=record.pk,
        region_code=record.region_code,
        new={"person": person.pk, "kind": kind, "served_on": str(served_on)},
    )
    return record


# ---------------------------------------------------------------- reads
def stations(actor: Any) -> QuerySet[Station]:
    return (
        scoped(READ, Station.objects.all(), actor)
        .annotate(
            staff_count=Count("staff", filter=Q(staff__active=True), distinct=True),
            records_count=Count("records", distinct=True),
        )
        .order_by("region_code")
    )


def station_get(*, actor: Any, pk: int) -> Station | None:
    return scoped(READ, Station.objects.all(), actor).filter(pk=pk).first()


def workers(actor: Any) -> QuerySet[SocialWorker]:
    return scoped(READ, SocialWorker.objects.select_related("station"), actor).order_by("region_code", "name")


def records_of(station: Station) -> QuerySet[ServiceRecord]:
    return station.records.select_related("person", "worker")


def coverage(*, actor: Any, on: dt.date) -> list[dict[str, Any]]:
    """Per county: townships, those with a station opened by `on`, and the share against the target
    (`socialwork.target.station_coverage`); two grouped queries."""
    target = policy_resolve(on=on, region_code="", hukou_type="").get("socialwork.target.station_coverage")
    towns = (
        scope(Region.objects.filter(level=RegionLevel.TOWNSHIP), actor, field="code")
        .annotate(county=Substr("code", 1, 6))
        .values("county")
        .annotate(n=Count("pk"))
    )
    opened = dict(
        scoped(READ, Station.objects.filter(opened_on__lte=on), actor)
        .annotate(county=Substr("region_code", 1, 6))
        .values("county")
        .annotate(n=Count("pk"))
        .values_list("county", "n")
    )
    names = dict(Region.objects.filter(code__in=[t["county"] for t in towns]).values_list("code", "name"))
    out = []
    for t in sorted(towns, key=lambda r: r["county"]):
        share = Decimal(opened.get(t["county"], 0)) / t["n"] if t["n"] else Decimal(0)
        out.append(
            {
                "county": t["county"],
                "name": names.get(t["county"], ""),
                "towns": t["n"],
                "stations": opened.get(t["county"], 0),
                "pct": f"{share * 100:.1f}",
                "met": share >= target,
            }
        )
    return out


def coverage_target(*, on: dt.date) -> dict[str, str]:
    """The station-coverage target in force (a share, read as a percentage) and the plan it comes from."""
    p = policy_resolve(on=on, region_code="", hukou_type="")
    share = p.get("socialwork.target.station_coverage")
    return {
        "pct": f"{(share * 100).quantize(Decimal('0.1')).normalize():f}",
        "source": p.values["socialwork.target.station_coverage"].source,
    }


def worker_target(*, actor: Any, on: dt.date) -> dict[str, Any]:
    """Certified social workers now and a year ago against `socialwork.target.workers` (10,000 by 2025)
    and `socialwork.target.annual_increase` (+1,000 a year); one aggregate query."""
    p = policy_resolve(on=on, region_code="", hukou_type="")
    year_ago = on - dt.timedelta(days=365)
    agg = scoped(READ, SocialWorker.objects.filter(active=True), actor).aggregate(
        now=Count("pk", filter=Q(certified_on__lte=on)),
        before=Count("pk", filter=Q(certified_on__lte=year_ago)),
        assistant=Count("pk", filter=Q(level=WorkerLevel.ASSISTANT)),
        intermediate=Count("pk", filter=Q(level=WorkerLevel.INTERMEDIATE)),
        senior=Count("pk", filter=Q(level=WorkerLevel.SENIOR)),
    )
    target = int(p.get("socialwork.target.workers"))
    increase = int(p.get("socialwork.target.annual_increase"))
    return {
        **agg,
        "added": agg["now"] - agg["before"],
        "target": target,
        "increase_target": increase,
        "increase_met": agg["now"] - agg["before"] >= increase,
        "source": p.values["socialwork.target.workers"].source,
    }


def person_panel(*, actor: Any, person: Any) -> dict[str, Any] | None:
    """The person page's 社会工作 panel: the services the person received, for those who read social work."""
    if not can(actor, READ, region_code=person.region_code):
        return None
    rows = list(
        ServiceRecord.objects.filter(person=person)
        .select_related("station", "worker")
        .order_by("-served_on")[:10]
    )
    return {"records": rows} if rows else None
