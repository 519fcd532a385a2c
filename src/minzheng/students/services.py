"""Writes of 大学生全程资助: enrolment by the township, the term check, the county's yearly decision and
the second person's approval, which pays the year's aid once through benefits (like temporary aid)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.selectors import active_enrolments
from minzheng.benefits.services import enrolment_create, first_of_month
from minzheng.core.inputs import form_name
from minzheng.people.models import Membership, Person
from minzheng.policy.selectors import policy_resolve

from .models import (
    AwardStatus,
    CheckSource,
    Student,
    StudentStatus,
    TermCheck,
    TermFinding,
    TermImport,
    TermImportRow,
    YearAward,
)

PROGRAMME = "students"
# The family enrolments that open the aid (seed 002: 城乡低保家庭大学生; tekun students likewise).
FAMILY_PROGRAMMES = ("dibao", "tekun")
STOPS = {TermFinding.GRADUATED: StudentStatus.GRADUATED, TermFinding.LEFT: StudentStatus.LEFT}


def academic_term(on: dt.date) -> tuple[int, int]:
    """(academic year's first calendar year, term): September–January is the autumn term (1), February–
    August the spring term (2) of the year that began the September before."""
    if on.month >= 9:
        return on.year, 1
    if on.month == 1:
        return on.year - 1, 1
    return on.year - 1, 2


def year_label(year: int) -> str:
    return f"{year}—{year + 1}学年"


def _audit(actor: Any, event: str, target: str, pk: int, region: str, new: dict[str, Any]) -> None:
    audit_record(actor=actor, event_type=event, target_type=target, target_id=pk, region_code=region, new=new)


def family_programme(*, actor: Any, person: Person, on: dt.date) -> tuple[str, Any]:
    """The dibao/tekun enrolment that makes the student's family eligible this month, read through the one
    enrolment table: (programme code, the household the student lives in). A Chinese refusal otherwise."""
    member = (
        Membership.objects.filter(person=person, end_date__isnull=True).select_related("household").first()
    )
    if member is None:
        raise ValidationError("该学生不在任何家庭户中，请先登记户籍家庭")
    household = member.household
    found = (
        active_enrolments(actor=actor, month=first_of_month(on))
        .filter(Q(person=person) | Q(household=household), programme__in=FAMILY_PROGRAMMES)
        .order_by("programme")
        .values_list("programme", flat=True)
        .first()
    )
    if found is None:
        raise ValidationError("该学生家庭本月不在低保或特困保障中，不能纳入大学生全程资助")
    return found, household


@transaction.atomic
def student_enrol(
    *,
    actor: Any,
    person: Person,
    school: str,
    major: str,
    entry_year: int,
    graduation_year: int,
    student_number: str,
    on: dt.date | None = None,
) -> Student:
    today = on or timezone.localdate()
    require(actor, "students.enrol", region_code=person.region_code, target=f"person:{person.pk}")
    school = form_name(school, "就读学校", max_length=100)
    major = form_name(major, "专业", max_length=100)
    number = form_name(student_number, "学号", max_length=32)
    if not 1990 <= entry_year <= today.year:
        raise ValidationError(f"入学年份应在1990至{today.year}之间")
    if not entry_year < graduation_year <= entry_year + 8:
        raise ValidationError("预计毕业年份应晚于入学年份，且学制不超过8年")
    if graduation_year < today.year:
        raise ValidationError("预计毕业年份已过，不能纳入资助")
    if Student.objects.filter(person=person).exists():
        raise ValidationError("该学生已登记大学生全程资助")
    programme, household = family_programme(actor=actor, person=person, on=today)
    student = Student.objects.create(
        person=person,
        household=household,
        region_code=household.region_code,
        family_programme=programme,
        school=school,
        major=major,
        entry_year=entry_year,
        graduation_year=graduation_year,
        student_number=number,
        enrolled_by=actor,
        enrolled_on=today,
    )
    _audit(
        actor,
        AuditEvent.CREATE,
        "students.student",
        student.pk,
        student.region_code,
        {"school": school, "entry_year": entry_year, "graduation_year": graduation_year, "family": programme},
    )
    return student


def _stop(*, actor: Any, student: Student, status: str, on: dt.date, reason: str) -> None:
    """A student who graduated or left stops: no further year is decided or approved (a year already
    paid stays paid: it was the year studied)."""
    student.status = status
    student.stopped_on = on
    student.stop_reason = reason[:200]
    student.save(update_fields=["status", "stopped_on", "stop_reason"])
    student.awards.filter(status=AwardStatus.PROPOSED).update(
        status=AwardStatus.REFUSED, note=f"学生{StudentStatus(status).label}，停止资助"
    )
    _audit(actor, AuditEvent.UPDATE, "students.student", student.pk, student.region_code, {"status": status})


@transaction.atomic
def term_check_record(
    *,
    actor: Any,
    student: Student,
    finding: str,
    source: str = CheckSource.DESK,
    note: str = "",
    on: dt.date | None = None,
) -> TermCheck:
    """Record this term's check on the student's file; a graduate or a student who left stops."""
    today = on or timezone.localdate()
    require(actor, "students.check", region_code=student.region_code, target=f"student:{student.pk}")
    if finding not in TermFinding.values:
        raise ValidationError("请选择核查结果：在读、已毕业、已离校或休学")
    if source not in CheckSource.values:
        raise ValidationError("核查方式无效")
    if student.status != StudentStatus.STUDYING:
        raise ValidationError("该学生已停止资助，无需再核查")
    year, term = academic_term(today)
    if TermCheck.objects.filter(student=student, academic_year=year, term=term).exists():
        raise ValidationError(f"{year_label(year)}{'秋季' if term == 1 else '春季'}学期已核查")
    check = TermCheck.objects.create(
        student=student,
        academic_year=year,
        term=term,
        finding=finding,
        source=source,
        note=note.strip()[:200],
        checked_by=actor,
        checked_on=today,
    )
    _audit(
        actor,
        AuditEvent.UPDATE,
        "students.term_check",
        check.pk,
        student.region_code,
        {"year": year, "term": term, "finding": finding, "source": source},
    )
    if finding in STOPS:
        _stop(
            actor=actor,
            student=student,
            status=STOPS[TermFinding(finding)],
            on=today,
            reason=f"学期核查：{TermFinding(finding).label}",
        )
    return check


@transaction.atomic
def terms_check_from_education(
    *, actor: Any, rows: dict[str, dict[str, Any]] | None, students: list[Student], on: dt.date | None = None
) -> dict[str, int]:
    """The term check of many students against the education source's rows (id number → row of the
    current snapshot, looked up in one query by the caller): enrolled at a college or university →
    在读; absent or not enrolled → 已毕业 when the expected year is reached, otherwise 已离校."""
    today = on or timezone.localdate()
    if rows is None:
        raise ValidationError("当前快照没有教育部门的在校数据，请先导入教育数据或逐人核实")
    counts = {f: 0 for f in TermFinding.values}
    for student in students:
        row = rows.get(student.person.id_number)
        if row and row.get("enrolled") in (True, "true") and row.get("level") in ("college", "university"):
            finding = TermFinding.STUDYING
        elif student.graduation_year <= today.year:
            finding = TermFinding.GRADUATED
        else:
            finding = TermFinding.LEFT
        term_check_record(
            actor=actor,
            student=student,
            finding=finding,
            source=CheckSource.EDUCATION,
            note="教育部门在校数据",
            on=today,
        )
        counts[finding] += 1
    return counts


@transaction.atomic
def award_propose(
    *, actor: Any, student: Student, academic_year: int, tuition_fee: int, on: dt.date | None = None
) -> YearAward:
    """The county's decision for one academic year: tuition aid up to the cap, the living allowance, both
    dated policy figures of the student's county on the day of the decision."""
    today = on or timezone.localdate()
    require(actor, "students.decide", region_code=student.region_code, target=f"student:{student.pk}")
    if student.status != StudentStatus.STUDYING:
        raise ValidationError(f"该学生{student.get_status_display()}，不能决定学年资助")
    if not student.entry_year <= academic_year < student.graduation_year:
        first, last = year_label(student.entry_year), year_label(student.graduation_year - 1)
        raise ValidationError(f"学年应在入学至毕业之间（{first}至{last}）")
    if academic_year > academic_term(today)[0]:
        raise ValidationError("不能决定尚未开始的学年")
    if tuition_fee < 0:
        raise ValidationError("学费不能为负数")
    family_programme(actor=actor, person=student.person, on=today)  # still a dibao/tekun family
    existing = (
        YearAward.objects.select_for_update().filter(student=student, academic_year=academic_year).first()
    )
    if existing is not None and existing.status != AwardStatus.REFUSED:
        raise ValidationError(f"{year_label(academic_year)}已有资助决定")
    policy = policy_resolve(
        on=today, region_code=student.region_code, hukou_type=student.household.hukou_type
    )
    cap = int(policy.get("students.tuition_cap"))
    living = int(policy.get("students.living_aid"))
    values = {
        "region_code": student.region_code,
        "tuition_fee": tuition_fee,
        "tuition_aid": min(tuition_fee, cap),
        "living_aid": living,
        "status": AwardStatus.PROPOSED,
        "policy": {"students.tuition_cap": cap, "students.living_aid": living, "on": today.isoformat()},
        "proposed_by": actor,
        "proposed_on": today,
        "approved_by": None,
        "approved_on": None,
        "note": "",
    }
    award, _ = YearAward.objects.update_or_create(
        student=student, academic_year=academic_year, defaults=values
    )
    _audit(
        actor,
        AuditEvent.DECISION,
        "students.award",
        award.pk,
        award.region_code,
        {"year": academic_year, "tuition_aid": award.tuition_aid, "living_aid": award.living_aid},
    )
    return award


