"""A stay at the rescue station on `minzheng.casework`: intake (入站), in-station care, contracted outside
care (托养), exit. The in-station limit (一般不超过10天) is the policy key `vagrant.stay_days`; a stay
placed outside the station has no in-station clock."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from minzheng.casework.workflow import Action, Deadline, Step, Transition, Workflow, workflow_register

from .models import STAY_STATES, Stay

OPEN = ("in_station", "outside")


def _url(stay: Any) -> str:
    return reverse("vagrants-stay", args=[stay.pk])


STAY = Workflow(
    code="vagrant_stay",
    label="流浪乞讨人员救助",
    model=Stay,
    states=STAY_STATES,
    initial="new",
    steps=(
        Step("intake", "入站登记", separate=False),
        Step(
            "care",
            "站内救助",
            separate=False,
            deadline=Deadline("站内救助期限", "vagrant.stay_days", ("in_station",), since="in_station"),
        ),
        Step("place", "站外托养", separate=False),
        Step("exit", "离站", separate=False),
    ),
    transitions=(
        Transition("new", "in_station", "vagrant.intake", step="intake"),
        Transition("in_station", "outside", "vagrant.intake", step="place"),
        Transition("in_station", "exited", "vagrant.intake", step="exit"),
        Transition("outside", "exited", "vagrant.intake", step="exit"),
    ),
    actions=(
        Action("care", "登记站内救助", "vagrant.intake", states=("in_station",)),
        Action("place", "安排站外托养", "vagrant.intake", states=("in_station",)),
        Action("supervise", "登记托养监管走访", "vagrant.intake", states=("outside",)),
        Action("tracing", "寻亲", "vagrant.tracing", states=OPEN),
        Action("exit", "办理离站", "vagrant.intake", states=OPEN),
    ),
    noun="救助记录",
    queryset=lambda: Stay.objects.none(),  # its overdue list is the line's own (selectors.overdue_stays)
    url=_url,
    describe=lambda stay: f"救助记录#{stay.pk}",
)


def register() -> None:
    workflow_register(STAY)
