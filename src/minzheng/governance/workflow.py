"""网格事件 on `minzheng.casework`: a grid worker reports, the township office it is routed to accepts,
handles (records the result) and closes it. One office carries the whole incident, so no make/check
separation. The time limit depends on the category (a policy key per category), so the incident keeps its
own due day and the line lists its own overdue incidents, set-based."""

from __future__ import annotations

from django.urls import reverse

from minzheng.casework.workflow import Action, Step, Transition, Workflow, workflow_register

from .models import INCIDENT_STATES, Incident

HANDLE = "grid.incident_handle"
REPORT = "grid.incident_report"

# (step, label, from, to)
STEPS = (
    ("accept", "受理", "reported", "accepted"),
    ("handle", "办理", "accepted", "handled"),
    ("close", "办结", "handled", "closed"),
)

INCIDENT = Workflow(
    code="grid_incident",
    label="网格事件",
    model=Incident,
    states=INCIDENT_STATES,
    initial="reported",
    steps=tuple(Step(code, label, separate=False) for code, label, _f, _t in STEPS),
    transitions=tuple(Transition(frm, to, HANDLE, step=code) for code, _l, frm, to in STEPS),
    actions=tuple(Action(code, label, HANDLE, states=(frm,)) for code, label, frm, _t in STEPS),
    noun="网格事件",
    queryset=lambda: Incident.objects.none(),
    url=lambda case: reverse("governance-incident", args=[case.pk]),
    describe=lambda case: f"网格事件#{case.pk}",
)


def register() -> None:
    workflow_register(INCIDENT)


def state_label(code: str) -> str:
    return INCIDENT.state_label(code)
