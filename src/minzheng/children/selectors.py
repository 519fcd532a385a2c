"""Reads of 儿童福利 (take the actor; region-scoped; out of scope reads as missing): the roster, the
category cases, the payroll split by funding source, the monthly checks and their completion rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404

from minzheng.accounts.permissions import scoped
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.models import Enrolment, PayrollLine, PayrollRun
from minzheng.benefits.selectors import active_enrolments, enrolments_for_person
from minzheng.casework.selectors import case_actions, case_history
from minzheng.people.models import Person
from minzheng.regions.selectors import region_labels

from .models import CHECK_ITEMS, CategoryCase, MonthlyCheck
from .rules import CHILD_LABELS, CODE, FUNDING, FUNDING_LABELS


def child_roster(*, actor: Any, month: dt.date) -> QuerySet[Enrolment]:
    """Who is paid the allowance in `month` in the actor's region, by place then start."""
    return active_enrolments(actor=actor, month=month, programme=CODE).order_by(
        "region_code", "first_month", "pk"
    )


def child_panel(*, actor: Any, person: Person) -> dict[str, Any] | None:
    """The person's child-allowance enrolments (current first); None (no panel) when there are none."""
    enrolments = [e for e in enrolments_for_person(actor=actor, person=person) if e.programme == CODE]
    return {"enrolments": enrolments} if enrolments else None


# ---------------------------------------------------------------- category cases
def category_cases(*, actor: Any, state: str = "") -> QuerySet[CategoryCase]:
    qs = scoped("children.read", CategoryCase.objects.select_related("child", "decision"), actor)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-pk")


def category_case_get(*, actor: Any, case_id: int) -> CategoryCase:
    """One case in the actor's scope (404 like missing otherwise). A child's record is sensitive: the
    read is audited."""
    case = category_cases(actor=actor).filter(pk=case_id).first()
    if case is None:
        raise Http404("没有这条记录")
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="children.category_case",
        target_id=case.pk,
        region_code=case.region_code,
        detail="查阅儿童类别认定档案",
    )
    return case


def township_supervisors(region_code: str) -> QuerySet[Any]:
    """The child supervisors (儿童督导员) on the workforce roll for the township of `region_code`, still
    serving: whom a protection report in that township is assigned to (a public helper of the line)."""
    from django.contrib.auth import get_user_model

    from .models import Position

    return get_user_model().objects.filter(
        is_active=True,
        child_worker__position=Position.SUPERVISOR,
        child_worker__region_code=region_code[:9],
        child_worker__left_on__isnull=True,
    )


def guardian_name(case: CategoryCase) -> str:
    """The child's guardian as everyone reads it (case page, decision letter, the file): the child's file
    (一人一档) once there is one, it is where the guardian is kept up to date; before the file exists, the
    guardian declared at intake (which the file starts from when it is opened)."""
    from .models import ChildFile

    on_file = (
        ChildFile.objects.filter(person_id=case.child_id).values_list("guardian_name", flat=True).first()
    )
    return on_file if on_file is not None else case.guardian_name


def category_case_page(*, actor: Any, case: CategoryCase) -> dict[str, Any]:
    """What the case page shows: the parents and their evidence, the decision and its why, the actions."""
    from .workflow import CHILD

    decision = getattr(case, "decision", None)
    return {
        "case": case,
        "guardian": guardian_name(case),
        "parents": list(case.parents.all()),
        "decision": decision,
        "category_label": CHILD_LABELS.get(decision.category, "") if decision else "",
        "funding_label": FUNDING_LABELS.get(decision.funding, "") if decision else "",
        "actions": case_actions(actor=actor, case=case, workflow=CHILD),
        "history": case_history(workflow=CHILD, case=case),
        "state_label": CHILD.state_label(case.state),
    }


def payroll_by_funding(*, actor: Any, run: PayrollRun) -> list[dict[str, Any]]:
    """The child allowance of one payroll run, totalled by funding source (budget vs charity fund), in
    one aggregate query."""
    rows = (
        scoped("children.read", PayrollLine.objects.filter(run=run, programme=CODE), actor)
        .values("enrolment__tier")
        .annotate(n=Count("pk"), total=Sum("amount"))
    )
    totals: dict[str, dict[str, Any]] = {}
    for r in rows:
        key = FUNDING.get(r["enrolment__tier"], "budget")
        t = totals.setdefault(key, {"funding": key, "label": FUNDING_LABELS[key], "count": 0, "total": 0})
        t["count"] += r["n"]
        t["total"] += r["total"] or 0
    return sorted(totals.values(), key=lambda t: t["funding"])


