"""身后一件事 on `minzheng.casework`: one step after another (death certificate → cremation → hukou
cancellation notice → funeral subsidy → every benefit stopped → settlement notices), each with the same
time limit (policy key `funeral.step_days`). One clerk may carry the whole case: the family comes to one
window ("一窗受理"), so no make/check separation between the steps; the money it touches (the stop of
benefits) only ever shortens an enrolment."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from minzheng.casework.workflow import Action, Deadline, Step, Transition, Workflow, workflow_register

from .models import CASE_STATES, FuneralCase

PERMISSION = "funeral.handle"

# (step code, label, state it leaves, state it reaches, what the family brings for it)
STEPS: tuple[tuple[str, str, str, str, str], ...] = (
    ("certificate", "死亡证明", "new", "certified", "《居民死亡医学证明（推断）书》、逝者身份证、家属身份证"),
    ("cremation", "遗体接运与火化", "certified", "cremated", "死亡证明原件（交殡仪馆）"),
    ("hukou", "户口注销", "cremated", "hukou", "逝者户口簿、火化证明（交户籍派出所）"),
    ("subsidy", "丧葬补助", "hukou", "subsidised", "火化证明、骨灰盒购买凭证"),
    ("stop", "停发各项待遇", "subsidised", "stopped", "无需材料，由经办人在系统内办理"),
    ("notices", "医保与养老保险清算告知", "stopped", "closed", "清算告知书（交医保经办机构、社保经办机构）"),
)


def _url(case: Any) -> str:
    return reverse("funeral-case", args=[case.pk])


def _deadline(label: str, state: str) -> Deadline:
    return Deadline(f"{label}办理时限", "funeral.step_days", (state,))


FUNERAL = Workflow(
    code="funeral",
    label="身后一件事",
    model=FuneralCase,
    states=CASE_STATES,
    initial="new",
    steps=tuple(
        Step(code, label, separate=False, deadline=_deadline(label, frm) if frm != "new" else None)
        for code, label, frm, _to, _bring in STEPS
    ),
    transitions=tuple(Transition(frm, to, PERMISSION, step=code) for code, _l, frm, to, _b in STEPS),
    actions=tuple(Action(code, label, PERMISSION, states=(frm,)) for code, label, frm, _to, _b in STEPS),
    noun="身后一件事",
    # Not in the shared `cases_due` (scoped by region only): the line lists its own overdue steps to
    # those who hold funeral.handle, set-based.
    queryset=lambda: FuneralCase.objects.none(),
    url=_url,
    describe=lambda case: f"身后一件事#{case.pk}",
)


def register() -> None:
    workflow_register(FUNERAL)
