from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEvent(models.TextChoices):
    LOGIN = "login", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    LOCKOUT = "lockout", "账号锁定"
    DENIED = "denied", "拒绝访问"
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    REVEAL = "reveal", "查看完整信息"
    EXPORT = "export", "导出"
    DECISION = "decision", "审批决定"
    ROLE_CHANGE = "role_change", "角色变更"
    IMPORT = "import", "数据导入"


class AuditLog(models.Model):
    """Append-only, hash-chained (RealmAuditLog shape: acting user, target, event type, old/new).

    `hash` = HMAC-SHA256(settings.AUDIT_HMAC_KEY, prev_hash + canonical row): the key lives outside the
    database, so an edited row cannot be re-hashed forward. `minzheng audit verify` detects edits and
    deletions, and, against the anchor file (services.audit_anchor), a wiped log or a reset head. A
    trigger (PostgreSQL and SQLite) refuses UPDATE and DELETE outright, except the retention purge."""

    seq = models.BigIntegerField("序号", unique=True)
    created_at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True, default="")
    actor_region = models.CharField("操作人区划", max_length=15, blank=True, default="")
    event_type = models.CharField("事件", max_length=24, choices=AuditEvent.choices, db_index=True)
    target_type = models.CharField("对象类型", max_length=64, blank=True, default="")
    target_id = models.CharField("对象", max_length=64, blank=True, default="", db_index=True)
    region_code = models.CharField("对象区划", max_length=15, blank=True, default="", db_index=True)
    outcome = models.CharField("结果", max_length=16, default="ok")
    detail = models.CharField("说明", max_length=300, blank=True, default="")
    old = models.JSONField("修改前", null=True, blank=True)
    new = models.JSONField("修改后", null=True, blank=True)
    ip = models.CharField("IP", max_length=64, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("审计日志只能追加，不能删除")


class AuditChainHead(models.Model):
    """Single row locked while appending so concurrent writers serialise on PostgreSQL."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    # After a retention purge the chain starts at anchor_seq, whose prev_hash is anchor_hash.
    anchor_seq = models.BigIntegerField(default=1)
    anchor_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class AuditPurgeGrant(models.Model):
    """A row here exists only inside `audit_purge`'s transaction: the SQLite trigger lets a DELETE of an
    audit row older than 183 days through only while it exists (PostgreSQL uses a transaction setting)."""

    granted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"purge grant {self.granted_at:%Y-%m-%d %H:%M}"