@transaction.atomic
def award_approve(
    *, actor: Any, award: YearAward, approve: bool, note: str = "", on: dt.date | None = None
) -> YearAward:
    """The second person (经办与复核分离) approves the year's money: it is paid once, in this month's roll."""
    today = on or timezone.localdate()
    require(actor, "students.approve", region_code=award.region_code, target=f"student_award:{award.pk}")
    award = (
        YearAward.objects.select_for_update().select_related("student", "student__person").get(pk=award.pk)
    )
    if award.status != AwardStatus.PROPOSED:
        raise ValidationError("该学年资助已复核")
    if award.proposed_by_id == actor.pk:
        raise ValidationError("复核须由决定人以外的另一人办理")
    if not approve and not note.strip():
        raise ValidationError("不同意时请填写复核意见")
    award.status = AwardStatus.APPROVED if approve else AwardStatus.REFUSED
    award.approved_by = actor
    award.approved_on = today
    award.note = note.strip()[:200]
    if approve:
        student = award.student
        month = first_of_month(today)
        award.enrolment = enrolment_create(
            actor=actor,
            programme=PROGRAMME,
            person=student.person,
            household=student.household,
            amount=award.total,
            first_month=month,
            last_month=month,
            tier=year_label(award.academic_year),
            source_type="student_award",
            source_id=award.pk,
        )
    award.save(update_fields=["status", "approved_by", "approved_on", "note", "enrolment"])
    _audit(
        actor,
        AuditEvent.DECISION,
        "students.award",
        award.pk,
        award.region_code,
        {"approved": approve, "total": award.total if approve else 0},
    )
    return award


