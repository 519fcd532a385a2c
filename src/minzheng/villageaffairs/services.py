"""Writes of 村务公开: publishing and correcting a village's items (every version kept), their attachments,
and the question ledger (record → assign → answer → close). Keyword-only, permission-checked in the
record's region, audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.pii import redact
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.regions.models import Region, RegionLevel

from .models import (
    Attachment,
    CatalogueItem,
    Disclosure,
    DisclosureRevision,
    Frequency,
    Question,
    QuestionState,
)
from .periods import due_q, period_label, period_start

MAX_UPLOAD = 10 * 1024 * 1024
MAX_FILES = 5
# What a file really is, by its first bytes (the name and the browser's content type are the sender's word).
MAGIC = {b"%PDF-": ".pdf", b"\xff\xd8\xff": ".jpg", b"\x89PNG": ".png"}
EXTENSIONS = {".pdf": ".pdf", ".jpg": ".jpg", ".jpeg": ".jpg", ".png": ".png"}
STALE = "该记录已被他人处理或已变更，请刷新后重试"


def _village(region_code: str) -> Region:
    region = Region.objects.filter(code=region_code, level=RegionLevel.VILLAGE).first()
    if region is None:
        raise ValidationError("请选择村(社区)")
    return region


def _text(value: str, label: str, *, limit: int = 4000, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(f"请填写{label}")
    if len(text) > limit:
        raise ValidationError(f"{label}不能超过{limit}字")
    return text


def _day(value: dt.date, label: str, *, not_before: dt.date | None = None) -> dt.date:
    today = timezone.localdate()
    if value > today:
        raise ValidationError(f"{label}不能晚于今天")
    if not_before is not None and value < not_before:
        raise ValidationError(f"{label}不能早于{not_before:%Y年%m月%d日}")
    return value


def _checked(upload: UploadedFile) -> str:
    """The upload's real extension after the usual checks (size, emptiness, type by content)."""
    size = upload.size or 0
    if size > MAX_UPLOAD:
        raise ValidationError("文件不能超过10MB")
    if size == 0:
        raise ValidationError("文件为空")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    real = next((ext for magic, ext in MAGIC.items() if head.startswith(magic)), None)
    name = upload.name or ""
    named = EXTENSIONS.get("." + name.rsplit(".", 1)[-1].lower()) if "." in name else None
    if real is None or named != real:
        raise ValidationError("只能上传PDF、JPG或PNG文件（按文件内容识别，改扩展名无效）")
    return real


def _attach(*, actor: Any, disclosure: Disclosure, uploads: Sequence[UploadedFile]) -> list[Attachment]:
    if len(uploads) + disclosure.attachments.count() > MAX_FILES:
        raise ValidationError(f"每个公开事项最多上传{MAX_FILES}个附件")
    checked = [(u, _checked(u)) for u in uploads]  # all files checked before any is stored
    out = []
    for i, (upload, ext) in enumerate(checked, 1):
        # The stored name is ours (the sender's may hold an ID number); the shown one is redacted.
        original = redact(upload.name or "")[:200]
        upload.name = f"disclosure-{disclosure.pk}-{disclosure.revision}-{i}{ext}"
        out.append(
            Attachment.objects.create(
                disclosure=disclosure,
                revision=disclosure.revision,
                file=upload,
                original_name=original,
                uploaded_by=actor,
            )
        )
    return out


