"""A stay at the rescue station on `minzheng.casework`: intake (入站), in-station care, contracted outside
care (托养), exit. The in-station limit (一般不超过10天) is the policy key `vagrant.stay_days`; a stay
placed outside the station has no in-station clock. Its overdue list is the line's own
(selectors.overdue_stays)."""

from __future__ import annotations

from minzheng.casework.workflow import Deadline, workflow_register, workflow_table

from .models import STAY_STATES, Stay

OPEN = ("in_station", "outside")
INTAKE = "vagrant.intake"

STAY = workflow_table(
    code="vagrant_stay",
    label="流浪乞讨人员救助",
    model=Stay,
    states=STAY_STATES,
    steps=(
        ("intake", "入站登记"),
        (
            "care",
            "站内救助",
            Deadline("站内救助期限", "vagrant.stay_days", ("in_station",), since="in_station"),
        ),
        ("place", "站外托养"),
        ("exit", "离站"),
    ),
    transitions=(
        ("new", "in_station", INTAKE, "intake"),
        ("in_station", "outside", INTAKE, "place"),
        ("in_station", "exited", INTAKE, "exit"),
        ("outside", "exited", INTAKE, "exit"),
    ),
    actions=(
        ("care", "登记站内救助", INTAKE, ("in_station",)),
        ("place", "安排站外托养", INTAKE, ("in_station",)),
        ("supervise", "登记托养监管走访", INTAKE, ("outside",)),
        ("tracing", "寻亲", "vagrant.tracing", OPEN),
        ("exit", "办理离站", INTAKE, OPEN),
    ),
    noun="救助记录",
    url_name="vagrants-stay",
    describe="救助记录",
)


def register() -> None:
    workflow_register(STAY)
