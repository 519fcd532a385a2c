"""Chinese PDF documents (notice letters, verification reports) with a vendored CJK font: government
intranets are offline and a fresh machine has no Chinese fonts. Font: Noto Sans CJK SC (SIL OFL 1.1),
subset to GB 2312 + ASCII (see fonts/COPYRIGHT-NotoSansCJK.txt)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

FONT = Path(__file__).parent / "fonts" / "NotoSansSC-GB2312.otf"
# Characters outside GB 2312 that our texts use, and the glyph printed instead (fpdf drops a character
# the font lacks, so "537 − 193.33" would print as "537 193.33").
SUBSTITUTES = {
    "\u2212": "-",  # minus sign
    "\u2013": "-",  # en dash
    "\u00a0": " ",
    "\u3000": "  ",
    "\u2022": "·",
}


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(FONT)).getBestCmap())


def printable(text: str) -> str:
    """`text` with every character the font can draw: known substitutes, then the NFKC form, else "?"
    (visible, never silently missing)."""
    glyphs = _glyphs()
    out = []
    for ch in text:
        if ord(ch) in glyphs or ch in "\n\t":
            out.append(ch)
            continue
        alt = SUBSTITUTES.get(ch) or unicodedata.normalize("NFKC", ch)
        out.append(alt if alt and all(ord(c) in glyphs for c in alt) else "?")
    return "".join(out)


class ChineseDocument(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.said: list[str] = [title]  # what the document says, in order (for tests and previews)
        self.add_font("noto", "", str(FONT))
        self.set_title(title)
        self.set_auto_page_break(auto=True, margin=20)
        self.add_page()
        self.set_font("noto", size=18)
        self.cell(0, 14, printable(title), align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)
        self.set_font("noto", size=12)

    def para(self, text: str, size: int = 12, height: float = 8, align: str = "L") -> None:
        self.said.append(text)
        self.set_font("noto", size=size)
        self.multi_cell(0, height, printable(text), align=align, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def line_right(self, text: str, size: int = 12, height: float = 8) -> None:
        self.said.append(text)
        self.set_font("noto", size=size)
        self.cell(0, height, printable(text), align="R", new_x="LMARGIN", new_y="NEXT")

    def line_center(self, text: str, size: int = 12, height: float = 8) -> None:
        self.said.append(text)
        self.set_font("noto", size=size)
        self.cell(0, height, printable(text), align="C", new_x="LMARGIN", new_y="NEXT")

    def kv(self, rows: list[tuple[str, str]], key_width: float = 40) -> None:
        self.set_font("noto", size=11)
        for key, value in rows:
            self.said.append(f"{key}：{value}")
            self.cell(key_width, 8, printable(key))
            self.multi_cell(0, 8, printable(value), new_x="LMARGIN", new_y="NEXT")

    def seal(self, office: str, date_text: str) -> None:
        """盖章处: the issuing office and the date at the bottom right, and a dashed circle the size of an
        official seal (42 mm) over them, since the seal is stamped across the name and the date (骑年盖月)."""
        self.said += ["（盖章）", office, date_text]
        self.ln(10)
        if self.get_y() > self.h - 70:
            self.add_page()
        self.ln(12)
        top = self.get_y()
        self.set_font("noto", size=12)
        self.cell(0, 8, printable(office), align="R", new_x="LMARGIN", new_y="NEXT")
        self.cell(0, 8, printable(date_text), align="R", new_x="LMARGIN", new_y="NEXT")
        width = max(self.get_string_width(printable(office)), self.get_string_width(printable(date_text)))
        diameter = 42.0
        centre_x = self.w - self.r_margin - width / 2
        centre_y = top + 8
        self.set_draw_color(170, 170, 170)
        self.set_dash_pattern(dash=1.5, gap=1.5)
        self.ellipse(centre_x - diameter / 2, centre_y - diameter / 2, diameter, diameter)
        self.set_dash_pattern()
        self.set_draw_color(0, 0, 0)
        self.set_font("noto", size=9)
        self.set_text_color(150, 150, 150)
        self.set_xy(centre_x - diameter / 2, centre_y - diameter / 2 + 3)
        self.cell(diameter, 5, printable("（盖章）"), align="C")
        self.set_text_color(0, 0, 0)
        self.set_xy(self.l_margin, top + 16 + diameter / 2 - 8)
        self.ln(4)

    @property
    def plain_text(self) -> str:
        return "\n".join(self.said)

    def render(self) -> bytes:
        return bytes(self.output())
