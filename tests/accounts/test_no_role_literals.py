"""Who may do what lives in one place, the matrix in accounts/permissions.py: outside accounts no code or
template names a role (a quoted role value, a `Role.X` member or `has_role`). Migrations and the demo users
are data, and the deployment's settings name the roles that need a second factor."""

from __future__ import annotations

import re
from pathlib import Path

from minzheng.accounts.models import Role

SRC = Path(__file__).resolve().parents[2] / "src" / "minzheng"
EXEMPT = ("accounts/", "demo/", "settings/", "locale/")

ROLE_VALUE = re.compile("[\"']({})[\"']".format("|".join(map(re.escape, Role.values))))
ROLE_MEMBER = re.compile(r"\bRole\.({})\b".format("|".join(Role.names)))
HAS_ROLE = re.compile(r"\bhas_role\b")


def _offences(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if ROLE_VALUE.search(line) or ROLE_MEMBER.search(line) or HAS_ROLE.search(line):
            found.append(f"{number}: {line.strip()}")
    return found


def _scanned() -> list[Path]:
    files = []
    for path in sorted([*SRC.rglob("*.py"), *SRC.rglob("*.html")]):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in rel or rel.startswith(EXEMPT):
            continue
        files.append(path)
    return files


def test_no_code_or_template_outside_accounts_names_a_role() -> None:
    offences = {
        path.relative_to(SRC).as_posix(): found
        for path in _scanned()
        if (found := _offences(path.read_text(encoding="utf-8")))
    }
    assert offences == {}, "ask accounts.permissions.require/can (or the `can` filter) instead: " + str(
        offences
    )


def test_the_scan_sees_the_apps_and_would_catch_each_kind_of_role_check() -> None:
    scanned = {p.relative_to(SRC).as_posix() for p in _scanned()}
    assert {
        "exchange/views.py",
        "monitoring/services.py",
        "web/selectors.py",
        "web/templates/web/base.html",
    } <= (scanned)
    for line in (
        'if has_role(user, "city_officer"):',
        "    Role.TOWNSHIP_CLERK: (_submitted,),",
        "{% if user.role == 'auditor' %}",
    ):
        assert _offences(line), line
    assert not _offences('require(actor, "payroll.freeze")') and not _offences("for v, label in Role.choices")
