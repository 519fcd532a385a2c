"""Reads of the case engine. `case_actions` is the one place that decides what a person may do on a case
now (the case page shows its answer, never its own conditions); `cases_due` lists the cases whose
regulatory deadline has passed or is near, for the clerk's 待办."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.permissions import can
from minzheng.accounts.scoping import in_scope, scope
from minzheng.policy.selectors import PolicyMissing, policy_resolve

from .models import CaseEvent
from .workflow import Deadline, Workflow, workflow_for, workflows


def case_workflow(case: Any) -> Workflow:
    """The workflow a case runs on: a generic case names it, a programme's case names its programme."""
    return workflow_for(getattr(case, "workflow", "") or getattr(case, "programme", ""))


def _events(workflow: Workflow, case: Any) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(case_type=workflow.case_type, case_id=case.pk)
        .select_related("actor")
        .order_by("at", "id")
    )


def case_steps(*, workflow: Workflow, case: Any) -> dict[int, set[str]]:
    """Who took which make/check step of this case: its transitions plus the programme's own records."""
    taken: dict[int, set[str]] = {}
    rows = (
        CaseEvent.objects.filter(case_type=workflow.case_type, case_id=case.pk)
        .exclude(step="")
        .values_list("actor_id", "step")
    )
    for actor_id, step in rows:
        taken.setdefault(actor_id, set()).add(step)
    if workflow.records is not None:
        for actor_id, steps in workflow.records(case).items():
            taken.setdefault(actor_id, set()).update(steps)
    return taken


def separation_refusal(*, workflow: Workflow, step: str, taken: dict[int, set[str]], actor: Any) -> str:
    """Why `actor` may not take `step` (经办与审核分离), or "" when they may."""
    wanted = workflow.step(step)
    if not wanted.separate:
        return ""
    mine = taken.get(getattr(actor, "pk", 0) or 0, set())
    other = {
        s.code for s in workflow.steps if s.code in mine and s.separate and s.stage_code != wanted.stage_code
    }
    if not other:
        return ""
    done = "、".join(s.label for s in workflow.steps if s.code in other)
    return f"您已办理本案的“{done}”环节，不能再办理“{wanted.label}”环节（经办与审核须由不同人员办理）"


# ---------------------------------------------------------------- deadlines
def add_working_days(start: dt.date, days: int) -> dt.date:
    """`days` working days after `start`, Monday to Friday. Statutory holidays are not in the platform,
    so a deadline falls at the latest as the regulation allows, never later."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def deadline_due(*, deadline: Deadline, start: dt.date, region_code: str, hukou_type: str) -> dt.date:
    """The day a deadline falls, by the policy in force on the day its clock started (a missing figure
    is an error: no deadline is made up)."""
    policy = policy_resolve(on=start, region_code=region_code, hukou_type=hukou_type)
    try:
        days = int(policy.get(deadline.policy_key))
    except PolicyMissing as e:
        raise ValidationError(f"无法计算“{deadline.label}”：{e}") from None
    if deadline.working_days:
        return add_working_days(start, days)
    return start + dt.timedelta(days=days)


def step_due(*, workflow: Workflow, step: str, start: dt.date, case: Any) -> dt.date:
    """The end of a step's period that starts on `start` (e.g. the 公示 of a case starting today)."""
    deadline = workflow.step(step).deadline
    if deadline is None:
        raise LookupError(f"{workflow.code}: 环节{step}没有期限")
    region_code, hukou_type = workflow.policy_scope(case)
    return deadline_due(deadline=deadline, start=start, region_code=region_code, hukou_type=hukou_type)


@dataclass(frozen=True)
class DeadlineStatus:
    step: str
    label: str
    kind: str  # limit | period
    start: dt.date
    due: dt.date | None
    passed: bool  # the due day is behind us
    error: str = ""

    @property
    def overdue(self) -> bool:
        """A time limit missed (a period that has run its course is not late: its next step is due)."""
        return self.passed and self.kind == "limit"

    @property
    def message(self) -> str:
        if self.error or self.due is None:
            return self.error
        if self.kind == "period":
            if self.passed:
                return f"{self.label}已于{self.due:%Y年%m月%d日}届满，待办理下一环节"
            return f"{self.label}至{self.due:%Y年%m月%d日}"
        if self.overdue:
            return f"已超过{self.label}（应于{self.due:%Y年%m月%d日}前办结）"
        return f"{self.label}：应于{self.due:%Y年%m月%d日}前办结"


def _clock_starts(events: Iterable[CaseEvent], state: str) -> dict[str, dt.date]:
    """For each state: the day it was first entered, and ("" key) the day the current state was entered."""
    first: dict[str, dt.date] = {}
    current: dt.date | None = None
    for e in events:
        day = timezone.localdate(e.at)
        first.setdefault(e.to_state, day)
        if e.to_state == state:
            current = day
    if current is not None:
        first[""] = current
    return first


def _statuses(
    workflow: Workflow,
    case: Any,
    starts: dict[str, dt.date],
    on: dt.date,
    cache: dict[tuple[Any, ...], Any] | None = None,
) -> list[DeadlineStatus]:
    out: list[DeadlineStatus] = []
    region_code, hukou_type = workflow.policy_scope(case)
    for step, d in workflow.deadlines():
        if case.state not in d.states:
            continue
        start = starts.get(d.since)
        if start is None:
            continue
        key = (d.policy_key, d.working_days, start, region_code, hukou_type)
        try:
            if cache is not None and key in cache:
                due = cache[key]
            else:
                due = deadline_due(deadline=d, start=start, region_code=region_code, hukou_type=hukou_type)
                if cache is not None:
                    cache[key] = due
        except ValidationError as e:
            out.append(DeadlineStatus(step.code, d.label, d.kind, start, None, False, "；".join(e.messages)))
            continue
        out.append(DeadlineStatus(step.code, d.label, d.kind, start, due, on > due))
    return out


