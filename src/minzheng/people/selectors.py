"""Region-scoped reads of the registry. `person_get_for_actor` / `household_get_for_actor` are the one
access checkpoint per object type: out-of-region answers exactly like a missing id (404)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Collate, Lower
from django.http import Http404

from minzheng.accounts.permissions import can, scoped
from minzheng.accounts.scoping import actor_prefix
from minzheng.core import crypto
from minzheng.core.idnumber import normalize

from .models import (
    Household,
    Membership,
    Person,
    RegionPopulation,
    TransferRequest,
    TransferStatus,
    UnidentifiedRecord,
)

READ = "people.read"  # the permission every read of this module is scoped under


def person_search(*, actor: Any, q: str = "", region_code: str = "") -> QuerySet[Person]:
    qs = scoped(READ, Person.objects.all(), actor).select_related("residence_region")
    q = "".join(ch for ch in (q or "") if ch.isprintable()).strip()
    if region_code:
        qs = qs.filter(region_code__startswith=region_code)
    if not q:
        return qs.order_by("id")
    value = normalize(q)
    if value.startswith("LS"):
        # A temporary number finds its record and, once merged, the identified person too.
        return (
            qs.filter(Q(temp_number=value) | Q(merged_records__person__temp_number=value))
            .distinct()
            .order_by("id")
        )
    if len(value) == 18:
        return qs.filter(id_hash=crypto.blind_index(value)).order_by("id")
    if len(value) == 4 and value[:3].isdigit():
        return qs.filter(id_tail=value).order_by("id")
    phone = q.replace(" ", "").replace("-", "")
    if phone.isdigit() and 7 <= len(phone) <= 12:
        # The full number through its blind index (like the ID number); no partial phone search.
        return qs.filter(phone_hash=crypto.blind_index(phone)).order_by("id")
    # A name: a prefix of the normalised name (surname first), one seek on its index, in name order.
    key = name_key()
    return qs.alias(name_key=key).filter(name_key__startswith=name_normalise(q)).order_by(key, "id")


def name_normalise(text: str) -> str:
    """A name as the search index holds it: NFKC (full-width letters and digits folded), no spaces,
    lower case (for names in Latin letters)."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def name_key() -> Any:
    """The indexed expression of the name search (migration people 0005): lower(name), under the C
    collation on PostgreSQL so that one index serves both LIKE 'x%' and the name order whatever the
    database's collation."""
    return Collate(Lower("name"), "C") if connection.vendor == "postgresql" else Lower("name")


def person_get_for_actor(*, actor: Any, person_id: int) -> Person:
    """In the actor's region, or a temporary record merged into a person in the actor's region (the
    identified person's history stays reachable wherever the person was found)."""
    qs = Person.objects.select_related("hukou_region", "residence_region")
    person = scoped(READ, qs, actor).filter(pk=person_id).first()
    if person is None:
        # By pk (whose lookup answers nothing for an out-of-range id instead of overflowing).
        merged = UnidentifiedRecord.objects.filter(merged_into__isnull=False)
        merged_here = scoped(READ, merged, actor, field="merged_into__region_code")
        person = qs.filter(pk=person_id, unidentified_record__in=merged_here).first()
    if person is None:
        raise Http404("未找到该人员")
    return person


def household_get_for_actor(*, actor: Any, household_id: int) -> Household:
    household = (
        scoped(READ, Household.objects.select_related("region"), actor).filter(pk=household_id).first()
    )
    if household is None:
        raise Http404("未找到该家庭")
    return household


def household_search(*, actor: Any, q: str = "") -> QuerySet[Household]:
    qs = scoped(READ, Household.objects.select_related("region"), actor)
    if q:
        qs = qs.filter(number__startswith=q.strip())
    return qs.order_by("id")


def head_name(outer: str = "household_id") -> Subquery:
    """The current head's name of the household a row points at (`outer`), as an annotation."""
    return Subquery(
        Membership.objects.filter(household=OuterRef(outer), relation="head", end_date__isnull=True).values(
            "person__name"
        )[:1]
    )


def household_labels(*, household_ids: Iterable[int]) -> dict[int, str]:
    """How people read a household: its head's name and village, "张三户（某某村）", never the bare
    household number (two queries for any number of households)."""
    ids = {i for i in household_ids if i is not None}
    if not ids:
        return {}
    heads = dict(
        Membership.objects.filter(household_id__in=ids, relation="head", end_date__isnull=True).values_list(
            "household_id", "person__name"
        )
    )
    villages = dict(Household.objects.filter(pk__in=ids).values_list("pk", "region__name"))
    return {
        pk: f"{heads[pk]}户（{village}）" if pk in heads else f"户主未登记（{village}）"
        for pk, village in villages.items()
    }


def household_members(
    *, household: Household, current_only: bool = True, living_only: bool = False
) -> QuerySet[Membership]:
    """The household's members. `living_only` leaves out the deceased: intake forms (whose income is
    asked) and household counts use it; pages that list every member show the dead as 已故."""
    qs = Membership.objects.filter(household=household).select_related("person")
    if current_only:
        qs = qs.filter(end_date__isnull=True)
    if living_only:
        qs = qs.filter(person__is_alive=True)
    return qs.order_by("end_date", "id")


def person_current_membership(*, person: Person) -> Membership | None:
    return (
        Membership.objects.filter(person=person, end_date__isnull=True)
        .select_related("household")
        .prefetch_related(
            Prefetch("household__memberships", queryset=Membership.objects.filter(end_date__isnull=True))
        )
        .first()
    )


def person_membership_history(*, person: Person) -> QuerySet[Membership]:
    return Membership.objects.filter(person=person).select_related("household").order_by("-start_date")


