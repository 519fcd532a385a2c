"""Document numbers (文号) for the letters the platform issues (letters.py): one sequence per office and
year, kept in core's tables; numbering is audited, so it lives here rather than in core, below audit."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.models import DocumentNumberSequence, IssuedDocumentNumber


@transaction.atomic
def document_number_issue(
    *, actor: Any, target: str, office_code: str, office_name: str, prefix: str, year: int
) -> IssuedDocumentNumber:
    """The 文号 of `target` ("decision:12"): the one it already has, else the office's next number for
    `year` (任民救〔2026〕15号). The sequence row is locked, so concurrent letters get distinct numbers."""
    existing = IssuedDocumentNumber.objects.filter(target=target).first()
    if existing is not None:
        return existing
    DocumentNumberSequence.objects.get_or_create(office_code=office_code, year=year)
    seq = DocumentNumberSequence.objects.select_for_update().get(office_code=office_code, year=year)
    # Re-read under the lock: a concurrent print of the same letter may have numbered it meanwhile.
    existing = IssuedDocumentNumber.objects.filter(target=target).first()
    if existing is not None:
        return existing
    seq.last_serial += 1
    seq.save(update_fields=["last_serial"])
    try:
        with transaction.atomic():
            issued = IssuedDocumentNumber.objects.create(
                target=target,
                office_code=office_code,
                office_name=office_name,
                year=year,
                serial=seq.last_serial,
                number=f"{prefix}〔{year}〕{seq.last_serial}号",
            )
    except IntegrityError:  # numbered by a concurrent request between our read and our insert
        return IssuedDocumentNumber.objects.get(target=target)
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="document_number",
        target_id=target,
        region_code=office_code,
        new={"number": issued.number},
    )
    return issued
