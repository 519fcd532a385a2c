"""Reads of 指尖办: the signed-in citizen (from the cookie's key), their household and its cases, a case's
progress in words, the public 公示 list (names and IDs masked), and the clerk's online to-do (scoped to
the clerk's region, under the permission each offer names)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.permissions import can
from minzheng.accounts.scoping import scope
from minzheng.assistance.models import Application, PublicNotice, State
from minzheng.assistance.workflow import application_workflow
from minzheng.casework.selectors import case_history
from minzheng.core import crypto
from minzheng.core.labels import region_names
from minzheng.core.masking import mask_name
from minzheng.core.todos import Item, Todo
from minzheng.people.models import Membership
from minzheng.programmes.registry import OnlineOffer, load, online_offer, online_offers, programme_name

from .actor import Citizen
from .models import (
    EMERGENCY_KINDS,
    CitizenSession,
    OnlineApplication,
    OnlineDocument,
    OnlineObjection,
    OnlineState,
)

LIST_LENGTH = 5
ASSISTANCE_CASE = "assistance.application"
RELATIONS_OF_HEAD = ("head",)


def citizen_from_key(key: str) -> Citizen | None:
    """The citizen of a live session (not ended, not expired, the person alive), or None."""
    if not key or len(key) > 100:
        return None
    session = (
        CitizenSession.objects.select_related("person")
        .filter(
            key_hash=crypto.blind_index(f"citizen:session:{key}"),
            ended_at__isnull=True,
            expires_at__gt=timezone.now(),
            person__is_alive=True,
        )
        .first()
    )
    if session is None:
        return None
    return Citizen(person_id=session.person_id, name=session.person.name, session_id=session.pk)


def citizen_membership(citizen: Citizen) -> Membership | None:
    return (
        Membership.objects.filter(person_id=citizen.person_id, end_date__isnull=True)
        .select_related("household", "household__region", "person")
        .first()
    )


def household_members(citizen: Citizen) -> list[Membership]:
    """The members of the citizen's household as the registry holds them (the form's rows)."""
    own = citizen_membership(citizen)
    return [] if own is None else household_members_of(own.household_id)


def household_members_of(household_id: int) -> list[Membership]:
    return list(
        Membership.objects.filter(household_id=household_id, end_date__isnull=True, person__is_alive=True)
        .select_related("person")
        .order_by("start_date", "id")
    )


def offer_name(offer: OnlineOffer) -> str:
    return offer.name or programme_name(offer.programme)


def offers() -> list[tuple[str, str, bool]]:
    """(code, name, asks for the emergency) of every programme offered online."""
    return [(o.programme, offer_name(o), o.emergency) for o in online_offers()]


@dataclass(frozen=True)
class CaseRow:
    url: str
    programme: str
    state: str
    date: dt.date
    note: str = ""


def citizen_cases(citizen: Citizen) -> list[CaseRow]:
    """The household's cases (every programme of the assistance line) and the online applications not
    yet accepted (waiting, or returned with the clerk's reason), newest first; two queries."""
    household_ids = Membership.objects.filter(person_id=citizen.person_id, end_date__isnull=True).values(
        "household_id"
    )
    rows = [
        CaseRow(
            url=reverse("citizen-case", args=[a.pk]),
            programme=a.get_programme_display(),
            state=application_workflow(a).state_label(a.state),
            date=timezone.localtime(a.created_at).date(),
        )
        for a in Application.objects.filter(household_id__in=household_ids).order_by("-created_at", "-id")
    ]
    online = list(
        OnlineApplication.objects.filter(household_id__in=household_ids).exclude(
            state=OnlineState.ACCEPTED, case_type=ASSISTANCE_CASE
        )
    )
    states = _other_case_states([o for o in online if o.state == OnlineState.ACCEPTED])
    rows += [
        CaseRow(
            url=reverse("citizen-online", args=[o.pk]),
            programme=o.get_programme_display(),
            state=states.get(o.pk) or o.get_state_display(),
            date=timezone.localtime(o.created_at).date(),
            note=o.return_reason,
        )
        for o in online
    ]
    return sorted(rows, key=lambda r: r.date, reverse=True)


def _other_case_states(accepted: list[OnlineApplication]) -> dict[int, str]:
    """The status, in words, of the cases online applications became at another line's desk (两项补贴 …):
    one query per kind of case."""
    by_type: dict[str, dict[int, int]] = {}
    for o in accepted:
        if o.case_type and o.case_id:
            by_type.setdefault(o.case_type, {})[o.case_id] = o.pk
    states: dict[int, str] = {}
    for label, ids in by_type.items():
        model = django_apps.get_model(label)
        for case in model.objects.filter(pk__in=ids):
            show = getattr(case, "get_status_display", None) or getattr(case, "get_state_display", None)
            if show is not None:
                states[ids[case.pk]] = str(show())
    return states


def case_progress(application: Application) -> list[dict[str, Any]]:
    """The steps of a case with their dates, in words (never state codes, never the staff's notes)."""
    steps = [{"on": timezone.localtime(application.created_at).date(), "text": _("申请已登记")}]
    for e in case_history(workflow=application_workflow(application), case=application):
        steps.append(
            {"on": timezone.localtime(e["at"]).date(), "text": _("进入“%(state)s”") % {"state": e["to"]}}
        )
    notice = PublicNotice.objects.filter(application=application).first()
    if notice is not None:
        steps.append(
            {
                "on": notice.start_date,
                "text": _("公示：%(start)s至%(end)s") % {"start": notice.start_date, "end": notice.end_date},
            }
        )
    return sorted(steps, key=lambda s: s["on"])


def online_progress(online: OnlineApplication) -> list[dict[str, Any]]:
    """The steps of an online application that is not (yet) an assistance case (两项补贴 …), in words:
    submitted, returned with the reason or accepted, and the status of the case it became at that line's
    desk (read generically: its status in words and its decision date; never the staff's notes)."""
    steps = [{"on": timezone.localtime(online.created_at).date(), "text": _("网上申请已提交")}]
    handled_on = timezone.localtime(online.handled_at).date() if online.handled_at else None
    if online.state == OnlineState.RETURNED and handled_on:
        steps.append({"on": handled_on, "text": _("已退回：%(reason)s") % {"reason": online.return_reason}})
    elif online.state == OnlineState.ACCEPTED and handled_on:
        steps.append({"on": handled_on, "text": _("已受理")})
        case = None
        if online.case_type and online.case_id:
            case = django_apps.get_model(online.case_type).objects.filter(pk=online.case_id).first()
        decided = getattr(case, "decided_at", None)
        show = getattr(case, "get_status_display", None) or getattr(case, "get_state_display", None)
        if case is not None and show is not None:
            on = timezone.localtime(decided).date() if decided else handled_on
            steps.append({"on": on, "text": _("办理状态：%(state)s") % {"state": show()}})
    return steps


def case_letters(application: Application) -> list[Any]:
    return list(application.decisions.all())


# ---------------------------------------------------------------- 公示, online and public
def _notices_open(on: dt.date) -> QuerySet[PublicNotice]:
    return PublicNotice.objects.filter(
        application__state=State.PUBLIC_NOTICE, start_date__lte=on, end_date__gte=on
    )


def notice_open(*, notice_id: int, on: dt.date) -> PublicNotice:
    notice = _notices_open(on).select_related("application").filter(pk=notice_id).first()
    if notice is None:
        raise Http404("未找到该公示")
    return notice


def public_notices(*, on: dt.date, county: str = "") -> list[dict[str, Any]]:
    """The cases in 公示 today, as the public list shows them: the programme, the village, the applicant's
    name and ID masked, the number of members applied for, the period. Two queries for the page."""
    qs = (
        _notices_open(on)
        .select_related("application", "application__applicant")
        .order_by("application__region_code", "start_date", "id")
    )
    if county:
        qs = qs.filter(application__region_code__startswith=county)
    notices = list(qs[:500])
    names = region_names(n.application.region_code for n in notices)
    return [
        {
            "id": n.pk,
            "programme": n.application.get_programme_display(),
            "place": names.get(n.application.region_code) or _("未知区划"),
            "name": mask_name(n.application.applicant.name),
            "id_masked": n.application.applicant.id_masked,
            "members": len(n.application.declared.get("members") or []),
            "start": n.start_date,
            "end": n.end_date,
        }
        for n in notices
    ]


# ---------------------------------------------------------------- the clerk's side
def _offer_permissions() -> dict[str, str]:
    return {o.programme: o.permission for o in online_offers()}


def online_for_actor(*, actor: Any, state: str = OnlineState.PENDING) -> QuerySet[OnlineApplication]:
    """Online applications in the actor's region, of the programmes whose acceptance the actor may do."""
    codes = [code for code, perm in _offer_permissions().items() if can(actor, perm)]
    qs = OnlineApplication.objects.filter(programme__in=codes).select_related("applicant", "household")
    if state:
        qs = qs.filter(state=state)
    return scope(qs, actor) if codes else qs.none()


def online_get_for_actor(*, actor: Any, online_id: int) -> OnlineApplication:
    online = online_for_actor(actor=actor, state="").filter(pk=online_id).first()
    if online is None:
        raise Http404("未找到该网上申请")
    return online


def online_declared(online: OnlineApplication) -> dict[str, Any]:
    """Everything the resident declared, as the clerk reads it: the household by its head and village,
    each member by name and masked ID with relation and income (Chinese labels), the assets, the
    emergency, or the facts another line's form asked (by that line's own labels)."""

    members = household_members_of(online.household_id)
    head = next((m.person for m in members if m.relation in RELATIONS_OF_HEAD), None)
    village = region_names([online.household.region_code]).get(online.household.region_code, "")
    by_id = {m.person_id: m for m in members}
    rows = []
    for d in online.declared.get("members", []):
        m = by_id.get(d["person_id"])
        rows.append(
            {
                "name": m.person.name if m else _("（已不在本户）"),
                "id_masked": m.person.id_masked if m else "",
                "relation": m.get_relation_display() if m else "",
                "employed": _("是") if d.get("employed") else _("否"),
                "wage": d.get("monthly_wage"),
                "pension": d.get("monthly_pension"),
                "other": d.get("other_income"),
            }
        )
    assets = online.declared.get("assets") or {}
    facts: list[tuple[str, str]] = []
    if "facts" in online.declared:
        offer = online_offer(online.programme)
        describe = load(offer.describe) if isinstance(offer.describe, str) else offer.describe
        facts = describe(online.declared["facts"]) if describe else []
    return {
        "head": head,
        "village": village,
        "members": rows,
        "assets": (
            [
                (_("家庭存款等金融资产（元）"), assets.get("financial", "0")),
                (_("机动车辆"), str(len(assets.get("vehicles") or [])) + _("辆")),
                (_("住房（套）"), str(assets.get("residential_properties", 0))),
            ]
            if "assets" in online.declared
            else []
        ),
        "emergency": EMERGENCY_KINDS.get(online.emergency_kind, ""),
        "facts": facts,
    }


def online_documents(online: OnlineApplication) -> list[OnlineDocument]:
    return list(online.documents.order_by("id"))


def objections_for_actor(*, actor: Any, pending: bool = True) -> QuerySet[OnlineObjection]:
    if not can(actor, "assistance.intake"):
        return OnlineObjection.objects.none()
    qs = OnlineObjection.objects.select_related("notice__application__applicant", "person")
    if pending:
        qs = qs.filter(recorded_at__isnull=True)
    return scope(qs, actor)


def objection_get_for_actor(*, actor: Any, objection_id: int) -> OnlineObjection:
    obj = objections_for_actor(actor=actor, pending=False).filter(pk=objection_id).first()
    if obj is None:
        raise Http404("未找到该异议")
    return obj


def online_todo(actor: Any, on: dt.date) -> Todo:
    """The one-window to-do: online applications waiting for acceptance and online 公示 objections."""
    apps = online_for_actor(actor=actor)
    objections = objections_for_actor(actor=actor)
    items = [
        Item(
            label=f"{a.applicant.name} · {a.get_programme_display()}",
            url=reverse("citizen-desk-detail", args=[a.pk]),
            note=_("网上申请"),
        )
        for a in apps[:LIST_LENGTH]
    ] + [
        Item(
            label=o.notice.application.applicant.name,
            url=reverse("citizen-objection", args=[o.pk]),
            note=_("网上公示异议"),
        )
        for o in objections[:LIST_LENGTH]
    ]
    return Todo(
        key="citizen_online",
        title=_("网上申请和公示异议"),
        count=apps.count() + objections.count(),
        url=reverse("citizen-desk"),
        items=items,
        empty=_("没有待受理的网上申请"),
    )
