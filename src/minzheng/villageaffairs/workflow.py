"""议事协商 on `minzheng.casework`: the seed's 七步工作法 (泰安岱岳区：提、审、汇、议、督、示、档) — 提出议题,
审查议题 (the township; it may refuse the topic), 汇聚共识, 召开会议 (its decision is the outcome), 督导落实
(the township's 包村干部), 结果公示, 备案归档. Each transition goes one step forward, so no step is skipped.
Matters are the village's own: none is listed in the engine's shared `cases_due`."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from minzheng.casework.workflow import Action, Step, Transition, Workflow, workflow_register

from .models import Matter

VILLAGE = "villageaffairs.deliberate"
TOWNSHIP = "villageaffairs.deliberation_review"

STATES = (
    ("proposed", "已提出议题"),
    ("reviewed", "议题已审查"),
    ("consulted", "已汇聚共识"),
    ("decided", "已召开会议"),
    ("implemented", "已督导落实"),
    ("publicised", "结果已公示"),
    ("archived", "已备案归档"),
    ("refused", "议题未通过审查"),
)
# (action, the step's label, from, to, permission)
STEPS = (
    ("review", "审查议题", "proposed", "reviewed", TOWNSHIP),
    ("consult", "汇聚共识", "reviewed", "consulted", VILLAGE),
    ("meet", "召开会议", "consulted", "decided", VILLAGE),
    ("supervise", "督导落实", "decided", "implemented", TOWNSHIP),
    ("publicise", "结果公示", "implemented", "publicised", VILLAGE),
    ("archive", "备案归档", "publicised", "archived", VILLAGE),
)
REFUSE = ("refuse", "审查不通过", "proposed", "refused", TOWNSHIP)
# One column per step on the page, in order (提出议题 is the matter's opening).
STEP_LABELS = (("propose", "提出议题"), *((code, label) for code, label, *_ in STEPS))


def _url(matter: Any) -> str:
    return reverse("villageaffairs-matter", args=[matter.pk])


WORKFLOW = Workflow(
    code="village_deliberation",
    label="村级议事协商",
    model=Matter,
    states=STATES,
    initial="proposed",
    steps=tuple(Step(code, label, separate=False) for code, label, *_ in STEPS),
    transitions=(
        *(Transition(frm, to, perm, step=code) for code, _l, frm, to, perm in STEPS),
        Transition(REFUSE[2], REFUSE[3], REFUSE[4], step="review"),
    ),
    actions=(
        *(Action(code, label, perm, states=(frm,)) for code, label, frm, _to, perm in STEPS),
        Action(REFUSE[0], REFUSE[1], REFUSE[4], states=(REFUSE[2],)),
    ),
    noun="议事事项",
    queryset=lambda: Matter.objects.none(),
    url=_url,
    describe=lambda m: f"议事协商：{m.title}",
)

TARGETS = {code: to for code, _l, _f, to, _p in (*STEPS, REFUSE)}
STEP_OF = {code: (code if code != "refuse" else "review") for code in TARGETS}


def register() -> None:
    workflow_register(WORKFLOW)