def case_deadlines(*, workflow: Workflow, case: Any, on: dt.date | None = None) -> list[DeadlineStatus]:
    """The deadlines running on this case now, each with its due day and whether it has passed."""
    return _statuses(
        workflow, case, _clock_starts(_events(workflow, case), case.state), on or timezone.localdate()
    )


# ---------------------------------------------------------------- what a person may do now
@dataclass(frozen=True)
class CaseAction:
    code: str
    label: str
    available: bool
    reason: str = ""  # why it is not open now (shown to those who hold the permission)
    step: str = ""


@dataclass(frozen=True)
class CaseActions:
    """The answer of `case_actions`: `"decide" in actions` is whether the decide control is shown."""

    actions: tuple[CaseAction, ...]
    deadlines: tuple[DeadlineStatus, ...] = ()
    codes: frozenset[str] = field(default=frozenset())

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __iter__(self) -> Any:
        return iter(sorted(self.codes))

    @property
    def overdue(self) -> bool:
        return any(d.overdue for d in self.deadlines)

    @property
    def unavailable(self) -> list[CaseAction]:
        """Actions the person holds but cannot take now, with the reason (one per action)."""
        return [a for a in self.actions if not a.available and a.reason and a.code not in self.codes]


def case_actions(
    *, actor: Any, case: Any, workflow: Workflow | None = None, on: dt.date | None = None
) -> CaseActions:
    """What `actor` may do on `case` now, by its workflow: the actions of its current state whose
    permission the actor holds in the case's region, each open or closed with the reason (a guard of the
    programme, or separation of duties), and the deadlines running on it."""
    wf = workflow or case_workflow(case)
    taken: dict[int, set[str]] | None = None
    out: list[CaseAction] = []
    for action in wf.actions:
        if action.states and case.state not in action.states:
            continue
        if action.permission and not can(actor, action.permission, region_code=case.region_code):
            continue
        if not action.permission and not in_scope(actor, case.region_code):
            continue  # an action anyone may take is still only for those who may see the case
        reason = action.guard(actor, case) if action.guard is not None else ""
        if not reason and action.step:
            if taken is None:
                taken = case_steps(workflow=wf, case=case)
            reason = separation_refusal(workflow=wf, step=action.step, taken=taken, actor=actor)
        out.append(
            CaseAction(
                code=action.code,
                label=action.label,
                available=not reason,
                reason=reason if action.explain else "",
                step=action.step,
            )
        )
    deadlines = case_deadlines(workflow=wf, case=case, on=on)
    codes = frozenset(a.code for a in out if a.available)
    return CaseActions(actions=tuple(out), deadlines=tuple(deadlines), codes=codes)


def case_history(*, workflow: Workflow, case: Any) -> list[dict[str, Any]]:
    """The case's transitions with the states' Chinese names (never `draft → submitted`)."""
    steps = {s.code: s.label for s in workflow.steps}
    return [
        {
            "at": e.at,
            "from": workflow.state_label(e.from_state),
            "to": workflow.state_label(e.to_state),
            "actor": e.actor,
            "note": e.note,
            "step": steps.get(e.step, ""),
        }
        for e in _events(workflow, case)
    ]


# ---------------------------------------------------------------- the clerk's 待办
@dataclass(frozen=True)
class DueCase:
    workflow: Workflow
    case: Any
    deadline: DeadlineStatus

    @property
    def url(self) -> str:
        return self.workflow.url(self.case) if self.workflow.url is not None else ""

    @property
    def title(self) -> str:
        return self.workflow.describe(self.case)

    @property
    def state_label(self) -> str:
        return self.workflow.state_label(self.case.state)


def cases_due(*, actor: Any, on: dt.date | None = None, within_days: int = 0) -> list[DueCase]:
    """Cases in the actor's region whose deadline has passed (or falls within `within_days`), across every
    registered workflow, most overdue first. For the home page's 待办 and the deadlines page."""
    today = on or timezone.localdate()
    cache: dict[tuple[Any, ...], Any] = {}
    out: list[DueCase] = []
    for wf in workflows():
        states = sorted({s for _, d in wf.deadlines() for s in d.states})
        if not states:
            continue
        base = wf.queryset() if wf.queryset is not None else wf.model._default_manager.all()
        cases = list(scope(base.filter(state__in=states), actor))
        if not cases:
            continue
        events: dict[int, list[CaseEvent]] = {}
        for e in CaseEvent.objects.filter(case_type=wf.case_type, case_id__in=[c.pk for c in cases]).order_by(
            "at", "id"
        ):
            events.setdefault(e.case_id, []).append(e)
        for case in cases:
            starts = _clock_starts(events.get(case.pk, []), case.state)
            for status in _statuses(wf, case, starts, today, cache):
                if status.error or (status.due and status.due <= today + dt.timedelta(days=within_days)):
                    out.append(DueCase(wf, case, status))
    # A missing figure first (it needs fixing), then the earliest deadline.
    return sorted(out, key=lambda d: (d.deadline.due or dt.date.min, d.case.pk))