# ---------------------------------------------------------------- monthly checks
def _beneficiaries(*, actor: Any, month: dt.date, permission: str) -> QuerySet[Enrolment]:
    return scoped(
        permission,
        Enrolment.objects.filter(programme=CODE, first_month__lte=month).exclude(last_month__lt=month),
        actor,
    )


def check_worklist(*, actor: Any, month: dt.date) -> QuerySet[Enrolment]:
    """The beneficiaries the child director checks this month, the unchecked first (one query)."""
    done = MonthlyCheck.objects.filter(person=OuterRef("person"), month=month)
    return (
        _beneficiaries(actor=actor, month=month, permission="child.monthly_check")
        .select_related("person")
        .annotate(checked=Exists(done))
        .order_by("checked", "region_code", "person__name", "pk")
    )


def check_person_get(*, actor: Any, person_id: int, month: dt.date) -> Person:
    """A beneficiary the actor checks (404 otherwise)."""
    e = check_worklist(actor=actor, month=month).filter(person_id=person_id).first()
    if e is None:
        raise Http404("没有这条记录")
    return e.person


def check_findings(*, actor: Any, month: dt.date) -> QuerySet[MonthlyCheck]:
    """The month's checks that found something (an item not ticked): what the township supervisor reviews
    with the directors (one query; the items' labels through CHECK_LABELS)."""
    from django.db.models import Q

    problem = Q()
    for k in CHECK_LABELS:
        problem |= Q(**{k: False})
    return (
        scoped("children.read", MonthlyCheck.objects.filter(month=month), actor)
        .filter(problem)
        .select_related("person", "checked_by")
        .order_by("region_code", "person__name", "pk")
    )


def finding_rows(checks: Any) -> list[dict[str, Any]]:
    """Each check with the items it did not tick, as people read them."""
    return [
        {"check": c, "missing": [v for k, v in CHECK_LABELS.items() if not getattr(c, k)]} for c in checks
    ]


def check_completion(*, actor: Any, month: dt.date) -> list[dict[str, Any]]:
    """The month's completion rate by township: beneficiaries and those checked, set-based (one grouped
    query and one for the names)."""
    done = MonthlyCheck.objects.filter(person=OuterRef("person"), month=month)
    rows = list(
        _beneficiaries(actor=actor, month=month, permission="children.read")
        .annotate(township=Substr("region_code", 1, 9))
        .values("township")
        .annotate(total=Count("pk", distinct=True), checked_n=Count("pk", filter=Exists(done), distinct=True))
        .order_by("township")
    )
    names = region_labels(r["township"] for r in rows)
    return [
        {
            "township": r["township"],
            "name": names.get(r["township"], ("", ""))[0] or "（未知乡镇）",
            "total": r["total"],
            "checked": r["checked_n"],
            "rate": round(100 * r["checked_n"] / r["total"], 1) if r["total"] else 0.0,
        }
        for r in rows
    ]


CHECK_LABELS = {f: str(getattr(MonthlyCheck._meta.get_field(f), "verbose_name", f)) for f in CHECK_ITEMS}


def child_for_intake(*, actor: Any, id_number: str) -> Person | None:
    """The child with this ID number among the people the actor may see (None when not found)."""
    from minzheng.people.selectors import person_search

    value = (id_number or "").strip().upper()
    if len(value) != 18:
        return None
    return person_search(actor=actor, q=value).first()


def intake_choices() -> dict[str, Any]:
    """The choices of the intake form: the ten situations and the declared categories (names, not codes)."""
    from .rules import SITUATIONS

    declared = {
        k: v
        for k, v in CHILD_LABELS.items()
        if k in ("hiv_affected", "key_difficult", "guardianship_lacking")
    }
    return {"situations": SITUATIONS, "declared": declared}


