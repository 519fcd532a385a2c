"""Distance in SQL: a bounding-box prefilter (indexed latitude/longitude ranges), then the haversine
great-circle distance as an ORM expression (Django registers SIN/COS/ASIN/SQRT/RADIANS on SQLite; PostgreSQL
has them natively), so no carer is ever loaded to be measured in Python."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.db.models import F, FloatField, QuerySet, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

from minzheng.policy.selectors import policy_resolve

EARTH_KM = 6371.0088
KM_PER_DEGREE = 111.195


def bounding_box(lat: float, lon: float, km: float) -> dict[str, Decimal]:
    dlat = km / KM_PER_DEGREE
    dlon = km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    q = Decimal("0.000001")
    return {
        "latitude__gte": Decimal(lat - dlat).quantize(q),
        "latitude__lte": Decimal(lat + dlat).quantize(q),
        "longitude__gte": Decimal(lon - dlon).quantize(q),
        "longitude__lte": Decimal(lon + dlon).quantize(q),
    }


def within(qs: QuerySet, lat: float, lon: float, km: float) -> QuerySet:
    """Rows of `qs` (with latitude/longitude) within `km` of the point, annotated `distance_km`, nearest
    first."""
    lat0 = Value(math.radians(lat), output_field=FloatField())
    lon0 = Value(math.radians(lon), output_field=FloatField())
    lat1 = Radians(F("latitude"), output_field=FloatField())
    lon1 = Radians(F("longitude"), output_field=FloatField())
    a = Power(Sin((lat1 - lat0) / 2), 2) + Cos(lat0) * Cos(lat1) * Power(Sin((lon1 - lon0) / 2), 2)
    distance = Value(2 * EARTH_KM, output_field=FloatField()) * ASin(Sqrt(a))
    return (
        qs.filter(**bounding_box(lat, lon, km))
        .annotate(distance_km=distance)
        .filter(distance_km__lte=km)
        .order_by("distance_km", "pk")
    )


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """One pair (a check-in against the elder's home), the same formula as `within`."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def radius_km(*, on: dt.date, region_code: str) -> float:
    return float(
        policy_resolve(on=on, region_code=region_code, hukou_type="").get("homecare.service_radius_km")
    )
