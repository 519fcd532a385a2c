"""The one permission matrix: named permissions → roles. Services, views and the API ask `require()` (or
`can()` for showing a control); nothing else compares role strings. A refusal raises `Denied` (a
ValidationError, so desk views show its Chinese message) and is written to the audit log as DENIED after
the refused transaction has rolled back (see `flush_denials`)."""

from __future__ import annotations

import threading
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection

from .models import Role
from .scoping import actor_prefix, in_scope

R = Role
# Each permission: the roles that hold it. Keep names `<object>.<action>`; add a row, never a literal.
PERMISSIONS: dict[str, frozenset[str]] = {
    # 社会救助 case work
    "assistance.intake": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK}),
    "people.transfer": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK}),
    "assistance.process": frozenset({R.TOWNSHIP_CLERK}),
    "assistance.decide": frozenset({R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    "assistance.escalation_decide": frozenset({R.COUNTY_OFFICER}),
    "assistance.escalation_request": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER}),
    "assistance.objection_resolve": frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    "assistance.decide_county": frozenset({R.COUNTY_OFFICER}),
    "assistance.refer": frozenset(
        {R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}
    ),
    "assistance.review_open": frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    # 核对 report (deposits, pensions): the case's township roles and above, never the village
    "verification.read": frozenset(
        {R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER, R.CITY_OFFICER, R.AUDITOR}
    ),
    # 资金: make (generate) and check (freeze) are different people; only finance takes the bank file
    "payroll.view": frozenset({R.COUNTY_OFFICER, R.COUNTY_FINANCE, R.CITY_OFFICER, R.AUDITOR}),
    "payroll.generate": frozenset({R.COUNTY_OFFICER}),
    "payroll.freeze": frozenset({R.COUNTY_OFFICER, R.COUNTY_FINANCE}),
    "payroll.adjust": frozenset({R.COUNTY_OFFICER}),
    "payroll.bank_file": frozenset({R.COUNTY_FINANCE}),
    "payroll.adjust_approve": frozenset({R.COUNTY_OFFICER, R.COUNTY_FINANCE}),
    "payee.set": frozenset({R.TOWNSHIP_CLERK, R.COUNTY_OFFICER}),
    "payee.approve": frozenset({R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    # 政策参数: one city officer proposes, another approves
    "policy.propose": frozenset({R.CITY_OFFICER}),
    "policy.approve": frozenset({R.CITY_OFFICER}),
    # 数据交换 snapshots
    "exchange.import": frozenset({R.CITY_OFFICER}),
    # 审计日志
    "audit.read": frozenset({R.AUDITOR}),
    # 用户管理 (the admin never reads or changes the audit log)
    "users.manage": frozenset({R.SYSADMIN}),
}

# What a person reads for each permission (audit rows, the auditor's home, refusals).
LABELS: dict[str, str] = {
    "assistance.intake": "救助申请受理",
    "people.transfer": "迁入（转移）申请",
    "assistance.process": "救助申请经办（核对、入户调查）",
    "assistance.decide": "救助审批",
    "assistance.escalation_decide": "提级复审决定",
    "assistance.escalation_request": "申请提级复审",
    "assistance.objection_resolve": "公示异议处理",
    "assistance.decide_county": "县级审批（超过乡镇审批权限的救助）",
    "assistance.refer": "跟踪转介",
    "assistance.review_open": "发起定期核查",
    "verification.read": "查看核对报告",
    "payroll.view": "查看发放名册",
    "payroll.generate": "生成发放名册",
    "payroll.freeze": "审核冻结发放名册",
    "payroll.adjust": "发放更正",
    "payroll.bank_file": "下载银行代发文件",
    "payroll.adjust_approve": "复核发放更正",
    "payee.set": "登记收款账户",
    "payee.approve": "复核他人名下收款账户",
    "policy.propose": "提出政策参数调整",
    "policy.approve": "复核政策参数调整",
    "exchange.import": "导入数据交换快照",
    "audit.read": "查阅审计日志",
    "users.manage": "管理用户与令牌",
}

_pending = threading.local()


class Denied(ValidationError):
    """A refusal by the matrix or by region scope; carries what the audit row needs."""

    def __init__(self, message: str, *, permission: str, region_code: str, target: str) -> None:
        super().__init__(message)
        self.permission = permission
        self.region_code = region_code
        self.target = target


def roles_for(permission: str) -> frozenset[str]:
    try:
        return PERMISSIONS[permission]
    except KeyError:  # a typo must not silently grant or deny
        raise LookupError(f"未定义的权限：{permission}") from None


def can(actor: Any, permission: str, *, region_code: str | None = None) -> bool:
    """Whether `actor` holds `permission` (and, given a region, has it in scope). No audit: for showing."""
    roles = roles_for(permission)
    if actor_prefix(actor) is None or getattr(actor, "role", "") not in roles:
        return False
    return region_code is None or in_scope(actor, region_code)


def require(actor: Any, permission: str, *, region_code: str | None = None, target: str = "") -> None:
    """Refuse unless `actor` holds `permission` in `region_code`; the refusal is audited as DENIED."""
    if can(actor, permission, region_code=region_code):
        return
    roles = roles_for(permission)
    if actor_prefix(actor) is not None and getattr(actor, "role", "") in roles:
        message = "该事项不在您的管辖范围内"
    else:
        labels = "、".join(str(Role(r).label) for r in sorted(roles))
        message = f"只有{labels}可以办理此事项"
    denial = Denied(message, permission=permission, region_code=region_code or "", target=target)
    _record(actor, denial)
    raise denial


def _record(actor: Any, denial: Denied) -> None:
    entry = (actor, denial.permission, denial.region_code, denial.target)
    # Written now, in whatever transaction is open; if that transaction rolls back with the refusal, the
    # row goes with it, so it is remembered and `flush_denials` writes it again once the rollback is over.
    row = _write(entry)
    if connection.in_atomic_block:
        if not hasattr(_pending, "rows"):
            _pending.rows = []
        _pending.rows.append((entry, row.pk, row.hash))


def flush_denials() -> int:
    """Write again the DENIED rows that a refused transaction rolled back. Called by the middleware after
    each request (and by tests); returns how many rows were written."""
    from minzheng.audit.models import AuditLog

    kept = getattr(_pending, "rows", [])
    _pending.rows = []
    # (pk, hash): on SQLite a rolled-back row's pk is reused by the next insert; its chain hash is not.
    present = set(AuditLog.objects.filter(pk__in=[pk for _, pk, _ in kept]).values_list("pk", "hash"))
    lost = [entry for entry, pk, digest in kept if (pk, digest) not in present]
    for entry in lost:
        _write(entry)
    return len(lost)


def _write(entry: tuple[Any, str, str, str]) -> Any:
    from minzheng.audit.models import AuditEvent
    from minzheng.audit.services import audit_record

    actor, permission, region_code, target = entry
    return audit_record(
        actor=actor,
        event_type=AuditEvent.DENIED,
        target_type=permission,
        target_id=target,
        region_code=region_code,
        outcome="denied",
        detail=f"拒绝：{permission}",
    )


class DenialAuditMiddleware:
    """Writes the DENIED rows of a request once its transactions are over (a refused service rolls back)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        _pending.rows = []
        response = self.get_response(request)
        flush_denials()
        return response
