"""掌上办: what a phone sent while it had no signal. Each visit entered offline carries a key the phone made
(a UUID); the server keeps the key per user, so a sync replayed after a lost answer creates nothing twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FieldKind(models.TextChoices):
    ELDER_VISIT = "visits", "特殊困难老年人探访"
    CHILD_VISIT = "children", "儿童走访"
    LEDGER_VISIT = "vagrants", "244台账走访"


class SyncedRecord(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    key = models.UUIDField("同步编号")  # made by the phone when the form was filled
    kind = models.CharField("类型", max_length=16, choices=FieldKind.choices)
    subject_id = models.PositiveBigIntegerField("对象编号")  # the elder, the child or the ledger entry
    target_type = models.CharField("登记记录类型", max_length=32)
    target_id = models.PositiveBigIntegerField("登记记录编号")
    region_code = models.CharField("管辖区划", max_length=15)
    # Where the phone stood, when the browser gave it (WGS84 degrees); blank when it did not.
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    synced_at = models.DateTimeField("同步时间", auto_now_add=True)

    class Meta:
        verbose_name = "离线登记同步"
        verbose_name_plural = "离线登记同步"
        ordering = ["-synced_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="mobile_one_key_per_user")]

    def __str__(self) -> str:
        return f"同步{self.kind}:{self.target_id}"
