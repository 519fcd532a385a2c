from __future__ import annotations

from django.db import models


class DocumentNumberSequence(models.Model):
    """The running number (文号) of one issuing office in one year: 任民救〔2026〕15号. Incremented only under
    select_for_update (assistance.numbering.document_number_issue), so two letters never share a number."""

    office_code = models.CharField("发文机关区划", max_length=15)
    year = models.PositiveSmallIntegerField("年度")
    last_serial = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "文号序列"
        verbose_name_plural = "文号序列"
        constraints = [
            models.UniqueConstraint(fields=["office_code", "year"], name="docnumber_one_sequence_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.office_code} {self.year}: {self.last_serial}"


class IssuedDocumentNumber(models.Model):
    """The 文号 given to one document (target "decision:12"): a reprint shows the same number."""

    target = models.CharField("文书", max_length=64, unique=True)
    office_code = models.CharField("发文机关区划", max_length=15)
    office_name = models.CharField("发文机关", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    number = models.CharField("文号", max_length=64)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "文书编号"
        verbose_name_plural = "文书编号"
        constraints = [
            models.UniqueConstraint(fields=["office_code", "year", "serial"], name="docnumber_serial_unique")
        ]

    def __str__(self) -> str:
        return self.number