def awards_export(*, actor: Any, awards: list[YearAward]) -> bytes:
    """The filtered list of yearly aid as Excel (masked ID numbers, names neutralised), audited."""
    from minzheng.core.labels import region_name
    from minzheng.core.spreadsheet import xlsx_bytes

    require(actor, "students.read", target="students:export")
    header = [
        "姓名",
        "身份证号",
        "区划",
        "就读学校",
        "专业",
        "学年",
        "学费资助（元）",
        "生活费补助（元）",
        "合计（元）",
        "状态",
    ]
    rows = [
        [
            a.student.person.name,
            a.student.person.id_masked,
            region_name(a.region_code, full=True),
            a.student.school,
            a.student.major,
            year_label(a.academic_year),
            a.tuition_aid,
            a.living_aid,
            a.total,
            a.get_status_display(),
        ]
        for a in awards
    ]
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type="students.award",
        detail=f"导出大学生学年资助{len(rows)}行（证件号已脱敏）",
    )
    return xlsx_bytes(header, rows, title="大学生全程资助")


def students_stop(*, actor: Any, students: QuerySet[Student], status: str, on: dt.date, reason: str) -> int:
    """Set-based stop of students who graduated or left (one UPDATE, one audit row): their proposed years
    are refused; a year already paid stays paid."""
    ids = list(students.values_list("pk", flat=True))
    if not ids:
        return 0
    Student.objects.filter(pk__in=ids).update(status=status, stopped_on=on, stop_reason=reason[:200])
    YearAward.objects.filter(student_id__in=ids, status=AwardStatus.PROPOSED).update(
        status=AwardStatus.REFUSED, note=f"学生{StudentStatus(status).label}，停止资助"
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="students.student",
        target_id="batch",
        region_code=actor.region.code if getattr(actor, "region_id", None) else "",
        new={"status": status, "students": ids[:500], "count": len(ids)},
    )
    return len(ids)


