"""The social-assistance case flow as a casework configuration: dibao and tekun take every step
(受理 → 核对 → 民主评议 → 公示 → 审批 → 告知书, then 复查, 提级复审 and 转办); temporary assistance
(即时救助, seed 002) goes from 受理 straight to 审批. The guards read this line's own facts (the vote,
the objections, a pending second approval); `casework.case_actions` asks them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from minzheng.accounts.makecheck import is_other_person
from minzheng.accounts.permissions import can
from minzheng.casework.workflow import Action, Deadline, Step, Transition, Workflow, workflow_register

from .models import (
    Application,
    Conclusion,
    Decision,
    HomeVisit,
    Objection,
    SecondApproval,
    State,
    VillageReview,
)
from .trial import application_assess

S = State
# Declared facts stay editable until the decision (and for the county while a 提级复审 is pending).
DECLARED_EDITABLE = (S.DRAFT, S.SUBMITTED, S.VERIFYING, S.VILLAGE_REVIEW, S.PUBLIC_NOTICE)
BEFORE_DECISION = (S.SUBMITTED, S.VERIFYING, S.VILLAGE_REVIEW, S.PUBLIC_NOTICE)
AFTER_INTAKE = (S.SUBMITTED, S.VERIFYING, S.VILLAGE_REVIEW, S.PUBLIC_NOTICE, S.DECIDED, S.ACTIVE, S.CLOSED)


# ---------------------------------------------------------------- the line's facts, for the guards
def failed_vote(app: Application) -> bool:
    if app.state != S.VILLAGE_REVIEW:
        return False
    review = VillageReview.objects.filter(application=app).only("passed").first()
    return review is not None and not review.passed


def open_objections(app: Application) -> bool:
    return (
        app.state == S.PUBLIC_NOTICE
        and Objection.objects.filter(notice__application=app, upheld__isnull=True).exists()
    )


def verification_no_match(app: Application) -> bool:
    """The latest 核对 report of a case at 核对 concludes 不符合 (a re-verification is a newer report)."""
    if app.state != S.VERIFYING:
        return False
    latest = app.verifications.order_by("-created_at", "-id").first()
    return latest is not None and latest.conclusion == Conclusion.NO_MATCH


def pending_approval(app: Application) -> SecondApproval | None:
    return SecondApproval.objects.filter(application=app, confirmed_by__isnull=True).first()


def escalation_open(app: Application) -> bool:
    return app.state == S.CLOSED and app.escalations.filter(county_decision__isnull=True).exists()


def records(app: Application) -> dict[int, set[str]]:
    """The make/check steps taken outside transitions: the person who took the case in, the home visit,
    the 核对 reports, the village review, the decisions and a proposed decision awaiting its second
    approver."""
    taken: dict[int, set[str]] = {}

    def add(user_id: int | None, step: str) -> None:
        if user_id is not None:
            taken.setdefault(user_id, set()).add(step)

    add(app.created_by_id, "intake")
    add(
        HomeVisit.objects.filter(application=app).values_list("recorded_by_id", flat=True).first(),
        "verification",
    )
    for user_id in app.verifications.values_list("created_by_id", flat=True):
        add(user_id, "verification")
    add(
        VillageReview.objects.filter(application=app).values_list("recorded_by_id", flat=True).first(),
        "village_review",
    )
    for decided_by, second, level in Decision.objects.filter(application=app).values_list(
        "decided_by_id", "second_approver_id", "level"
    ):
        add(decided_by, "escalation" if level == "county" else "decision")
        add(second, "second_approval")
    for proposer in SecondApproval.objects.filter(application=app, confirmed_by__isnull=True).values_list(
        "proposed_by_id", flat=True
    ):
        add(proposer, "decision")
    return taken


# ---------------------------------------------------------------- guards: "" = open, else why not
def _decide_guard(actor: Any, app: Application) -> str:
    if pending_approval(app) is not None:
        return "已有待第二人审批的决定"
    if app.state == S.PUBLIC_NOTICE and open_objections(app):
        # No decision is offered while an objection of the notice is still open (it would be refused).
        return "公示期间有未处理的异议，请先核实处理"
    if app.state == S.VILLAGE_REVIEW and not failed_vote(app):
        return "须经民主评议和公示后才能审批"
    if app.state == S.VERIFYING and not verification_no_match(app):
        return "不适用"
    # 临时救助 above the township's multiple of the standard is the county's (the case's own trial).
    township_only = not can(actor, "assistance.decide_county", region_code=app.region_code)
    if (
        app.programme == "temporary"
        and township_only
        and application_assess(application=app).approval_level == "county"
    ):
        return "金额超过乡镇审批权限，须报县级审批"
    return ""


def _confirm_guard(actor: Any, app: Application) -> str:
    pending = pending_approval(app)
    if pending is None:
        return "没有待第二人审批的决定"
    if not is_other_person(actor, pending.proposed_by_id):
        return "第二审批人须为另一人，拟办人不能自己确认"
    return ""


def _escalate_guard(actor: Any, app: Application) -> str:
    if escalation_open(app):
        return "已有待县级复审的申请"
    if not Decision.objects.filter(application=app).exists():
        return "只有不予批准或已停保的申请可以提级复审"
    return ""


def _to_review_guard(actor: Any, app: Application) -> str:
    if not HomeVisit.objects.filter(application=app).exists():
        return "请先登记入户调查"
    if not app.verifications.exists():
        return "尚无核对报告，请先在线核对"
    if verification_no_match(app):
        return NO_MATCH_HELD
    return ""


# 《最低生活保障审核确认办法》: a 核对 that finds the family outside the conditions is told to the applicant;
# with the applicant's proof the township re-verifies. The case does not go on to 民主评议 as if it matched.
NO_MATCH_HELD = (
    "核对结论为不符合：请告知申请人；申请人提供证明材料的，可重新核对，或登记复核意见后转民主评议；"
    "也可作出不予批准决定"
)


def _disputed_review_guard(actor: Any, app: Application) -> str:
    if not verification_no_match(app):
        return "不适用"
    if not HomeVisit.objects.filter(application=app).exists():
        return "请先登记入户调查"
    return ""


def _letter_guard(actor: Any, app: Application) -> str:
    return "" if Decision.objects.filter(application=app).exists() else "尚未作出决定"


def _quiet(test: Any) -> Any:
    return lambda actor, app: "" if test(app) else "不适用"


# ---------------------------------------------------------------- the workflows
STEPS = (
    Step("intake", "受理"),
    Step("verification", "核对与入户调查"),
    # The village assistant who takes an application in also organises its 民主评议 (both collect what
    # the household and the village say): one stage.
    Step("village_review", "民主评议登记", stage="intake"),
    Step(
        "public_notice",
        "公示",
        separate=False,
        deadline=Deadline("公示期", "dibao.public_notice_days", states=(S.PUBLIC_NOTICE,), kind="period"),
    ),
    Step("decision", "审批"),
    Step("second_approval", "第二人审批"),
    Step("letters", "告知书", separate=False),
    Step("review", "复查", separate=False),
    Step("escalation", "提级复审"),
    Step("referral", "转办", separate=False),
)

COMMON_ACTIONS = (
    Action("upload", "上传申请材料", "assistance.intake"),
    Action("authorise", "登记核对授权书", "assistance.intake", states=(S.DRAFT,)),
    Action("submit", "提交受理", "assistance.intake", states=(S.DRAFT,), step="intake"),
    Action("edit_declared", "更正申报信息", "assistance.intake", states=DECLARED_EDITABLE),
    Action(
        "edit_declared",
        "更正申报信息（提级复审）",
        "assistance.escalation_decide",
        states=(S.CLOSED,),
        guard=_quiet(escalation_open),
        explain=False,
    ),
    Action(
        "confirm",
        "第二人审批",
        "assistance.decide",
        step="second_approval",
        guard=_confirm_guard,
        explain=False,
    ),
    Action(
        "letter", "打印告知书", "", states=(S.DECIDED, S.ACTIVE, S.CLOSED), guard=_letter_guard, explain=False
    ),
    Action(
        "escalate",
        "申请提级复审（县级）",
        "assistance.escalation_request",
        states=(S.CLOSED,),
        guard=_escalate_guard,
    ),
    Action("refer", "跟踪转介", "assistance.refer", states=AFTER_INTAKE),
)

FULL_ACTIONS = (
    *COMMON_ACTIONS,
    Action(
        "verify", "开始家庭经济状况核对", "assistance.process", states=(S.SUBMITTED,), step="verification"
    ),
    Action("verification_run", "在线核对", "assistance.process", states=(S.VERIFYING, S.VILLAGE_REVIEW)),
    Action("home_visit", "入户调查", "assistance.intake", states=(S.VERIFYING,), step="verification"),
    Action(
        "to_review",
        "转民主评议",
        "assistance.process",
        states=(S.VERIFYING,),
        step="verification",
        guard=_to_review_guard,
    ),
    Action(
        "to_review_disputed",
        "登记复核意见后转民主评议",
        "assistance.process",
        states=(S.VERIFYING,),
        step="verification",
        guard=_disputed_review_guard,
        explain=False,
    ),
    Action(
        "village_review",
        "民主评议与公示",
        "assistance.intake",
        states=(S.VILLAGE_REVIEW,),
        step="village_review",
    ),
    Action(
        "return_to_verification",
        "退回核对",
        "assistance.process",
        states=(S.VILLAGE_REVIEW,),
        guard=_quiet(failed_vote),
        explain=False,
    ),
    Action("objection", "登记公示异议", "assistance.intake", states=(S.PUBLIC_NOTICE,)),
    Action(
        "resolve_objection",
        "公示异议处理",
        "assistance.objection_resolve",
        states=(S.PUBLIC_NOTICE,),
        guard=_quiet(open_objections),
        explain=False,
    ),
    Action(
        "decide",
        "审批",
        "assistance.decide",
        states=(S.PUBLIC_NOTICE, S.VILLAGE_REVIEW),
        step="decision",
        guard=_decide_guard,
        explain=True,
    ),
    Action(
        "decide_no_match",
        "不予批准（核对结论不符合）",
        "assistance.decide",
        states=(S.VERIFYING,),
        step="decision",
        guard=_decide_guard,
        explain=False,
    ),
)

TEMPORARY_ACTIONS = (
    *COMMON_ACTIONS,
    Action(
        "decide", "审批", "assistance.decide", states=(S.SUBMITTED,), step="decision", guard=_decide_guard
    ),
)

AFTER_DECISION = (
    Transition(S.DECIDED, S.ACTIVE, "assistance.decide"),
    Transition(S.DECIDED, S.CLOSED, "assistance.decide"),
    Transition(S.CLOSED, S.ACTIVE, "assistance.escalation_decide"),  # 提级复审 reverses a refusal or stop
    Transition(S.ACTIVE, S.CLOSED, "assistance.decide"),  # 复查 stops, the benefit ends, or death
)
FULL_TRANSITIONS = (
    Transition(S.DRAFT, S.SUBMITTED, "assistance.intake", step="intake"),
    Transition(S.SUBMITTED, S.VERIFYING, "assistance.process", step="verification"),
    Transition(S.VERIFYING, S.VILLAGE_REVIEW, "assistance.process", step="verification"),
    Transition(S.VILLAGE_REVIEW, S.PUBLIC_NOTICE, "assistance.intake", step="village_review"),
    # A failed vote or an upheld objection goes back to 核对 (recorded as such, not a new check).
    Transition(S.VILLAGE_REVIEW, S.VERIFYING, "assistance.process", step="verification", check=False),
    Transition(
        S.PUBLIC_NOTICE, S.VERIFYING, "assistance.objection_resolve", step="verification", check=False
    ),
    Transition(S.VERIFYING, S.DECIDED, "assistance.decide"),  # 核对 不符合 → refusal
    Transition(S.VILLAGE_REVIEW, S.DECIDED, "assistance.decide"),  # failed vote → refusal
    Transition(S.PUBLIC_NOTICE, S.DECIDED, "assistance.decide"),
    *AFTER_DECISION,
)
TEMPORARY_TRANSITIONS = (
    Transition(S.DRAFT, S.SUBMITTED, "assistance.intake", step="intake"),
    Transition(S.SUBMITTED, S.DECIDED, "assistance.decide"),
    *AFTER_DECISION,
)


def _scope(app: Application) -> tuple[str, str]:
    return app.region_code, app.hukou_type


def _describe(app: Application) -> str:
    return f"{app.get_programme_display()}申请#{app.pk} {app.applicant.name}"


def _url(app: Application) -> str:
    return reverse("application-detail", args=[app.pk])


def _limit(key: str) -> Deadline:
    return Deadline(
        "审核确认时限", key, states=BEFORE_DECISION, since=S.SUBMITTED, working_days=True, kind="limit"
    )


def _workflow(
    code: str, label: str, transitions: Any, actions: Any, *, limit: str = "", skip: tuple[str, ...] = ()
) -> Workflow:
    """One programme's workflow: the steps it uses (all but `skip`) and its regulatory time limit."""
    steps = tuple(
        Step(
            s.code,
            s.label,
            s.separate,
            s.stage,
            _limit(limit) if limit and s.code == "decision" else s.deadline,
        )
        for s in STEPS
        if s.code not in skip
    )
    return Workflow(
        code=code,
        label=label,
        model=Application,
        states=tuple(S.choices),
        initial=S.DRAFT,
        steps=steps,
        transitions=transitions,
        actions=actions,
        records=records,
        noun="申请",
        policy_scope=_scope,
        queryset=lambda: Application.objects.filter(programme=code).select_related("applicant"),
        url=_url,
        describe=_describe,
    )


DIBAO = workflow_register(
    _workflow("dibao", "低保", FULL_TRANSITIONS, FULL_ACTIONS, limit="dibao.case_working_days")
)
TEKUN = workflow_register(
    _workflow("tekun", "特困", FULL_TRANSITIONS, FULL_ACTIONS, limit="tekun.case_working_days")
)
TEMPORARY = workflow_register(
    _workflow(
        "temporary",
        "临时救助",
        TEMPORARY_TRANSITIONS,
        TEMPORARY_ACTIONS,
        skip=("village_review", "public_notice"),
    )
)


def application_workflow(application: Application) -> Workflow:
    return {"dibao": DIBAO, "tekun": TEKUN, "temporary": TEMPORARY}[application.programme]