def decision_letter(*, actor: Any, case: CategoryCase) -> dict[str, Any] | None:
    """The decision letter's content: the issuing township government, 文号, the child (masked ID), the
    category and amount or the reason for refusal, the why, the appeal route and the seal position."""
    from minzheng.assistance.letters import cn_date, issuing_office

    decision = getattr(case, "decision", None)
    if decision is None:
        return None
    office = issuing_office(region_code=case.region_code, level="township")
    return {
        "case": case,
        "guardian": guardian_name(case),
        "decision": decision,
        "office": office,
        "decided_on": cn_date(decision.decided_on),
        "first_month": decision.enrolment.first_month if decision.enrolment else None,
        "category_label": CHILD_LABELS.get(decision.category, ""),
        "funding_label": FUNDING_LABELS.get(decision.funding, ""),
        "appeal": (
            f"如对本决定不服，可以自收到本决定书之日起60日内向{office.county_name}人民政府申请行政复议，"
            f"也可以自收到本决定书之日起6个月内向{office.county_name}人民法院提起行政诉讼"
            "（依据《中华人民共和国行政复议法》第二十条、《中华人民共和国行政诉讼法》第四十六条）。"
        ),
    }


def referrals_due(*, actor: Any) -> QuerySet[Enrolment]:
    """Child allowances that ended at 18 with no transition referral recorded yet (one query)."""
    from .models import TransitionReferral

    referred = TransitionReferral.objects.filter(enrolment=OuterRef("pk"))
    return (
        scoped(
            "child.category_intake",
            Enrolment.objects.filter(programme=CODE, last_month__isnull=False, end_reason__contains="18周岁"),
            actor,
        )
        .exclude(Exists(referred))
        .select_related("person")
        .order_by("last_month", "pk")
    )


# ---------------------------------------------------------------- one child, one file (一人一档)
FILE_KINDS = {"difficulty": "困境儿童", "left_behind": "农村留守儿童"}


def child_files(*, actor: Any, kind: str = "", q: str = "") -> QuerySet[Any]:
    """The files in the actor's region (the director's village, the supervisor's township …), one query."""
    from .models import ChildFile

    qs = scoped("child.registry_read", ChildFile.objects.select_related("person", "director"), actor)
    if kind == "difficulty":
        qs = qs.filter(in_difficulty=True)
    elif kind == "left_behind":
        qs = qs.filter(left_behind=True)
    if q.strip():
        qs = qs.filter(person__name__contains=q.strip())
    return qs.order_by("region_code", "person__name", "pk")


def unfiled_beneficiaries(*, actor: Any, month: dt.date) -> QuerySet[Enrolment]:
    """Children on this month's allowance with no file yet (every child in difficulty has one)."""
    from .models import ChildFile

    filed = ChildFile.objects.filter(person=OuterRef("person"))
    return (
        _beneficiaries(actor=actor, month=month, permission="child.registry_read")
        .exclude(Exists(filed))
        .select_related("person")
        .order_by("region_code", "person__name", "pk")
    )


def child_file_get(*, actor: Any, person_id: int, reveal_health: bool = False) -> Any:
    """One child's file in scope (404 like missing). A child's file is sensitive: every read is audited,
    and the health record is a separate, audited reveal."""
    from .models import ChildFile

    file = (
        scoped(
            "child.registry_read", ChildFile.objects.select_related("person", "guardian", "director"), actor
        )
        .filter(person_id=person_id)
        .first()
    )
    if file is None:
        raise Http404("没有这条记录")
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="children.child_file",
        target_id=file.pk,
        region_code=file.region_code,
        detail="查阅儿童健康状况" if reveal_health else "查阅儿童档案",
    )
    return file


def child_file_page(*, actor: Any, file: Any, reveal_health: bool = False) -> dict[str, Any]:
    """Everything on the file: guardian (contact masked), the latest guardianship assessment and its
    history, school, health (only when revealed), the monthly checks and other visits, support received
    (the person's enrolments, the category decisions with their funding, the parents' changes) and the
    1+1+2+N pairing; plus what the actor may do."""
    from minzheng.accounts.permissions import can

    from .models import CategoryDecision, GuardianshipResult, ParentChange
    from .rules import GUARDIANSHIP_ITEMS

    assessments = list(file.assessments.select_related("assessed_by"))
    decisions = list(
        CategoryDecision.objects.filter(case__child_id=file.person_id).order_by("-decided_on", "-pk")
    )
    return {
        "file": file,
        "child": file.person,
        "guardian_phone": file.guardian.phone_masked if file.guardian else "",
        "assessment": assessments[0] if assessments else None,
        "assessments": assessments,
        "items": GUARDIANSHIP_ITEMS,
        "results": dict(GuardianshipResult.choices),
        "checks": list(MonthlyCheck.objects.filter(person_id=file.person_id).order_by("-month")[:24]),
        "check_labels": CHECK_LABELS,
        "visits": list(file.visits.select_related("visited_by")[:50]),
        "enrolments": list(enrolments_for_person(actor=actor, person=file.person)),
        "decisions": [
            {
                "d": d,
                "category": CHILD_LABELS.get(d.category, ""),
                "funding": FUNDING_LABELS.get(d.funding, ""),
            }
            for d in decisions
        ],
        "changes": list(ParentChange.objects.filter(child_id=file.person_id)[:20]),
        "health_shown": reveal_health,
        "can_edit": can(actor, "child.file_edit", region_code=file.region_code),
    }


