from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from minzheng.audit.models import AuditLog
from minzheng.students import services as svc
from minzheng.students.models import AwardStatus, StudentStatus, TermCheck, TermImport
from minzheng.students.termfile import parse_term
from tests.students.conftest import enrol as _enrol

pytestmark = pytest.mark.django_db


def _term(this_year: int) -> str:
    return f"{this_year}-{this_year + 1}-{svc.academic_term(timezone.localdate())[1]}"


def _csv(rows: list[list[str]], name: str = "term.csv", encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    text = "\n".join(",".join(r) for r in [["身份证号", "姓名", "学校", "学期", "学籍状态"], *rows])
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_terms_are_read_in_the_forms_the_education_bureau_writes():
    assert parse_term("2026-2027-1") == (2026, 1)
    assert parse_term("2026—2027学年第二学期") == (2026, 2)
    assert parse_term("2026-2027学年秋季学期") == (2026, 1)
    assert parse_term("2026-2028-1") is None and parse_term("秋季") is None


def test_a_term_file_records_checks_set_based_stops_leavers_and_lists_rejections_in_chinese(
    dibao_student, staff, this_year, django_assert_max_num_queries
):
    s = _enrol(staff, dibao_student, this_year)
    pending = svc.award_propose(actor=staff["county"], student=s, academic_year=this_year, tuition_fee=4000)
    term = _term(this_year)
    upload = _csv(
        [
            [s.person.id_number, "张三", "曲阜师范大学", term, "退学"],
            [s.person.id_number, "张三", "曲阜师范大学", term, "在读"],
            ["370811199001011234", "李四", "山东大学", term, "在读"],
            ["12345", "王五", "山东大学", term, "在读"],
        ],
        encoding="gb18030",
    )
    with django_assert_max_num_queries(40):  # not one round of queries per row
        batch = svc.term_file_import(actor=staff["county"], upload=upload)
    assert (batch.accepted, batch.rejected, batch.stopped) == (1, 3, 1)
    reasons = list(batch.rows.filter(accepted=False).values_list("reason", flat=True))
    assert reasons[0] == "与第2行重复" and "身份证号无效" in reasons
    s.refresh_from_db()
    pending.refresh_from_db()
    assert s.status == StudentStatus.LEFT and "教育部门" in s.stop_reason
    assert pending.status == AwardStatus.REFUSED
    check = TermCheck.objects.get(student=s)
    assert check.finding == "left" and check.source == "education" and check.batch == batch
    assert AuditLog.objects.filter(event_type="import", target_type="students.term_import").exists()
    assert all(len(r.id_masked) in (0, 18) and "*" in (r.id_masked or "*") for r in batch.rows.all())


def test_a_school_mismatch_or_an_other_term_is_rejected_and_a_studying_row_is_accepted(
    dibao_student, staff, this_year
):
    s = _enrol(staff, dibao_student, this_year)
    batch = svc.term_file_import(
        actor=staff["county"],
        upload=_csv([[s.person.id_number, "张三", "山东大学", _term(this_year), "在读"]]),
    )
    assert "就读学校与登记不一致" in batch.rows.get().reason
    batch = svc.term_file_import(
        actor=staff["county"],
        upload=_csv(
            [[s.person.id_number, "张三", "曲阜师范大学", f"{this_year - 3}-{this_year - 2}-1", "在读"]]
        ),
    )
    assert "不是本学期" in batch.rows.get().reason
    batch = svc.term_file_import(
        actor=staff["county"],
        upload=_csv([[s.person.id_number, "张三", "曲阜师范大学", _term(this_year), "在读"]]),
    )
    assert batch.accepted == 1 and TermCheck.objects.get(student=s).finding == "studying"
    s.refresh_from_db()
    assert s.status == StudentStatus.STUDYING


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.csv", b""), "文件为空"),
        (SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"), "只能上传CSV或Excel"),
        (SimpleUploadedFile("a.csv", "姓名,学校\n张三,山大\n".encode()), "缺少列"),
        (SimpleUploadedFile("a.xlsx", b"PK\x03\x04 not a workbook"), "无法读取文件"),
        (SimpleUploadedFile("a.csv", "身份证号,学校,学期,学籍状态\n".encode()), "没有数据行"),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_nothing_changes(
    dibao_student, staff, this_year, upload, message
):
    _enrol(staff, dibao_student, this_year)
    with pytest.raises(ValidationError, match=message):
        svc.term_file_import(actor=staff["county"], upload=upload)
    assert not TermImport.objects.exists() and not TermCheck.objects.exists()


def test_an_excel_file_with_a_formula_is_rejected_row_wise_and_the_export_neutralises_formulas(
    dibao_student, staff, this_year
):
    s = _enrol(staff, dibao_student, this_year)
    wb = Workbook()
    ws = wb.active
    ws.append(["身份证号", "学校", "学期", "学籍状态"])
    ws.append([s.person.id_number, '=HYPERLINK("http://x","y")', _term(this_year), "在读"])
    ws.append(["370811199001011234", "-1+2", _term(this_year), "在读"])
    out = io.BytesIO()
    wb.save(out)
    batch = svc.term_file_import(actor=staff["county"], upload=SimpleUploadedFile("t.xlsx", out.getvalue()))
    rows = list(batch.rows.all())
    assert "公式" in rows[0].reason and not rows[0].accepted
    c = Client()
    c.force_login(staff["county"])
    r = c.get(f"/students/imports/{batch.pk}/?export=xlsx")
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet.cell(row=3, column=4).value == "'-1+2"  # formula neutralised
    assert r["Content-Disposition"] == f'attachment; filename="students-import-{batch.pk}.xlsx"'


def test_the_import_page_uploads_and_shows_rows_and_is_scoped_and_refused_to_others(
    dibao_student, staff, this_year, make_user
):
    s = _enrol(staff, dibao_student, this_year)
    c = Client()
    c.force_login(staff["county"])
    r = c.post(
        "/students/imports/",
        {"file": _csv([[s.person.id_number, "张三", "曲阜师范大学", _term(this_year), "已毕业"]])},
        follow=True,
    )
    body = r.content.decode()
    assert "接受1行，拒绝0行，停止资助1人" in body and dibao_student.name in body
    assert s.person.id_number not in body
    r = c.post("/students/imports/", {}, follow=True)
    assert "请选择要导入的学籍文件" in r.content.decode()
    batch = TermImport.objects.get()
    c.force_login(make_user("county_officer", "370812"))
    assert c.get(f"/students/imports/{batch.pk}/").status_code == 404
    c.force_login(staff["finance"])
    assert c.get("/students/imports/").status_code == 403
