"""The one make-and-check rule (经办与复核分离) every line uses: the maker never checks their own record."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from minzheng.accounts.makecheck import SAME_PERSON, is_other_person, require_other_person


def test_the_maker_is_refused_in_chinese_and_another_person_passes():
    maker, other = SimpleNamespace(pk=7), SimpleNamespace(pk=8)
    with pytest.raises(ValidationError, match=SAME_PERSON):
        require_other_person(maker, 7)
    with pytest.raises(ValidationError, match="编制人不能审定"):
        require_other_person(maker, 7, message="编制人不能审定自己编制的名单")
    require_other_person(other, 7)
    assert is_other_person(other, 7) and not is_other_person(maker, 7)
    assert is_other_person(maker, None)  # a record made by nobody (a load) may be checked by anyone


def test_every_make_and_check_line_uses_the_shared_rule_not_an_inline_comparison():
    from pathlib import Path

    import minzheng

    root = Path(minzheng.__file__).parent
    for app in ("integrity", "credit", "specialfamilies", "funds"):
        text = (root / app / "services.py").read_text(encoding="utf-8")
        assert "require_other_person(" in text, app
        for maker in ("recorded_by_id ==", "proposed_by_id ==", "prepared_by_id =="):
            assert maker not in text, (app, maker)