def file_choices() -> dict[str, Any]:
    from .models import GuardianRelation, SchoolStatus, VisitKind
    from .rules import GUARDIANSHIP_ITEMS

    return {
        "relations": GuardianRelation.choices,
        "school_statuses": SchoolStatus.choices,
        "visit_kinds": VisitKind.choices,
        "items": GUARDIANSHIP_ITEMS,
    }


def file_directors(*, file: Any) -> QuerySet[Any]:
    """The serving child directors of the file's village (the pairing's choice)."""
    from .models import ChildWorker, Position

    return ChildWorker.objects.filter(
        position=Position.DIRECTOR,
        left_on__isnull=True,
        region_code=file.region_code[:12],
    ).select_related("user")


def person_for_file(*, actor: Any, id_number: str) -> Person | None:
    """A child or guardian by ID number among the people the actor may see."""
    return child_for_intake(actor=actor, id_number=id_number)


# ---------------------------------------------------------------- re-decision
def redecisions_due(*, actor: Any, permission: str = "child.category_intake") -> QuerySet[Any]:
    """Registry-side re-decision check (the data contract carries no judicial source and no parent–child
    link): a parent the current decision records as alive whose death the people registry now holds,
    for a child still on the allowance and with no case open. One query."""
    from .models import CaseState, CategoryDecision, ParentSituation

    newer = CategoryDecision.objects.filter(
        case__child=OuterRef("case__child"), decided_on__gt=OuterRef("case__decision__decided_on")
    )
    open_case = CategoryCase.objects.filter(
        child=OuterRef("case__child"), state__in=(CaseState.SUBMITTED, CaseState.VERIFIED)
    )
    paid = Enrolment.objects.filter(person=OuterRef("case__child"), programme=CODE, last_month__isnull=True)
    return (
        scoped(
            permission,
            ParentSituation.objects.filter(
                case__decision__approved=True, parent_person__is_alive=False
            ).exclude(situation="dead"),
            actor,
            field="case__region_code",
        )
        .filter(Exists(paid))
        .exclude(Exists(newer))
        .exclude(Exists(open_case))
        .select_related("case__child", "parent_person")
        .order_by("case__region_code", "pk")
    )


def redecision_situation_get(*, actor: Any, situation_id: int) -> Any:
    s = redecisions_due(actor=actor).filter(pk=situation_id).first()
    if s is None:
        raise Http404("没有这条记录")
    return s


def parent_change_choices(*, case: CategoryCase) -> dict[str, Any]:
    from .rules import SITUATIONS

    return {"parents": list(case.parents.all()), "situations": SITUATIONS}


# ---------------------------------------------------------------- workforce and 儿童之家
ALLOWANCE_KEYS = {"supervisor": "child.supervisor_allowance", "director": "child.director_allowance"}


def workforce(*, actor: Any) -> QuerySet[Any]:
    from .models import ChildWorker

    return scoped("child.workforce", ChildWorker.objects.select_related("user"), actor).order_by(
        "position", "region_code", "pk"
    )


def worker_get(*, actor: Any, worker_id: int) -> Any:
    w = workforce(actor=actor).filter(pk=worker_id).first()
    if w is None:
        raise Http404("没有这条记录")
    return w


def worker_allowances(*, region_code: str, on: dt.date) -> dict[str, str]:
    """The monthly allowance of each position where the county has set one as policy (seed 004: only some
    counties pay one); "未设定" where no policy row exists — never a made-up figure."""
    from minzheng.policy.selectors import policy_resolve
    from minzheng.policy.specs import format_number

    ps = policy_resolve(on=on, region_code=region_code, hukou_type="rural")
    return {
        position: (f"{format_number(Decimal(ps.get(key)))}元/月" if ps.has(key) else "未设定")
        for position, key in ALLOWANCE_KEYS.items()
    }