@transaction.atomic
def disclosure_publish(
    *,
    actor: Any,
    region_code: str,
    period: str,
    item: CatalogueItem,
    text: str,
    published_on: dt.date,
    attachments: Sequence[UploadedFile] = (),
) -> Disclosure:
    """Publish one catalogue item of a village for a period (once: a later change is a correction)."""
    require(actor, "villageaffairs.publish", region_code=region_code, target=f"village:{region_code}")
    _village(region_code)
    start = period_start(period)
    if start > timezone.localdate():
        raise ValidationError("公开期不能晚于本月")
    if not item.active:
        raise ValidationError("该事项已不在公开目录中")
    if (
        item.frequency != Frequency.EVENT
        and not CatalogueItem.objects.filter(due_q(period), pk=item.pk).exists()
    ):
        raise ValidationError(f"“{item.name}”不是{period_label(period)}应公开的事项")
    body = _text(text, "公开内容")
    day = _day(published_on, "公开日期", not_before=start)
    if Disclosure.objects.filter(region_code=region_code, period=period, item=item).exists():
        raise ValidationError(f"{period_label(period)}的“{item.name}”已公开，如有错误请更正")
    try:
        with transaction.atomic():
            disclosure = Disclosure.objects.create(
                region_code=region_code,
                period=period,
                item=item,
                text=body,
                published_on=day,
                published_by=actor,
            )
    except IntegrityError:  # published by someone else a moment ago
        raise ValidationError(f"{period_label(period)}的“{item.name}”已公开，如有错误请更正") from None
    DisclosureRevision.objects.create(
        disclosure=disclosure, number=1, text=body, published_on=day, published_by=actor
    )
    files = _attach(actor=actor, disclosure=disclosure, uploads=attachments)
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="villageaffairs.disclosure",
        target_id=disclosure.pk,
        region_code=region_code,
        new={"period": period, "item": item.code, "published_on": day.isoformat(), "files": len(files)},
    )
    return disclosure


@transaction.atomic
def disclosure_correct(
    *,
    actor: Any,
    disclosure: Disclosure,
    text: str,
    published_on: dt.date,
    reason: str,
    expected_revision: int | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Disclosure:
    """Correct a published item: a new version with its reason; the earlier versions stay readable."""
    require(
        actor,
        "villageaffairs.publish",
        region_code=disclosure.region_code,
        target=f"disclosure:{disclosure.pk}",
    )
    why = _text(reason, "更正原因", limit=300)
    body = _text(text, "公开内容")
    day = _day(published_on, "公开日期", not_before=period_start(disclosure.period))
    current = disclosure.revision if expected_revision is None else expected_revision
    updated = Disclosure.objects.filter(pk=disclosure.pk, revision=current).update(
        text=body, published_on=day, published_by=actor, revision=F("revision") + 1
    )
    if updated != 1:
        raise ValidationError(STALE)
    old = {"revision": current, "published_on": disclosure.published_on.isoformat()}
    disclosure.refresh_from_db()
    DisclosureRevision.objects.create(
        disclosure=disclosure,
        number=disclosure.revision,
        text=body,
        published_on=day,
        published_by=actor,
        reason=why,
    )
    files = _attach(actor=actor, disclosure=disclosure, uploads=attachments)
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="villageaffairs.disclosure",
        target_id=disclosure.pk,
        region_code=disclosure.region_code,
        old=old,
        new={
            "revision": disclosure.revision,
            "published_on": day.isoformat(),
            "reason": why,
            "files": len(files),
        },
    )
    return disclosure


def attachment_open(*, actor: Any, attachment: Attachment) -> Any:
    """Open an attachment of a published item (public information: the caller scoped it)."""
    return attachment.file.open("rb")


# ---------------------------------------------------------------- 问题台账
def _answer_days(*, on: dt.date, region_code: str) -> int:
    try:
        return int(
            policy_resolve(on=on, region_code=region_code, hukou_type="").get(
                "villageaffairs.question_answer_days"
            )
        )
    except PolicyMissing as e:
        raise ValidationError(f"无法计算答复期限：{e}") from None


def _audit_question(actor: Any, question: Question, event_type: str, what: str, new: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        event_type=event_type,
        target_type=f"villageaffairs.question.{what}",
        target_id=question.pk,
        region_code=question.region_code,
        new=new,
    )


