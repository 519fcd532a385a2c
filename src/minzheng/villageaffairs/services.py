"""Writes of 村务公开: publishing and correcting a village's items (every version kept), their attachments,
and the question ledger (record → assign → answer → close). Keyword-only, permission-checked in the
record's region, audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from minzheng.accounts.makecheck import require_other_person
from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.pii import redact
from minzheng.core.uploads import checked_file
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.regions.models import Region, RegionLevel

from .models import (
    Attachment,
    CadreGrade,
    CadrePost,
    CadreReview,
    CatalogueItem,
    Disclosure,
    DisclosureRevision,
    Finding,
    FindingState,
    Frequency,
    Inspection,
    InspectionMode,
    Matter,
    MatterStep,
    Question,
    QuestionState,
)
from .periods import due_q, period_label, period_start

MAX_FILES = 5
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


def _attach(*, actor: Any, disclosure: Disclosure, uploads: Sequence[UploadedFile]) -> list[Attachment]:
    if len(uploads) + disclosure.attachments.count() > MAX_FILES:
        raise ValidationError(f"每个公开事项最多上传{MAX_FILES}个附件")
    checked = [(u, checked_file(u)) for u in uploads]  # all files checked before any is stored
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


# ---------------------------------------------------------------- 公开目录 (reference data)
CATALOGUE = "villageaffairs.catalogue_manage"
CODE_PREFIX = {"party": "DW", "village": "CW", "finance": "CZ", "assets": "SZ"}


def _catalogue_region(actor: Any) -> str:
    region = getattr(actor, "region", None)
    return region.code if region is not None else ""


@transaction.atomic
def catalogue_item_add(
    *, actor: Any, category: str, name: str, frequency: str, due_month: int | None = None, source: str
) -> CatalogueItem:
    """A county or the city adds an item to the 三务公开 catalogue (numbered by its category); every village
    owes it from the next period on. The shipped catalogue stays in the migration for a fresh install."""
    require(actor, CATALOGUE, region_code=_catalogue_region(actor) or None, target="catalogue:new")
    if category not in CODE_PREFIX:
        raise ValidationError("请选择类别")
    if frequency not in Frequency.values:
        raise ValidationError("请选择公开周期")
    if frequency == Frequency.YEARLY and not (due_month and 1 <= due_month <= 12):
        raise ValidationError("每年公开的事项须选择公开月份")
    name = _text(name, "公开事项", limit=100)
    if CatalogueItem.objects.filter(name=name).exists():
        raise ValidationError(f"目录中已有“{name}”")
    source = _text(source, "目录依据", limit=300)
    if "《" not in source or "》" not in source:
        raise ValidationError("目录依据须写明文件名称（用《》标注）")
    prefix = CODE_PREFIX[category]
    taken = set(CatalogueItem.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    number = next(n for n in range(1, 1000) if f"{prefix}{n:02d}" not in taken)
    last = CatalogueItem.objects.order_by("-order").values_list("order", flat=True).first() or 0
    item = CatalogueItem.objects.create(
        code=f"{prefix}{number:02d}",
        category=category,
        name=name,
        frequency=frequency,
        due_month=due_month if frequency == Frequency.YEARLY else None,
        order=last + 1,
        source=source,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="villageaffairs.catalogue_item",
        target_id=item.pk,
        region_code=_catalogue_region(actor),
        new={"code": item.code, "name": name, "frequency": frequency},
    )
    return item


@transaction.atomic
def catalogue_item_set_active(*, actor: Any, item: CatalogueItem, active: bool) -> CatalogueItem:
    """Take an item out of the catalogue (no longer due; what was published stays) or bring it back."""
    require(actor, CATALOGUE, region_code=_catalogue_region(actor) or None, target=f"catalogue:{item.pk}")
    item = CatalogueItem.objects.select_for_update().get(pk=item.pk)  # the state now, not the page's
    if item.active == active:
        raise ValidationError("该事项已停用" if not active else "该事项已在用")
    item.active = active
    item.save(update_fields=["active"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="villageaffairs.catalogue_item",
        target_id=item.pk,
        region_code=_catalogue_region(actor),
        old={"active": not active},
        new={"active": active},
    )
    return item


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


# ---------------------------------------------------------------- 明查暗访
@transaction.atomic
def inspection_create(
    *, actor: Any, region_code: str, mode: str, held_on: dt.date, villages: Sequence[str], note: str = ""
) -> Inspection:
    """An inspection by a township or the county of some of its villages."""
    require(actor, "villageaffairs.inspect", region_code=region_code, target=f"region:{region_code}")
    unit = Region.objects.filter(
        code=region_code, level__in=[RegionLevel.TOWNSHIP, RegionLevel.COUNTY]
    ).first()
    if unit is None:
        raise ValidationError("检查单位应为乡镇(街道)或县(市、区)")
    if mode not in InspectionMode.values:
        raise ValidationError("请选择明查或暗访")
    codes = sorted(set(villages))
    if not codes:
        raise ValidationError("请选择检查的村(社区)")
    found = Region.objects.filter(
        code__in=codes, level=RegionLevel.VILLAGE, code__startswith=unit.prefix
    ).count()
    if found != len(codes):
        raise ValidationError("检查的村(社区)应在检查单位辖区内")
    inspection = Inspection.objects.create(
        region_code=region_code,
        mode=mode,
        held_on=_day(held_on, "检查日期", not_before=timezone.localdate() - dt.timedelta(days=366)),
        villages=codes,
        note=_text(note, "说明", limit=300, required=False),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="villageaffairs.inspection",
        target_id=inspection.pk,
        region_code=region_code,
        new={"mode": mode, "held_on": inspection.held_on.isoformat(), "villages": len(codes)},
    )
    return inspection


@transaction.atomic
def finding_add(
    *,
    actor: Any,
    inspection: Inspection,
    region_code: str,
    problem: str,
    rectify_by: dt.date,
    item: CatalogueItem | None = None,
) -> Finding:
    require(
        actor,
        "villageaffairs.inspect",
        region_code=inspection.region_code,
        target=f"inspection:{inspection.pk}",
    )
    if region_code not in inspection.villages:
        raise ValidationError("该村(社区)不在本次检查范围内")
    if rectify_by <= inspection.held_on:
        raise ValidationError("整改期限应晚于检查日期")
    finding = Finding.objects.create(
        inspection=inspection,
        region_code=region_code,
        item=item,
        problem=_text(problem, "发现的问题", limit=500),
        rectify_by=rectify_by,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="villageaffairs.finding",
        target_id=finding.pk,
        region_code=region_code,
        new={"inspection": inspection.pk, "rectify_by": rectify_by.isoformat()},
    )
    return finding


def _finding_move(finding: Finding, frm: str, expected_version: int | None, **fields: Any) -> Finding:
    version = finding.version if expected_version is None else expected_version
    updated = Finding.objects.filter(pk=finding.pk, state=frm, version=version).update(
        version=F("version") + 1, **fields
    )
    if updated != 1:
        raise ValidationError(STALE)
    finding.refresh_from_db()
    return finding


@transaction.atomic
def finding_rectify(
    *, actor: Any, finding: Finding, rectification: str, expected_version: int | None = None
) -> Finding:
    """The village records what it put right (make); someone else checks it (check)."""
    require(actor, "villageaffairs.rectify", region_code=finding.region_code, target=f"finding:{finding.pk}")
    if finding.state != FindingState.OPEN:
        raise ValidationError(f"该问题当前为“{finding.get_state_display()}”，不能登记整改")
    body = _text(rectification, "整改情况", limit=2000)
    today = timezone.localdate()
    _finding_move(
        finding,
        FindingState.OPEN,
        expected_version,
        state=FindingState.RECTIFIED,
        rectification=body,
        rectified_by=actor,
        rectified_on=today,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="villageaffairs.finding.rectify",
        target_id=finding.pk,
        region_code=finding.region_code,
        new={"rectified_on": today.isoformat(), "late": today > finding.rectify_by},
    )
    return finding


@transaction.atomic
def finding_check(
    *, actor: Any, finding: Finding, passed: bool, note: str = "", expected_version: int | None = None
) -> Finding:
    """复核: by a person other than the one who recorded the rectification; a failed check sends it back."""
    inspection = finding.inspection
    require(
        actor, "villageaffairs.inspect", region_code=inspection.region_code, target=f"finding:{finding.pk}"
    )
    if finding.state != FindingState.RECTIFIED:
        raise ValidationError(f"该问题当前为“{finding.get_state_display()}”，不能复核")
    require_other_person(actor, finding.rectified_by_id, message="整改登记与复核须由不同人员办理")
    why = _text(note, "复核意见", limit=300, required=not passed)
    today = timezone.localdate()
    if passed:
        _finding_move(
            finding,
            FindingState.RECTIFIED,
            expected_version,
            state=FindingState.CLOSED,
            checked_by=actor,
            checked_on=today,
            check_note=why,
        )
    else:
        _finding_move(
            finding,
            FindingState.RECTIFIED,
            expected_version,
            state=FindingState.OPEN,
            checked_by=actor,
            checked_on=today,
            check_note=why,
        )
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="villageaffairs.finding.check",
        target_id=finding.pk,
        region_code=finding.region_code,
        new={"passed": passed, "note": why},
    )
    return finding


# ---------------------------------------------------------------- 议事协商
def _matter_file(matter: Matter, step: str, upload: UploadedFile | None) -> tuple[Any, str]:
    if upload is None:
        return "", ""
    ext = checked_file(upload)
    original = redact(upload.name or "")[:200]
    upload.name = f"matter-{matter.pk}-{step}{ext}"
    return upload, original


@transaction.atomic
def matter_propose(
    *, actor: Any, region_code: str, title: str, proposer: str, note: str, on: dt.date
) -> Matter:
    """提出议题: the matter opens at the first step of the seven."""
    from .workflow import WORKFLOW

    require(actor, "villageaffairs.deliberate", region_code=region_code, target=f"village:{region_code}")
    _village(region_code)
    matter = Matter.objects.create(
        region_code=region_code,
        title=_text(title, "议题", limit=100),
        proposer=_text(proposer, "提议人", limit=60),
        state=WORKFLOW.initial,
        created_by=actor,
    )
    MatterStep.objects.create(
        matter=matter,
        step="propose",
        on=_day(on, "提出日期"),
        by=actor,
        note=_text(note, "议题说明", limit=2000),
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="villageaffairs.matter",
        target_id=matter.pk,
        region_code=region_code,
        new={"on": on.isoformat()},
    )
    return matter


@transaction.atomic
def matter_step(
    *,
    actor: Any,
    matter: Matter,
    action: str,
    note: str,
    on: dt.date,
    attachment: UploadedFile | None = None,
    expected_version: int | None = None,
) -> Matter:
    """Take the matter's next step (or refuse it at 审查): through the case engine, which refuses any step
    that is not the next one; what the step recorded (date, note, attachment) is kept with it."""
    from minzheng.casework.services import case_transition

    from .workflow import STEP_OF, TARGETS, WORKFLOW

    if action not in TARGETS:
        raise ValidationError("未知的议事环节")
    body = _text(note, "情况说明", limit=2000)
    last = matter.steps.order_by("-on", "-pk").first()
    day = _day(on, "日期", not_before=last.on if last is not None else None)
    case_transition(
        actor=actor,
        workflow=WORKFLOW,
        case=matter,
        to=TARGETS[action],
        expected_version=expected_version,
        note=body[:300],
    )
    file, original = _matter_file(matter, action, attachment)
    MatterStep.objects.create(
        matter=matter, step=STEP_OF[action], on=day, by=actor, note=body, file=file, original_name=original
    )
    if action == "meet":
        Matter.objects.filter(pk=matter.pk).update(outcome=body)
        matter.outcome = body
    return matter


# ---------------------------------------------------------------- 一述两问三评四定
SCORERS = (
    ("score_representatives", "村民代表评分"),
    ("score_party", "党员评分"),
    ("score_township", "乡镇评分"),
)


def cadre_grade(*, total: Decimal, policy: Any) -> str:
    """四定之前的评议结果 by the policy's score lines (a missing line is an error, never a default)."""
    try:
        if total >= policy.get("villageaffairs.cadre_excellent_min"):
            return CadreGrade.EXCELLENT
        if total >= policy.get("villageaffairs.cadre_competent_min"):
            return CadreGrade.COMPETENT
        if total >= policy.get("villageaffairs.cadre_basic_min"):
            return CadreGrade.BASIC
    except PolicyMissing as e:
        raise ValidationError(f"无法评定：{e}") from None
    return CadreGrade.INCOMPETENT