@transaction.atomic
def term_file_import(*, actor: Any, upload: UploadedFile, on: dt.date | None = None) -> TermImport:
    """The education source's per-term file: every row accepted (this term's check recorded, set-based)
    or rejected with its Chinese reason; students found graduated or left are stopped. A file that
    cannot be read is refused and nothing is written."""
    from minzheng.accounts.permissions import scoped
    from minzheng.core import crypto
    from minzheng.core.idnumber import is_valid_id_number
    from minzheng.core.masking import mask_id_number

    from .termfile import STATUS_WORDS, parse_term, read_term_file

    today = on or timezone.localdate()
    require(actor, "students.check", target="students:term_import")
    kind, rows = read_term_file(upload)
    year, term = academic_term(today)
    hashes = {crypto.blind_index(r.id_number): r.id_number for r in rows if is_valid_id_number(r.id_number)}
    found = {
        s.person.id_hash: s
        for s in scoped("students.check", Student.objects.select_for_update(of=("self",)), actor)
        .select_related("person")
        .filter(person__id_hash__in=list(hashes))
    }
    by_id = {s.person.id_number: s for s in found.values()}
    checked = set(
        TermCheck.objects.filter(
            student_id__in=[s.pk for s in found.values()], academic_year=year, term=term
        ).values_list("student_id", flat=True)
    )
    here = f"{year_label(year)}{'秋季' if term == 1 else '春季'}学期"
    seen: dict[str, int] = {}
    out: list[TermImportRow] = []
    for r in rows:
        student = by_id.get(r.id_number)
        reason, finding = "", ""
        parsed = parse_term(r.term)
        if r.problem:
            reason = r.problem
        elif not is_valid_id_number(r.id_number):
            reason = "身份证号无效"
        elif r.id_number in seen:
            reason = f"与第{seen[r.id_number]}行重复"
        elif parsed is None:
            reason = f"学期“{r.term[:20]}”无法识别（示例：2026-2027-1）"
        elif parsed != (year, term):
            reason = f"不是本学期（{here}）的数据"
        elif r.status.replace(" ", "") not in STATUS_WORDS:
            reason = f"学籍状态“{r.status[:10]}”无法识别"
        elif student is None:
            reason = "不在您辖区的大学生资助名单中"
        elif student.status != StudentStatus.STUDYING:
            reason = f"该学生已停止资助（{student.get_status_display()}），无需核查"
        elif student.pk in checked:
            reason = "本学期已核查"
        elif r.school.replace(" ", "") != student.school.replace(" ", ""):
            reason = f"就读学校与登记不一致（登记为{student.school}），请人工核实"
        else:
            finding = STATUS_WORDS[r.status.replace(" ", "")]
        if r.id_number and r.id_number not in seen:
            seen[r.id_number] = r.line
        out.append(
            TermImportRow(
                line=r.line,
                id_masked=mask_id_number(r.id_number) if is_valid_id_number(r.id_number) else "",
                name=student.person.name if student else "",
                school=r.school[:100],
                term_text=r.term[:40],
                status_text=r.status[:20],
                accepted=not reason,
                finding=finding,
                reason=reason[:200],
                student=student if not reason else None,
            )
        )
    accepted = [x for x in out if x.accepted]
    batch = TermImport.objects.create(
        region_code=actor.region.code if getattr(actor, "region_id", None) else "",
        academic_year=year,
        term=term,
        file_name=(upload.name or "")[-100:],
        file_kind=kind,
        rows_total=len(out),
        accepted=len(accepted),
        rejected=len(out) - len(accepted),
        stopped=0,
        imported_by=actor,
        imported_on=today,
    )
    for x in out:
        x.batch = batch
    TermImportRow.objects.bulk_create(out)
    TermCheck.objects.bulk_create(
        TermCheck(
            student=x.student,
            academic_year=year,
            term=term,
            finding=x.finding,
            source=CheckSource.EDUCATION,
            note=f"教育部门学期文件第{x.line}行",
            checked_by=actor,
            checked_on=today,
            batch=batch,
        )
        for x in accepted
    )
    stopped = 0
    for finding, status in STOPS.items():
        ids = [x.student_id for x in accepted if x.finding == finding]
        stopped += students_stop(
            actor=actor,
            students=Student.objects.filter(pk__in=ids),
            status=status,
            on=today,
            reason=f"学期核查：{TermFinding(finding).label}（教育部门学期文件）",
        )
    batch.stopped = stopped
    batch.save(update_fields=["stopped"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.IMPORT,
        target_type="students.term_import",
        target_id=batch.pk,
        region_code=batch.region_code,
        new={
            "rows": batch.rows_total,
            "accepted": batch.accepted,
            "rejected": batch.rejected,
            "stopped": stopped,
        },
    )
    return batch


def term_import_export(*, actor: Any, batch: TermImport) -> bytes:
    """The import's rows as Excel (masked IDs; every text cell neutralised against formulas), audited."""
    from minzheng.core.spreadsheet import xlsx_bytes

    require(actor, "students.read", target=f"students:term_import:{batch.pk}")
    header = ["行号", "身份证号", "姓名", "学校", "学期", "学籍状态", "结果", "原因"]
    rows = [
        [
            r.line,
            r.id_masked,
            r.name,
            r.school,
            r.term_text,
            r.status_text,
            "接受" if r.accepted else "拒绝",
            r.reason,
        ]
        for r in batch.rows.all()
    ]
    audit_record(
        actor=actor,
        event_type=AuditEvent.EXPORT,
        target_type="students.term_import",
        target_id=batch.pk,
        detail=f"导出学籍文件导入结果{len(rows)}行（证件号已脱敏）",
    )
    return xlsx_bytes(header, rows, title="学籍文件导入结果")