@transaction.atomic
def question_record(
    *,
    actor: Any,
    region_code: str,
    text: str,
    raised_on: dt.date,
    asker: str = "",
    person: Any = None,
    item: CatalogueItem | None = None,
) -> Question:
    """Record a villager's question in the village's ledger; its answer is due by the policy's period."""
    require(actor, "villageaffairs.question_record", region_code=region_code, target=f"village:{region_code}")
    _village(region_code)
    body = _text(text, "问题内容", limit=2000)
    who = _text(asker, "提问人", limit=40, required=False)
    day = _day(raised_on, "提出日期", not_before=timezone.localdate() - dt.timedelta(days=366))
    if person is not None and not str(person.region_code).startswith(region_code[:9]):
        raise ValidationError("提问村民不在本乡镇")
    question = Question.objects.create(
        region_code=region_code,
        person=person,
        asker=who or (person.name if person is not None else ""),
        item=item,
        text=body,
        raised_on=day,
        due_on=day + dt.timedelta(days=_answer_days(on=day, region_code=region_code)),
        recorded_by=actor,
    )
    _audit_question(
        actor,
        question,
        AuditEvent.CREATE,
        "record",
        {"raised_on": day.isoformat(), "due_on": question.due_on.isoformat()},
    )
    return question


def _move(question: Question, frm: str, expected_version: int | None, **fields: Any) -> Question:
    version = question.version if expected_version is None else expected_version
    updated = Question.objects.filter(pk=question.pk, state=frm, version=version).update(
        version=F("version") + 1, **fields
    )
    if updated != 1:
        raise ValidationError(STALE)
    question.refresh_from_db()
    return question


def _in_state(question: Question, state: str, doing: str) -> None:
    if question.state != state:
        raise ValidationError(f"该问题当前为“{question.get_state_display()}”，不能{doing}")


@transaction.atomic
def question_assign(
    *, actor: Any, question: Question, assignee: str, expected_version: int | None = None
) -> Question:
    require(
        actor,
        "villageaffairs.question_handle",
        region_code=question.region_code,
        target=f"question:{question.pk}",
    )
    _in_state(question, QuestionState.OPEN, "交办")
    who = _text(assignee, "承办人（单位）", limit=60)
    today = timezone.localdate()
    _move(
        question,
        QuestionState.OPEN,
        expected_version,
        state=QuestionState.ASSIGNED,
        assignee=who,
        assigned_by=actor,
        assigned_on=today,
    )
    _audit_question(actor, question, AuditEvent.UPDATE, "assign", {"assignee": who})
    return question


@transaction.atomic
def question_answer(
    *, actor: Any, question: Question, answer: str, expected_version: int | None = None
) -> Question:
    require(
        actor,
        "villageaffairs.question_handle",
        region_code=question.region_code,
        target=f"question:{question.pk}",
    )
    _in_state(question, QuestionState.ASSIGNED, "答复")
    body = _text(answer, "答复内容", limit=2000)
    today = timezone.localdate()
    _move(
        question,
        QuestionState.ASSIGNED,
        expected_version,
        state=QuestionState.ANSWERED,
        answer=body,
        answered_by=actor,
        answered_on=today,
    )
    _audit_question(
        actor,
        question,
        AuditEvent.UPDATE,
        "answer",
        {"answered_on": today.isoformat(), "late": today > question.due_on},
    )
    return question


@transaction.atomic
def question_close(*, actor: Any, question: Question, expected_version: int | None = None) -> Question:
    """销号: the question leaves the ledger's open list and its answer is published on the village's list."""
    require(
        actor,
        "villageaffairs.question_handle",
        region_code=question.region_code,
        target=f"question:{question.pk}",
    )
    _in_state(question, QuestionState.ANSWERED, "销号")
    today = timezone.localdate()
    _move(
        question,
        QuestionState.ANSWERED,
        expected_version,
        state=QuestionState.CLOSED,
        closed_by=actor,
        closed_on=today,
    )
    _audit_question(actor, question, AuditEvent.UPDATE, "close", {"closed_on": today.isoformat()})
    return question


# ---------------------------------------------------------------- exports (audited)
def ledger_export(
    *, actor: Any, header: Sequence[str], rows: list[Sequence[Any]], what: str, title: str
) -> bytes:
    """An Excel sheet of a list the actor already read through a selector; the export itself is audited."""
    from minzheng.core.spreadsheet import xlsx_bytes

    region = getattr(actor, "region", None)
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type=f"villageaffairs.{what}",
        region_code=region.code if region is not None else "",
        detail=f"导出{title}{len(rows)}条",
    )
    return xlsx_bytes(header, rows, title=title)
