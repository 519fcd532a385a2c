"""A case workflow as data: its states, the steps a programme uses, who may take each transition and
action (a named permission of accounts/permissions.py), who may not act twice (经办与审核分离) and the
deadlines the regulation sets (policy keys, never figures in code). A programme registers one workflow
per programme code; the services and the one selector (`case_actions`) read nothing else."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from minzheng.accounts.permissions import roles_for

# A guard answers "" when an action is open, or the Chinese reason it is not.
Guard = Callable[[Any, Any], str]


@dataclass(frozen=True)
class Deadline:
    """A time limit the regulation sets, read from policy on the day its clock starts.

    `kind="limit"`: the case must leave `states` within the period (overdue after it);
    `kind="period"`: the step runs for the period (e.g. 公示) and the next action is due when it ends."""

    label: str
    policy_key: str
    states: tuple[str, ...]
    since: str = ""  # the state whose first entry starts the clock; "" = entry into the current state
    working_days: bool = False
    kind: str = "limit"


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    # Make/check: a person who took this step may take no step of another stage of the same case.
    separate: bool = True
    stage: str = ""  # steps sharing a stage may be taken by one person (default: the step itself)
    deadline: Deadline | None = None

    @property
    def stage_code(self) -> str:
        return self.stage or self.code


@dataclass(frozen=True)
class Transition:
    frm: str
    to: str
    permission: str
    step: str = ""  # the make/check step whose taker is recorded by this transition ("" = none)
    # Whether taking it is refused to a person who took a step of another stage (a return to 核对 after
    # a failed vote or an upheld objection is recorded as 核对 but is not a new make/check step).
    check: bool = True


@dataclass(frozen=True)
class Action:
    """Something a person does on the case page: a transition or a record within a step."""

    code: str
    label: str
    permission: str
    states: tuple[str, ...] = ()  # empty: any state
    step: str = ""  # the make/check step it takes (separation of duties); "" = none
    guard: Guard | None = None  # (actor, case) → "" or the reason it is not open
    # Whether the guard's reason is worth showing (a clerk reads why a decision is not open yet).
    explain: bool = True


@dataclass(frozen=True)
class Workflow:
    code: str  # the programme code
    label: str
    model: Any  # the model holding state, version and region_code of one case
    states: tuple[tuple[str, str], ...]  # (code, Chinese label)
    initial: str
    steps: tuple[Step, ...]
    transitions: tuple[Transition, ...]
    actions: tuple[Action, ...] = ()
    # Steps taken outside transitions (a home visit, a report, a decision record): case → {user id: steps}.
    records: Callable[[Any], dict[int, set[str]]] | None = None
    noun: str = "案件"  # what a person calls one case in messages (申请, 案件 …)
    # Which region and hukou type a case's policy is resolved for.
    policy_scope: Callable[[Any], tuple[str, str]] = field(default=lambda case: (case.region_code, ""))
    # The cases of this workflow among the model's rows (several programmes may share one model).
    queryset: Callable[[], Any] | None = None
    url: Callable[[Any], str] | None = None  # the case page
    describe: Callable[[Any], str] = field(default=str)  # how a person names one case in a list

    def __post_init__(self) -> None:
        codes = {s for s, _ in self.states}
        steps = {s.code for s in self.steps}
        if self.initial not in codes:
            raise ValueError(f"{self.code}: 初始状态未定义")
        for t in self.transitions:
            if t.frm not in codes or t.to not in codes:
                raise ValueError(f"{self.code}: 转换{t.frm}→{t.to}的状态未定义")
            if t.step and t.step not in steps:
                raise ValueError(f"{self.code}: 转换{t.frm}→{t.to}的环节未定义")
            roles_for(t.permission)  # a typo in a permission name fails at registration
        for a in self.actions:
            if a.permission:
                roles_for(a.permission)
            if a.step and a.step not in steps:
                raise ValueError(f"{self.code}: 操作{a.code}的环节未定义")
            if any(s not in codes for s in a.states):
                raise ValueError(f"{self.code}: 操作{a.code}的状态未定义")

    def state_label(self, code: str) -> str:
        return dict(self.states).get(code, code)

    def step(self, code: str) -> Step:
        for s in self.steps:
            if s.code == code:
                return s
        raise LookupError(f"{self.code}: 未定义的环节{code}")

    def transition(self, frm: str, to: str) -> Transition | None:
        return next((t for t in self.transitions if t.frm == frm and t.to == to), None)

    def deadlines(self) -> Iterable[tuple[Step, Deadline]]:
        return ((s, s.deadline) for s in self.steps if s.deadline is not None)

    @property
    def case_type(self) -> str:
        return str(self.model._meta.label_lower)


# The compact table of `workflow_table`: a step is (code, label) or (code, label, Deadline); a transition is
# (from, to, permission, step); an action is (code, label, permission, states).
StepRow = tuple[str, str] | tuple[str, str, Deadline]
TransitionRow = tuple[str, str, str, str]
ActionRow = tuple[str, str, str, tuple[str, ...]]


def workflow_table(
    *,
    code: str,
    label: str,
    model: Any,
    states: tuple[tuple[str, str], ...],
    steps: Iterable[StepRow],
    transitions: Iterable[TransitionRow],
    actions: Iterable[ActionRow],
    noun: str,
    url_name: str,
    describe: str,
    initial: str = "new",
) -> Workflow:
    """A line's workflow from a compact table, for the lines whose worker takes the steps of a case in a
    row (no make/check separation between steps) and which keep their own overdue lists (not in the
    shared `cases_due`): the case page is the URL `url_name` of the case's pk, a case is named
    "`describe`#pk" in lists."""
    from django.urls import reverse

    return Workflow(
        code=code,
        label=label,
        model=model,
        states=states,
        initial=initial,
        steps=tuple(
            Step(row[0], row[1], separate=False, deadline=row[2] if len(row) > 2 else None) for row in steps
        ),
        transitions=tuple(Transition(frm, to, perm, step=step) for frm, to, perm, step in transitions),
        actions=tuple(Action(c, lab, perm, states=st) for c, lab, perm, st in actions),
        noun=noun,
        queryset=lambda: model.objects.none(),
        url=lambda case: reverse(url_name, args=[case.pk]),
        describe=lambda case: f"{describe}#{case.pk}",
    )


_REGISTRY: dict[str, Workflow] = {}


def workflow_register(workflow: Workflow) -> Workflow:
    """Register (or replace, for a reloaded module) the workflow of one programme code."""
    _REGISTRY[workflow.code] = workflow
    return workflow


def workflow_unregister(code: str) -> None:
    _REGISTRY.pop(code, None)


def workflow_for(code: str) -> Workflow:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise LookupError(f"未登记办理流程的项目：{code}") from None


def workflows() -> list[Workflow]:
    return list(_REGISTRY.values())
