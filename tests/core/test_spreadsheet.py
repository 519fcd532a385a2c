from __future__ import annotations

import io

from openpyxl import load_workbook

from minzheng.core.spreadsheet import csv_text, neutralise, xlsx_bytes


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_written_as_text() -> None:
    for risky in ('=HYPERLINK("http://x","点我")', "+1", "-2+3", "@SUM(A1)", "\tx"):
        assert neutralise(risky) == "'" + risky
    assert neutralise("张三") == "张三"
    assert neutralise(-50) == -50  # numbers stay numbers


def test_xlsx_and_csv_carry_no_live_formula() -> None:
    rows = [["=1+1", 3]]
    ws = load_workbook(io.BytesIO(xlsx_bytes(["姓名", "金额"], rows))).active
    assert ws is not None
    assert ws["A2"].value == "'=1+1" and ws["A2"].data_type == "s"
    assert csv_text(["姓名"], [["=1+1"]]).splitlines()[1] == "'=1+1"
