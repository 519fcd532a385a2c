"""The data directory at rest after an import and a month's screening: no ID number and no bank-card
number in any file (the store, the screening facts, the alerts, uploads and logs), every file mode 600
and every directory 700. Parquet files are read column by column, since their pages are compressed."""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

from minzheng.core.pii import find_id_numbers, luhn_ok
from minzheng.exchange import pseudonym
from minzheng.monitoring import services as mon
from minzheng.monitoring.models import Alert
from minzheng.people.models import Person
from tests.screening.test_publish import MONTH, city, city_files  # noqa: F401 - fixtures

# 16–19 digits with a card network's leading digits (UnionPay 62, Visa 4, Mastercard 2/5, JCB 35, 6…);
# the city's 16-digit household numbers begin with its region code 37 and are not card numbers.
_CARD = re.compile(r"(?<![0-9])(?:[2456]|35)[0-9]{14,17}(?![0-9])")


def _ids(text: str) -> list[str]:
    """GB 11643 ID numbers (check character, valid birth date) of a province (GB/T 2260: 11–82) born by
    now; without the last two conditions employers' credit codes (91…, 18 characters) would pass."""
    return [i for i in find_id_numbers(text) if 11 <= int(i[:2]) <= 82 and int(i[6:10]) <= 2026]


def _cards(text: str) -> list[str]:
    return [m for m in _CARD.findall(text) if luhn_ok(m)]


def _texts(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        return [
            "\n".join(str(v) for v in table.column(i).to_pylist() if v is not None)
            for i, f in enumerate(table.schema)
            if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
        ]
    return [path.read_bytes().decode("utf-8", errors="ignore")]


def scan(root: Path) -> tuple[dict[str, list[str]], list[str]]:
    """(file → ID or card numbers found, paths with a mode open to others)."""
    found: dict[str, list[str]] = {}
    open_modes: list[str] = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            open_modes.append(f"{path.relative_to(root)} {mode:o}")
        if path.is_file():
            hits = [h for t in _texts(path) for h in (*_ids(t), *_cards(t))]
            if hits:
                found[str(path.relative_to(root))] = hits[:3]
    return found, open_modes


def test_after_an_import_and_a_screening_the_data_directory_holds_no_id_or_card_number_and_is_private(
    city: Any,  # noqa: F811
) -> None:
    run = mon.screening_run(actor=city, month=MONTH)
    root = Path(settings.SNAPSHOT_DIR)

    found, open_modes = scan(root)

    assert run.summary["alerts"] > 0 and (root / "screening" / f"alerts-{MONTH}.parquet").is_file()
    assert any(root.glob("store/*/facts-*/*.parquet"))  # the facts were scanned too
    assert found == {}
    assert open_modes == []
    # the alerts still name their persons: blind index and masked ID from the store's persons
    linked = Alert.objects.filter(run=run, person__isnull=False).select_related("person")
    assert linked.exists()
    assert all(a.id_hash == a.person.id_hash and a.id_masked == a.person.id_masked for a in linked[:200])
    assert not Alert.objects.filter(run=run, id_masked="").exclude(person__isnull=False).exists()
    person = Person.objects.first()
    assert person is not None and pseudonym.key_of_hash(person.id_hash) == pseudonym.key_of_id(
        person.id_number
    )