def director_coverage(*, actor: Any) -> dict[str, Any]:
    """Villages in the actor's region without a serving child director (two queries)."""
    from minzheng.accounts.scoping import scope
    from minzheng.regions.models import Region

    from .models import ChildWorker, Position

    served = ChildWorker.objects.filter(
        position=Position.DIRECTOR, left_on__isnull=True, region_code=OuterRef("code")
    )
    villages = (
        scope(Region.objects.filter(level="village"), actor, field="code")
        if _can_workforce(actor)
        else (Region.objects.none())
    )
    total = villages.count()
    uncovered = villages.exclude(Exists(served)).order_by("code")
    return {"total": total, "uncovered": uncovered}


def _can_workforce(actor: Any) -> bool:
    from minzheng.accounts.permissions import can

    return can(actor, "child.workforce")


def children_homes(*, actor: Any) -> QuerySet[Any]:
    """The homes in the actor's region with their activity count (one query)."""
    from .models import ChildrenHome

    qs = ChildrenHome.objects.annotate(n_activities=Count("activities"))
    permission = "child.workforce" if _can_workforce(actor) else "child.file_edit"
    return scoped(permission, qs, actor).order_by("region_code", "pk")


def children_home_get(*, actor: Any, home_id: int) -> Any:
    home = children_homes(actor=actor).filter(pk=home_id).first()
    if home is None:
        raise Http404("没有这条记录")
    return home


def person_by_id_number(
    *, actor: Any, id_number: str, permission: str = "child.registry_read"
) -> Person | None:
    """A child or guardian by full ID number among the people of the actor's region (blind index)."""
    from minzheng.core import crypto

    value = (id_number or "").strip().upper()
    if len(value) != 18:
        return None
    return scoped(permission, Person.objects.all(), actor).filter(id_hash=crypto.blind_index(value)).first()


def person_in_scope(*, actor: Any, person_id: int, permission: str = "child.file_edit") -> Person:
    p = scoped(permission, Person.objects.all(), actor).filter(pk=person_id).first()
    if p is None:
        raise Http404("没有这条记录")
    return p


def worker_candidates(*, actor: Any) -> QuerySet[Any]:
    """Supervisor and director accounts in the actor's region not yet on the workforce roll."""
    from django.contrib.auth import get_user_model

    from minzheng.accounts.permissions import roles_for

    from .models import ChildWorker

    on_roll = ChildWorker.objects.filter(user=OuterRef("pk"))
    return (
        scoped(
            "child.workforce",
            get_user_model().objects.filter(
                role__in=roles_for("child.monthly_check") | roles_for("child.case_supervise")
            ),
            actor,
            field="region__code",
        )
        .exclude(Exists(on_roll))
        .filter(is_active=True, region__level__in=("township", "village"))
        .select_related("region")
        .order_by("region__code", "username")
    )


def follow_ups_due(*, actor: Any, on: dt.date) -> QuerySet[Any]:
    """Files whose latest assessment's follow-up date is on or before `on` (one query)."""
    from django.db.models import Subquery

    from .models import ChildFile, GuardianshipAssessment

    latest = GuardianshipAssessment.objects.filter(file=OuterRef("pk")).order_by("-assessed_on", "-pk")
    return (
        scoped("child.file_edit", ChildFile.objects.select_related("person"), actor)
        .annotate(follow_up=Subquery(latest.values("follow_up_on")[:1]))
        .filter(follow_up__lte=on)
        .order_by("follow_up", "pk")
    )


# ---------------------------------------------------------------- the lists as data (API and Excel)
class ChildList:
    """One of the line's lists as rows people read (names, masked IDs, labels; never codes), read under
    the same permission and scope as its page: the API pages through it, the Excel export takes it whole
    (up to EXPORT_LIMIT rows)."""

    def __init__(
        self,
        *,
        permission: str,
        title: str,
        columns: tuple[tuple[str, str], ...],
        query: Any,
        row: Any,
        region: Any = lambda x: x.region_code,
    ) -> None:
        self.permission, self.title, self.columns = permission, title, columns
        self._query, self._row, self._region = query, row, region

    def rows(
        self, *, actor: Any, on: dt.date, offset: int = 0, limit: int = 100
    ) -> tuple[int, list[dict[str, Any]]]:
        """(how many in all, the rows from offset): three queries whatever the length."""
        qs = self._query(actor, on)
        items = list(qs[offset : offset + limit])
        names = {c: n for c, (n, _f) in region_labels(self._region(x) for x in items).items()}
        return qs.count(), [self._row(x, names) for x in items]


