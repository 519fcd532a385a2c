from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Case(models.Model):
    """A case of a programme that keeps no facts of its own beyond who and where (a programme with its own
    facts, like assistance `Application`, holds state and version on its own model)."""

    workflow = models.CharField("办理流程", max_length=32, db_index=True)
    state = models.CharField("状态", max_length=24, db_index=True)
    version = models.PositiveIntegerField(default=0)
    region_code = models.CharField("受理地", max_length=15, db_index=True)
    subject = models.ForeignKey(
        "people.Person",
        verbose_name="对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"

    def __str__(self) -> str:
        return f"案件#{self.pk}"


class CaseEvent(models.Model):
    """One transition of any case (its own `Case` or a programme's model): the generic step history that
    deadlines and separation of duties read."""

    case_type = models.CharField(max_length=64)  # the model label, e.g. "assistance.application"
    case_id = models.PositiveBigIntegerField()
    workflow = models.CharField(max_length=32)
    from_state = models.CharField(max_length=24)
    to_state = models.CharField(max_length=24)
    step = models.CharField(max_length=32, blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case_type", "case_id"], name="casework_event_case")]

    def __str__(self) -> str:
        return f"{self.from_state}→{self.to_state}"