def transfer_requests_to_verify(*, actor: Any) -> QuerySet[TransferRequest]:
    """迁入申请 made elsewhere for a person registered in the actor's region (open ones)."""
    return scoped(
        READ,
        TransferRequest.objects.filter(status=TransferStatus.OPEN).select_related("to_region"),
        actor,
        field="from_region_code",
    ).order_by("requested_at", "id")


# Refused registration of someone whose hukou lies elsewhere (search and the household form say it alike).
NOT_IN_THIS_REGION = "无法在本辖区登记该身份证号，如该人员户籍在外地，请提交迁入（转移）申请"

UNIDENTIFIED_STATUSES = {"open": "待识别", "pending": "合并待复核", "merged": "已合并"}


def unidentified_search(
    *,
    actor: Any,
    q: str = "",
    region_code: str = "",
    found_from: dt.date | None = None,
    found_to: dt.date | None = None,
    status: str = "",
) -> QuerySet[UnidentifiedRecord]:
    """无身份人员 in the actor's region: by temporary number (or its start), words of the description, the
    place or the self-reported name; by region, date found and status."""
    qs = scoped(
        READ,
        UnidentifiedRecord.objects.select_related("person", "person__residence_region", "merged_into"),
        actor,
        field="person__region_code",
    )
    q = "".join(ch for ch in (q or "") if ch.isprintable()).strip()[:64]
    if q:
        value = normalize(q)
        if value.startswith("LS"):
            qs = qs.filter(person__temp_number__startswith=value)
        else:
            qs = qs.filter(
                Q(description__contains=q) | Q(found_place__contains=q) | Q(person__name__contains=q)
            )
    if region_code:
        qs = qs.filter(person__region_code__startswith=region_code)
    if found_from:
        qs = qs.filter(found_on__gte=found_from)
    if found_to:
        qs = qs.filter(found_on__lte=found_to)
    if status == "open":
        qs = qs.filter(merged_into__isnull=True, merge_target__isnull=True)
    elif status == "pending":
        qs = qs.filter(merge_target__isnull=False)
    elif status == "merged":
        qs = qs.filter(merged_into__isnull=False)
    return qs.order_by("-found_on", "-id")


def unidentified_record_of(*, person: Person) -> UnidentifiedRecord | None:
    """The temporary record of an unidentified (or merged) person, with who asked and who approved."""
    if person.temp_number is None:
        return None
    return (
        UnidentifiedRecord.objects.select_related(
            "found_by", "merge_target", "merge_requested_by", "merged_into", "merged_by"
        )
        .filter(person=person)
        .first()
    )


@dataclass(frozen=True)
class PersonPageActions:
    """What the person page offers. A temporary record merged into an identified person is read-only
    history: it points to that person, and shows no programme panel (their forms would write against a
    closed record) and no merge action."""

    record: UnidentifiedRecord | None
    merged_into: Person | None
    panels: bool  # the programme panels (benefits, payee account, applications, alerts)
    may_merge: bool
    may_approve: bool


def person_page_actions(
    *, actor: Any, person: Person, record: UnidentifiedRecord | None = None
) -> PersonPageActions:
    record = record if record is not None else unidentified_record_of(person=person)
    merged_into = record.merged_into if record is not None and record.is_merged else None
    return PersonPageActions(
        record=record,
        merged_into=merged_into,
        panels=merged_into is None,
        may_merge=record is not None
        and merged_into is None
        and record.merge_target_id is None
        and can(actor, "people.merge", region_code=person.region_code),
        may_approve=record is not None
        and merged_into is None
        and record.merge_target_id is not None
        and record.merge_requested_by_id != actor.pk
        and can(actor, "people.merge_approve", region_code=person.region_code),
    )


def merged_records_of(*, person: Person) -> QuerySet[UnidentifiedRecord]:
    """The temporary records merged into an identified person: its history while unidentified."""
    return (
        UnidentifiedRecord.objects.filter(merged_into=person)
        .select_related("person", "person__residence_region")
        .order_by("found_on", "id")
    )


def merge_target_preview(*, actor: Any, id_number: str) -> Person | None:
    """The identified person an ID number names, for the merge confirmation: the person if registered in
    the actor's region, None if not registered anywhere (the merge will register them); the same answer
    as the registry's for a number held by another region, so nothing is learnt about other regions."""
    from minzheng.core.idnumber import parse_id_number

    info = parse_id_number(id_number)
    found = (
        Person.objects.select_related("residence_region")
        .filter(id_hash=crypto.blind_index(info.id_number))
        .first()
    )
    if found is None:
        return None
    if not scoped(READ, Person.objects.filter(pk=found.pk), actor).exists():
        raise ValidationError(NOT_IN_THIS_REGION)
    return found


def population_figure(*, actor: Any, region_code: str = "") -> RegionPopulation | None:
    """The latest 人口月度汇总 row of the actor's region (or of `region_code` inside it): one indexed read,
    never a count over the registry. None when the actor may not read the registry, the region lies outside
    its scope or no month has been summed yet (the page then shows no figure rather than a wrong one)."""
    prefix = actor_prefix(actor)
    if prefix is None or not can(actor, READ):
        return None
    code = region_code or prefix
    if not code.startswith(prefix):
        return None
    qs = RegionPopulation.objects.all()
    if code:
        return qs.filter(region_code=code).order_by("-month").first()
    # The whole city (the system actor): its city-level rows, of the latest month summed.
    latest = qs.order_by("-month").values_list("month", flat=True).first()
    rows = list(qs.filter(month=latest, region_code__regex=r"^\d{4}$")) if latest else []
    if latest is None or not rows:
        return None
    return RegionPopulation(
        month=latest,
        region_code="",
        persons=sum(r.persons for r in rows),
        households=sum(r.households for r in rows),
        refreshed_at=rows[0].refreshed_at,
    )
