"""Pinyin of administrative unit names (行政区划), computed with pypinyin (pure Python, offline): the
toned form people read (任城区 → Rènchéngqū) and the toneless search key ("renchengqu")."""

from __future__ import annotations

import unicodedata

from pypinyin import Style, pinyin


def toneless_pinyin(text: str) -> str:
    """汉语拼音 as it is searched: tone marks and the dots of ü dropped (v typed for ü), no spaces,
    apostrophes or hyphens, lower case: "Chóngwén Jiē" → "chongwenjie", so "chongwen" finds it."""
    folded = unicodedata.normalize("NFKD", text or "").lower().replace("v", "u")
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def name_pinyin(name: str) -> str:
    """The toned pinyin of a unit's name, one word, first letter capital (GB/T 16159 writes a place name's
    proper part as one word); characters pypinyin does not know are left out."""
    syllables = [s[0] for s in pinyin(name or "", style=Style.TONE, errors="ignore")]
    word = "".join(syllables)
    return word[:1].upper() + word[1:]
