from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from .models import PolicyParameter


class PolicyMissing(LookupError):
    pass


@dataclass(frozen=True)
class PolicyValue:
    key: str
    value: Decimal
    row_id: int
    source: str
    label: str


@dataclass(frozen=True)
class PolicySet:
    """The parameters in force for one date, region and hukou type: what a decision records."""

    on: dt.date
    region_code: str
    hukou_type: str
    values: dict[str, PolicyValue] = field(default_factory=dict)

    def get(self, key: str) -> Decimal:
        try:
            return self.values[key].value
        except KeyError:
            raise PolicyMissing(f"{self.on}在区划{self.region_code}没有有效的政策参数“{key}”") from None

    def has(self, key: str) -> bool:
        return key in self.values

    @property
    def version(self) -> str:
        """Stable id of exactly the rows used: same rows → same version."""
        ids = ",".join(
            f"{v.key}#{v.row_id}={v.value}" for v in sorted(self.values.values(), key=lambda v: v.key)
        )
        return f"{self.on:%Y%m%d}-" + hashlib.sha256(ids.encode()).hexdigest()[:12]

    def as_record(self) -> dict[str, str]:
        return {k: str(v.value) for k, v in sorted(self.values.items())}


def _prefixes(code: str) -> list[str]:
    return [""] + [code[:n] for n in (4, 6, 9, 12) if len(code) >= n]


def policy_resolve(*, on: dt.date, region_code: str, hukou_type: str) -> PolicySet:
    """One query: all rows in force on `on` for the region's ancestors; the most specific row wins."""
    rows = PolicyParameter.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        effective_from__lte=on,
        region_prefix__in=_prefixes(region_code),
        hukou_type__in=["", hukou_type],
    ).order_by("key", "region_prefix", "hukou_type", "effective_from")
    best: dict[str, tuple[tuple[int, int, dt.date], PolicyParameter]] = {}
    for row in rows:
        rank = (len(row.region_prefix), 1 if row.hukou_type else 0, row.effective_from)
        if row.key not in best or rank > best[row.key][0]:
            best[row.key] = (rank, row)
    values = {
        k: PolicyValue(key=k, value=r.value, row_id=r.pk, source=r.source, label=r.label)
        for k, (_, r) in best.items()
    }
    return PolicySet(on=on, region_code=region_code, hukou_type=hukou_type, values=values)