@transaction.atomic
def cadre_review_record(
    *,
    actor: Any,
    region_code: str,
    cadre_name: str,
    post: str,
    held_on: dt.date,
    report: str,
    questions: str,
    suggestions: str,
    scores: dict[str, Decimal],
    goal: str,
    measures: str,
    responsible: str,
    due_on: dt.date,
) -> CadreReview:
    """Record one review: the report, the questions, three scores (0–100; the total is their mean) and the
    four commitments; the grade is read from the policy in force on the day."""
    require(actor, "villageaffairs.cadre_review", region_code=region_code, target=f"village:{region_code}")
    _village(region_code)
    if post not in CadrePost.values:
        raise ValidationError("请选择职务")
    day = _day(held_on, "报告会日期", not_before=timezone.localdate() - dt.timedelta(days=366))
    values = []
    for field, label in SCORERS:
        value = scores.get(field)
        if value is None or not Decimal(0) <= value <= Decimal(100):
            raise ValidationError(f"{label}应为0至100分")
        values.append(value)
    total = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if due_on <= day:
        raise ValidationError("完成时限应晚于报告会日期")
    policy = policy_resolve(on=day, region_code=region_code, hukou_type="")
    review = CadreReview.objects.create(
        region_code=region_code,
        cadre_name=_text(cadre_name, "村干部姓名", limit=40),
        post=post,
        held_on=day,
        report=_text(report, "述职内容"),
        questions=_text(questions, "群众提问", limit=2000),
        suggestions=_text(suggestions, "问计内容", limit=2000, required=False),
        score_representatives=values[0],
        score_party=values[1],
        score_township=values[2],
        total=total,
        grade=cadre_grade(total=total, policy=policy),
        goal=_text(goal, "目标", limit=300),
        measures=_text(measures, "措施", limit=300),
        responsible=_text(responsible, "责任人", limit=60),
        due_on=due_on,
        policy_version=policy.version,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="villageaffairs.cadre_review",
        target_id=review.pk,
        region_code=region_code,
        new={"held_on": day.isoformat(), "total": str(total), "grade": review.grade},
    )
    return review