def _place(names: dict[str, str], code: str) -> str:
    return names.get(code, "") or "未知区划"


def _file_row(f: Any, names: dict[str, str]) -> dict[str, Any]:
    kinds = [
        label
        for k, label in (("in_difficulty", "困境儿童"), ("left_behind", "农村留守儿童"))
        if getattr(f, k)
    ]
    return {
        "person_id": f.person_id,
        "name": f.person.name,
        "id_number": f.person.id_masked,
        "region": _place(names, f.region_code),
        "kinds": "、".join(kinds),
        "guardian": f.guardian_name,
        "guardian_relation": f.get_guardian_relation_display() if f.guardian_relation else "",
        "school": f.school_name,
        "director": f.director.display_name if f.director else "",
    }


def _check_row(e: Any, names: dict[str, str]) -> dict[str, Any]:
    return {
        "person_id": e.person_id,
        "name": e.person.name,
        "id_number": e.person.id_masked,
        "region": _place(names, e.region_code),
        "checked": "已核查" if e.checked else "未核查",
    }


def _worker_row(w: Any, names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": w.pk,
        "name": w.user.display_name or "（未登记姓名）",
        "position": w.get_position_display(),
        "region": _place(names, w.region_code),
        "appointed_on": w.appointed_on.isoformat(),
        "training_hours": w.training_hours,
        "serving": "离任" if w.left_on else "在任",
    }


def _home_row(h: Any, names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": h.pk,
        "name": h.name,
        "region": _place(names, h.region_code),
        "address": h.address,
        "opened_on": h.opened_on.isoformat(),
        "activities": h.n_activities,
    }


def _redecision_row(s: Any, names: dict[str, str]) -> dict[str, Any]:
    return {
        "case_id": s.case_id,
        "name": s.case.child.name,
        "id_number": s.case.child.id_masked,
        "region": _place(names, s.case.region_code),
        "parent": s.get_parent_display(),
        "recorded_situation": s.get_situation_display(),
        "death_date": s.parent_person.death_date.isoformat() if s.parent_person.death_date else "",
    }


def _columns(spec: str) -> tuple[tuple[str, str], ...]:
    """A list's columns written as "key:表头 key:表头 …" (the key of the row, what people read)."""
    return tuple((key, label) for key, _, label in (part.partition(":") for part in spec.split()))


LISTS: dict[str, ChildList] = {
    "files": ChildList(
        permission="child.registry_read",
        title="儿童档案",
        columns=_columns(
            "name:姓名 id_number:身份证号 region:村(社区) kinds:类别 "
            "guardian:监护人 guardian_relation:与儿童关系 school:学校 director:儿童主任"
        ),
        query=lambda actor, on: child_files(actor=actor),
        row=_file_row,
    ),
    "checks": ChildList(
        permission="child.monthly_check",
        title="儿童月度核查",
        columns=_columns("name:姓名 id_number:身份证号 region:村(社区) checked:本月核查"),
        query=lambda actor, on: check_worklist(actor=actor, month=on.replace(day=1)),
        row=_check_row,
    ),
    "workforce": ChildList(
        permission="child.workforce",
        title="儿童工作队伍",
        columns=_columns(
            "name:姓名 position:岗位 region:服务区划 "
            "appointed_on:聘任日期 training_hours:累计培训学时 serving:在任情况"
        ),
        query=lambda actor, on: workforce(actor=actor),
        row=_worker_row,
    ),
    "homes": ChildList(
        permission="child.file_edit",
        title="儿童之家",
        columns=_columns("name:名称 region:所在村(社区) address:地址 opened_on:建成日期 activities:活动次数"),
        query=lambda actor, on: children_homes(actor=actor),
        row=_home_row,
    ),
    "redecisions": ChildList(
        permission="children.read",
        title="父母情形变化待重新认定",
        columns=_columns(
            "name:儿童 id_number:身份证号 region:受理地 "
            "parent:父/母 recorded_situation:原认定情形 death_date:人员库死亡日期"
        ),
        query=lambda actor, on: redecisions_due(actor=actor, permission="children.read"),
        row=_redecision_row,
        region=lambda s: s.case.region_code,
    ),
}


def child_list(which: str) -> ChildList:
    found = LISTS.get(which)
    if found is None:
        raise Http404("没有这个名单")
    return found
