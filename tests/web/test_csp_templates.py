"""The security policy (style-src 'self'; script-src 'self') drops every inline style and handler: a letter
with a <style> block printed unstyled and its 打印 button did nothing. No template may carry one."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "minzheng"
INLINE = re.compile(r"<style\b|<script>(?!\s*</script>)|\sstyle=\"|\son[a-z]+=\"", re.I)


def test_no_template_carries_an_inline_style_or_script_the_browser_would_refuse() -> None:
    offences = {
        str(path.relative_to(SRC)): [
            line for line in path.read_text(encoding="utf-8").splitlines() if INLINE.search(line)
        ]
        for path in SRC.rglob("*.html")
        if INLINE.search(path.read_text(encoding="utf-8"))
    }
    assert offences == {}, offences


def test_printed_documents_load_the_document_stylesheet_and_the_print_script() -> None:
    documents = [p for p in SRC.rglob("*.html") if 'class="document"' in p.read_text(encoding="utf-8")]
    assert len(documents) >= 5
    for path in documents:
        text = path.read_text(encoding="utf-8")
        assert "css/document.css" in text and "js/print.js" in text, path
