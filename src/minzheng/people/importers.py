"""Load persons and households from a data-exchange snapshot (exchange.md `persons` + `deaths`) into the
web database. Used for the demo city; rows are validated by the same ID rules as every other entry path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from django.core.exceptions import ValidationError
from django.db import transaction

from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core import crypto
from minzheng.core.idnumber import parse_id_number
from minzheng.regions.models import Region, RegionLevel

from .models import Household, Membership, Person
from .services import population_refresh


def _read(snapshot: Path, name: str) -> list[dict[str, Any]] | None:
    for ext in (".parquet", ".csv"):
        f = snapshot / f"{name}{ext}"
        if f.exists():
            table = pq.read_table(f) if ext == ".parquet" else pcsv.read_csv(f)
            return table.to_pylist()
    return None


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@transaction.atomic
def people_import_snapshot(*, snapshot: Path, actor: Any, batch_size: int = 2000) -> dict[str, int]:
    """Load the registry from a snapshot's persons file (demo and first set-up: `actor` is the system)."""
    require(actor, "people.import", target=f"snapshot:{snapshot.name}")
    rows = _read(snapshot, "persons")
    if rows is None:
        raise ValidationError(f"快照{snapshot}中没有persons文件")
    villages = {r.code: r for r in Region.objects.filter(level=RegionLevel.VILLAGE)}
    existing = set(Person.objects.values_list("id_hash", flat=True))
    rejected: list[str] = []
    persons: list[Person] = []
    households: dict[str, Household] = {}
    relations: list[tuple[str, str, str]] = []  # (id_hash, household_no, relation)
    for line, row in enumerate(rows, start=2):
        try:
            info = parse_id_number(str(row["id_number"]))
        except ValidationError as e:
            rejected.append(f"第{line}行：{e.messages[0]}")
            continue
        village = villages.get(str(row["hukou_region"]))
        if village is None:
            rejected.append(f"第{line}行：户籍区划{row['hukou_region']}不存在")
            continue
        if _as_date(row["birth_date"]) != info.birth_date or row["sex"] != info.sex:
            rejected.append(f"第{line}行：出生日期或性别与身份证号不一致")
            continue
        h = crypto.blind_index(info.id_number)
        if h in existing:
            continue
        existing.add(h)
        persons.append(
            Person(
                id_number_enc=crypto.encrypt(info.id_number),
                id_hash=h,
                id_tail=info.id_number[-4:],
                name=str(row["name"]),
                sex=info.sex,
                birth_date=info.birth_date,
                hukou_type=str(row["hukou_type"]),
                hukou_region=village,
                hukou_code=village.code,
                residence_region=village,
                region_code=village.code,
            )
        )
        no = str(row["household_no"])
        if no not in households:
            households[no] = Household(
                number=no, region=village, region_code=village.code, hukou_type=str(row["hukou_type"])
            )
        relations.append((h, no, str(row["relation"])))
    Person.objects.bulk_create(persons, batch_size=batch_size)
    known_households = set(
        Household.objects.filter(number__in=list(households)).values_list("number", flat=True)
    )
    Household.objects.bulk_create(
        [h for no, h in households.items() if no not in known_households], batch_size=batch_size
    )
    person_ids = dict(
        Person.objects.filter(id_hash__in=[r[0] for r in relations]).values_list("id_hash", "id")
    )
    household_ids = dict(Household.objects.filter(number__in=list(households)).values_list("number", "id"))
    birth = {p.id_hash: p.birth_date for p in persons}
    Membership.objects.bulk_create(
        [
            Membership(
                person_id=person_ids[h],
                household_id=household_ids[no],
                relation=rel,
                start_date=max(birth[h], dt.date(2000, 1, 1)),
            )
            for h, no, rel in relations
        ],
        batch_size=batch_size,
    )
    deaths = _read(snapshot, "deaths") or []
    # One query for all the month's deaths, one bulk update (no per-row lookups).
    died_on = {crypto.blind_index(str(r["id_number"])): _as_date(r["death_date"]) for r in deaths}
    newly_dead = [
        p
        for p in Person.objects.filter(id_hash__in=list(died_on), is_alive=True)
        if died_on[p.id_hash or ""] >= p.birth_date
    ]
    for p in newly_dead:
        p.is_alive, p.death_date = False, died_on[p.id_hash or ""]
    Person.objects.bulk_update(newly_dead, ["is_alive", "death_date"], batch_size=batch_size)
    dead = len(newly_dead)
    summary = {
        "persons": len(persons),
        "households": len(households),
        "deaths": dead,
        "rejected": len(rejected),
    }
    audit_record(
        actor=actor,
        event_type=AuditEvent.IMPORT,
        target_type="snapshot.persons",
        target_id=snapshot.name,
        detail=f"导入人员{len(persons)}人、家庭{len(households)}户，拒收{len(rejected)}行",
        new=summary,
    )
    # The home page's and the person list's figures follow the registry in the same transaction.
    population_refresh(actor=actor)
    return summary
