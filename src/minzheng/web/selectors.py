"""The 首页 of each role: its to-do counts and the first few items of each list, read-only and region-scoped.

Each to-do is one count query and one short list query over the existing models; what a role sees is the
table `HOME_TODOS` (role → to-dos), so the page is a worklist, not the same two counts for everyone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Cast, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from minzheng.accounts.models import Role, User
from minzheng.accounts.permissions import can
from minzheng.accounts.scoping import actor_prefix, scope
from minzheng.assistance import selectors as assistance
from minzheng.assistance.models import Application, Objection, State
from minzheng.audit.models import AuditEvent, AuditLog
from minzheng.audit.selectors import BEIJING
from minzheng.benefits.models import PayrollRun, PayrollStatus
from minzheng.benefits.selectors import payroll_runs_for_actor
from minzheng.casework.workflow import workflows
from minzheng.core.dates import local_day
from minzheng.core.todos import Item, Todo
from minzheng.monitoring.models import WorkStatus
from minzheng.monitoring.selectors import alert_worklist
from minzheng.people.selectors import transfer_requests_to_verify, unidentified_search
from minzheng.programmes.registry import line_todos
from minzheng.regions.models import Region

LIST_LENGTH = 5


def _url(name: str, *args: Any, **query: str) -> str:
    base = reverse(name, args=args)
    return f"{base}?{urlencode(query)}" if query else base


def _app_items(qs: QuerySet[Application], note: Callable[[Application], str] | None = None) -> list[Item]:
    return [
        Item(
            label=f"{app.applicant.name} · {app.get_programme_display()}",
            url=reverse("application-detail", args=[app.pk]),
            note=note(app) if note else app.get_state_display(),
        )
        for app in qs.select_related("applicant")[:LIST_LENGTH]
    ]


def _offering(action: str, state: str) -> list[str]:
    """The programmes whose case workflow offers `action` in `state` (临时救助 is decided straight after
    受理; dibao and tekun go to 核对 first): the to-do cards follow the workflows, not programme names."""
    return [wf.code for wf in workflows() if any(a.code == action and state in a.states for a in wf.actions)]


def _applications(
    actor: Any, key: str, title: Any, *states: str, programmes: list[str] | None = None
) -> Todo:
    qs = scope(Application.objects.filter(state__in=states), actor).order_by("-created_at")
    if programmes is not None:
        qs = qs.filter(programme__in=programmes)
    return Todo(
        key=key,
        title=str(title),
        count=qs.count(),
        url=_url("assistance-worklist", state=states[0]),
        items=_app_items(qs),
    )


def _drafts(actor: Any, on: dt.date) -> Todo:
    return _applications(actor, "drafts", _("草稿（待签授权书、提交受理）"), State.DRAFT)


def _village_review(actor: Any, on: dt.date) -> Todo:
    return _applications(actor, "village_review", _("民主评议"), State.VILLAGE_REVIEW)


def _public_notice(actor: Any, on: dt.date) -> Todo:
    return _applications(actor, "public_notice", _("公示中"), State.PUBLIC_NOTICE)


def _submitted(actor: Any, on: dt.date) -> Todo:
    verify = _offering("verify", State.SUBMITTED)
    return _applications(actor, "submitted", _("已受理，待开始核对"), State.SUBMITTED, programmes=verify)


def _submitted_to_decide(actor: Any, on: dt.date) -> Todo:
    decide = _offering("decide", State.SUBMITTED)
    return _applications(
        actor, "submitted_to_decide", _("已受理，待审批"), State.SUBMITTED, programmes=decide
    )


def _temporary_for_county(actor: Any, on: dt.date) -> Todo:
    """临时救助 above the township's authority come to the county: the county officer sees every one taken
    in and not yet decided in the county (the case page says which need the county)."""
    return _applications(
        actor,
        "temporary_county",
        _("临时救助已受理，待审批（含超过乡镇权限的）"),
        State.SUBMITTED,
        programmes=["temporary"],
    )


def _merges(actor: Any, on: dt.date) -> Todo:
    qs = unidentified_search(actor=actor, status="pending")
    return Todo(
        key="merges",
        title=str(_("身份合并待复核")),
        count=qs.count(),
        url=_url("unidentified-list", status="pending"),
        items=[
            Item(
                label=f"{r.person.temp_number} · {r.person.name or _('姓名不详')}",
                url=reverse("unidentified-merge-decide", args=[r.person_id]),
                note=str(_("申请于 %(date)s")) % {"date": f"{local_day(r.merge_requested_at):%Y-%m-%d}"}
                if r.merge_requested_at
                else "",
            )
            for r in qs[:LIST_LENGTH]
        ],
    )


def _verifying(actor: Any, on: dt.date) -> Todo:
    return _applications(actor, "verifying", _("核对中"), State.VERIFYING)


def _notice_ended(actor: Any, on: dt.date) -> Todo:
    # 公示 runs 7 days (seed 003): once its last day has passed the case is ready for a decision.
    qs = scope(
        Application.objects.filter(state=State.PUBLIC_NOTICE, public_notice__end_date__lt=on), actor
    ).order_by("public_notice__end_date")
    return Todo(
        key="to_decide",
        title=str(_("公示期满，待审批")),
        count=qs.count(),
        url=_url("assistance-worklist", state=State.PUBLIC_NOTICE),
        items=_app_items(
            qs.select_related("public_notice"),
            lambda a: str(_("公示至 %(date)s")) % {"date": f"{a.public_notice.end_date:%Y-%m-%d}"},
        ),
    )


def _objections(actor: Any, on: dt.date) -> Todo:
    qs = scope(
        Objection.objects.filter(upheld__isnull=True, resolution=""),
        actor,
        field="notice__application__region_code",
    ).order_by("received_on", "id")
    items = [
        Item(
            label=f"{o.notice.application.applicant.name} · {o.notice.application.get_programme_display()}",
            url=reverse("application-detail", args=[o.notice.application_id]),
            note=str(_("收到 %(date)s")) % {"date": f"{o.received_on:%Y-%m-%d}"},
        )
        for o in qs.select_related("notice__application__applicant")[:LIST_LENGTH]
    ]
    return Todo(
        key="objections",
        title=str(_("公示异议待核实")),
        count=qs.count(),
        url=_url("assistance-worklist", state=State.PUBLIC_NOTICE),
        items=items,
    )


def _reviews(actor: Any, on: dt.date) -> Todo:
    qs = assistance.reviews_due(actor=actor, on=on).order_by("due_date", "id")
    items = [
        Item(
            label=f"{r.enrolment.person.name} · {r.enrolment.get_programme_display()}",
            url=reverse("reviews"),
            note=str(_("应于 %(date)s 核查")) % {"date": f"{r.due_date:%Y-%m-%d}"},
        )
        for r in qs.select_related("enrolment__person")[:LIST_LENGTH]
    ]
    return Todo(
        key="reviews", title=str(_("到期待核查")), count=qs.count(), url=reverse("reviews"), items=items
    )


def _escalations(actor: Any, on: dt.date) -> Todo:
    qs = assistance.escalations_pending(actor=actor).order_by("requested_at", "id")
    items = [
        Item(
            label=f"{e.application.applicant.name} · {e.application.get_programme_display()}",
            url=reverse("application-detail", args=[e.application_id]),
            note=str(_("申请于 %(date)s")) % {"date": f"{local_day(e.requested_at):%Y-%m-%d}"},
        )
        for e in qs.select_related("application__applicant")[:LIST_LENGTH]
    ]
    return Todo(
        key="escalations",
        title=str(_("提级复审待县级决定")),
        count=qs.count(),
        url=reverse("reviews"),
        items=items,
    )


def _transfers(actor: Any, on: dt.date) -> Todo:
    qs = transfer_requests_to_verify(actor=actor)
    return Todo(
        key="transfers",
        title=str(_("迁入（转移）申请待核实")),
        count=qs.count(),
        url=reverse("home"),
        items=[
            Item(
                label=f"{t.name} · {t.id_masked}",
                url=reverse("home"),
                note=str(_("迁入 %(place)s")) % {"place": t.to_region.full_name},
            )
            for t in qs[:LIST_LENGTH]
        ],
    )


def _alerts(actor: Any, on: dt.date) -> Todo:
    qs = alert_worklist(actor=actor, status=WorkStatus.OPEN)
    items = [
        Item(
            # People know a person by name; the masked number only where the registry has no person.
            label=f"{a.rule_name or a.rule} · {a.person.name if a.person else a.id_masked}",
            url=reverse("alert-worklist"),
            note=a.severity_label,
        )
        for a in qs.select_related("person")[:LIST_LENGTH]
    ]
    return Todo(
        key="alerts",
        title=str(_("动态监测预警待处理")),
        count=qs.count(),
        url=_url("alert-worklist", status=WorkStatus.OPEN),
        items=items,
    )


def _alerts_by_county(actor: Any, on: dt.date) -> Todo:
    rows = list(
        alert_worklist(actor=actor, status=WorkStatus.OPEN)
        .order_by()
        .annotate(county=Substr("region_code", 1, 6))
        .values("county")
        .annotate(n=Count("id"))
        .order_by("-n", "county")
    )
    names = dict(Region.objects.filter(code__in=[r["county"] for r in rows]).values_list("code", "name"))
    return Todo(
        key="alerts_by_county",
        title=str(_("各县(市、区)待处理预警")),
        count=sum(r["n"] for r in rows),
        url=_url("alert-worklist", status=WorkStatus.OPEN),
        items=[
            Item(label=names.get(r["county"], r["county"]), url=reverse("alert-worklist"), note=str(r["n"]))
            for r in rows
        ],
    )


def _run_items(runs: list[PayrollRun]) -> list[Item]:
    return [
        Item(
            label=f"{run.month:%Y-%m} · {run.get_status_display()}",
            url=reverse("payroll-detail", args=[run.pk]),
            note=str(_("%(n)s笔 %(total)s元")) % {"n": run.line_count, "total": run.total_amount},
        )
        for run in runs
    ]


def _payroll_to_check(actor: Any, on: dt.date) -> Todo:
    # Make-and-check: a draft roll is checked (frozen) by someone other than the one who generated it.
    qs = payroll_runs_for_actor(actor=actor).filter(status=PayrollStatus.DRAFT).exclude(generated_by=actor)
    return Todo(
        key="payroll_check",
        title=str(_("发放名册待审核冻结")),
        count=qs.count(),
        url=reverse("payroll-list"),
        items=_run_items(list(qs[:LIST_LENGTH])),
    )


def _payroll_to_generate(actor: Any, on: dt.date) -> Todo:
    month = on.replace(day=1)
    has_run = payroll_runs_for_actor(actor=actor).filter(month=month).exists()
    prefix = actor_prefix(actor) or ""
    missing = 0 if has_run or len(prefix) < 6 else 1
    return Todo(
        key="payroll_generate",
        title=str(_("本月发放名册待生成")),
        count=missing,
        url=reverse("payroll-list"),
        items=[Item(label=f"{month:%Y-%m}", url=reverse("payroll-list"), note=str(_("尚未生成")))]
        if missing
        else [],
    )


def _bank_files(actor: Any, on: dt.date) -> Todo:
    taken = AuditLog.objects.filter(
        event_type=AuditEvent.EXPORT,
        target_type="payroll.bank_file",
        target_id=Cast(OuterRef("pk"), output_field=AuditLog._meta.get_field("target_id")),
    )
    qs = (
        payroll_runs_for_actor(actor=actor)
        .filter(status=PayrollStatus.FROZEN)
        .annotate(taken=Exists(taken))
        .filter(taken=False)
    )
    return Todo(
        key="bank_files",
        title=str(_("已冻结名册待生成银行代发文件")),
        count=qs.count(),
        url=reverse("payroll-list"),
        items=_run_items(list(qs[:LIST_LENGTH])),
    )


def _policy_proposals(actor: Any, on: dt.date) -> Todo:
    """Policy changes waiting for a second city officer (make-and-check): proposed by someone else."""
    from minzheng.policy.models import ParameterStatus, PolicyParameter

    url = reverse("policy-parameters")
    qs = PolicyParameter.objects.filter(status=ParameterStatus.PROPOSED).exclude(created_by=actor)
    title = _("政策参数调整待复核")
    return Todo(
        key="policy",
        title=str(title),
        count=qs.count(),
        url=url,
        items=[
            Item(
                label=p.label or p.key,
                url=url,
                note=f"{p.value.normalize():f}{p.unit} · {p.effective_from:%Y-%m-%d}",
            )
            for p in qs.order_by("-created_at")[:LIST_LENGTH]
        ],
    )


def _audit(event: str, key: str, title: Any) -> Callable[[Any, dt.date], Todo]:
    def todo(actor: Any, on: dt.date) -> Todo:
        qs = audit_log_list(actor=actor, event_type=event).filter(
            created_at__date__gte=on - dt.timedelta(days=7)
        )
        return Todo(
            key=key,
            title=str(title),
            count=qs.count(),
            url=_url("audit-log", event=event),
            items=[
                Item(
                    label=f"{audit_actor_label(e)} · {e.detail or e.target_type}",
                    url=_url("audit-log", event=event),
                    note=f"{timezone.localtime(e.created_at):%m-%d %H:%M}",  # Beijing time
                )
                for e in qs[:LIST_LENGTH]
            ],
        )

    return todo


def _users(actor: Any, on: dt.date) -> Todo:
    qs = scope(User.objects.filter(is_active=True), actor, field="region__code")
    by_role = dict(qs.order_by().values_list("role").annotate(n=Count("id")))
    return Todo(
        key="users",
        title=str(_("在用账号")),
        count=sum(by_role.values()),
        url=reverse("user-list"),
        items=[
            Item(label=str(label), url=reverse("user-list"), note=str(by_role.get(value, 0)))
            for value, label in Role.choices
        ],
    )


# Each card with the permission that shows it (who gets which card is the matrix's, not a role list here).
HOME_TODOS: tuple[tuple[str, Callable[[Any, dt.date], Todo]], ...] = (
    ("todo.drafts", _drafts),
    ("todo.village_review", _village_review),
    ("todo.public_notice", _public_notice),
    ("todo.submitted", _submitted),
    ("todo.verifying", _verifying),
    ("todo.to_decide", _notice_ended),
    ("todo.to_decide", _submitted_to_decide),
    ("todo.temporary_county", _temporary_for_county),
    ("people.merge_approve", _merges),
    ("todo.reviews", _reviews),
    ("todo.alerts", _alerts),
    ("todo.objections", _objections),
    ("todo.transfers", _transfers),
    ("todo.escalations", _escalations),
    ("todo.payroll_generate", _payroll_to_generate),
    ("todo.payroll_check", _payroll_to_check),
    ("todo.bank_files", _bank_files),
    ("todo.policy", _policy_proposals),
    ("todo.alerts_by_county", _alerts_by_county),
    ("audit.read", _audit(AuditEvent.DENIED, "denials", _("近7天被拒绝的操作"))),
    ("audit.read", _audit(AuditEvent.REVEAL, "reveals", _("近7天查看完整信息"))),
    ("audit.read", _audit(AuditEvent.EXPORT, "exports", _("近7天数据导出"))),
    ("users.manage", _users),
)


def home_todos(*, actor: Any, on: dt.date) -> list[Todo]:
    """The actor's to-dos on `on`; nothing for an actor without a region or role (fails closed)."""
    if actor_prefix(actor) is None:
        return []
    table = (*HOME_TODOS, *line_todos())
    return [todo(actor, on) for permission, todo in table if can(actor, permission)]


