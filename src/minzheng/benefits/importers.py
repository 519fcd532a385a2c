"""Existing enrolments of the demo city (demo/synth.py's enrolments.parquet) → the enrolment table.
Dibao is household-level (paid to the head, members counted); other programmes are per person."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from django.db import transaction

from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core import crypto
from minzheng.people.models import Household, Membership, Person

from .models import Enrolment


@transaction.atomic
def enrolments_import(*, path: Path, actor: Any) -> int:
    require(actor, "enrolment.import", target=f"enrolments:{path.name}")
    rows = pq.read_table(path).to_pylist()
    persons = dict(
        Person.objects.filter(id_hash__in=[crypto.blind_index(r["id_number"]) for r in rows]).values_list(
            "id_hash", "id"
        )
    )
    households = dict(Household.objects.values_list("number", "id"))
    regions = dict(Household.objects.values_list("id", "region_code"))
    heads = dict(
        Membership.objects.filter(relation="head", end_date__isnull=True).values_list(
            "household_id", "person_id"
        )
    )
    new: list[Enrolment] = []
    dibao: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        pid = persons.get(crypto.blind_index(r["id_number"]))
        hid = households.get(r["household_no"])
        if pid is None or hid is None:
            continue
        first = dt.date.fromisoformat(r["start_month"] + "-01")
        if r["programme"] == "dibao":
            dibao.setdefault(hid, []).append({**r, "first": first})
            continue
        new.append(
            Enrolment(
                programme=r["programme"],
                person_id=pid,
                household_id=hid,
                region_code=regions[hid],
                monthly_amount=int(r["monthly_amount"]),
                first_month=first,
                source_type="import",
                source_id=path.parent.name,
            )
        )
    for hid, members in dibao.items():
        payee = heads.get(hid) or persons[crypto.blind_index(members[0]["id_number"])]
        new.append(
            Enrolment(
                programme="dibao",
                person_id=payee,
                household_id=hid,
                region_code=regions[hid],
                monthly_amount=sum(int(m["monthly_amount"]) for m in members),
                members_covered=len(members),
                first_month=min(m["first"] for m in members),
                source_type="import",
                source_id=path.parent.name,
            )
        )
    Enrolment.objects.bulk_create(new, batch_size=2000)
    audit_record(
        actor=actor,
        event_type=AuditEvent.IMPORT,
        target_type="enrolments",
        target_id=path.name,
        detail=f"导入存量保障对象{len(new)}条",
    )
    return len(new)
