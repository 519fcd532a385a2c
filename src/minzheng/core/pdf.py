"""Chinese PDF documents (notice letters, verification reports) with a vendored CJK font: government
intranets are offline and a fresh machine has no Chinese fonts. Font: Noto Sans CJK SC (SIL OFL 1.1),
subset to GB 2312 + ASCII (see fonts/COPYRIGHT-NotoSansCJK.txt)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT = Path(__file__).parent / "fonts" / "NotoSansSC-GB2312.otf"


class ChineseDocument(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.add_font("noto", "", str(FONT))
        self.set_title(title)
        self.set_auto_page_break(auto=True, margin=20)
        self.add_page()
        self.set_font("noto", size=18)
        self.cell(0, 14, title, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)
        self.set_font("noto", size=12)

    def para(self, text: str, size: int = 12, height: float = 8) -> None:
        self.set_font("noto", size=size)
        self.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def kv(self, rows: list[tuple[str, str]]) -> None:
        self.set_font("noto", size=11)
        for key, value in rows:
            self.cell(40, 8, key)
            self.multi_cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")

    def render(self) -> bytes:
        return bytes(self.output())