# ----------------------------------------------------------------------------- the audit log page
# Read here, above accounts, so that audit (which accounts writes to) does not import permissions.
def audit_log_list(
    *,
    actor: Any,
    event_type: str = "",
    target: str = "",
    user: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditLog]:
    """The auditor reads the log of the subtree (permission audit.read); the system admin may not read it.
    Dates are calendar days in Beijing time, both ends included."""
    prefix = actor_prefix(actor)
    if prefix is None or not can(actor, "audit.read"):
        return AuditLog.objects.none()
    qs = AuditLog.objects.filter(actor_region__startswith=prefix) | AuditLog.objects.filter(
        region_code__startswith=prefix
    )
    if event_type:
        qs = qs.filter(event_type=event_type)
    if target:
        qs = qs.filter(target_id=target)
    if user:
        qs = qs.filter(actor_name=user)
    if date_from:
        qs = qs.filter(created_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=BEIJING))
    if date_to:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=BEIJING)
        qs = qs.filter(created_at__lt=end)
    return qs.select_related("actor").order_by("-seq")  # the actor's name in the same query


AUDIT_OUTCOMES = {
    "ok": _("成功"),
    "denied": _("拒绝"),
    "failed": _("失败"),
    "locked": _("已锁定"),
    "queued": _("已排队"),
    "rejected": _("退回"),
    "skipped": _("跳过"),
    "": _("—"),
}


def audit_actor_label(entry: AuditLog) -> str:
    """Who acted, as people read it: the account holder's name (姓名（角色）); the account name only when
    the row names no account holder (a failed login's typed name), the system for rows without either."""
    user = entry.actor
    if user is not None and user.display_name:
        return f"{user.display_name}（{user.get_role_display()}）"
    return entry.actor_name or str(_("系统"))


def audit_outcome_label(code: str) -> str:
    return str(AUDIT_OUTCOMES.get(code, code))
