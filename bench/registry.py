"""Bulk registry load (people/bulk.py) against the row-by-row importer (people/importers.py), issue 21.

Generates a synthetic city of N persons, loads it into an empty registry with each path (the database is
emptied in between), then applies a second month with ~2 % changes through the bulk sync. Prints the
seconds, persons per second, the ratio and the peak RSS of this process. PostgreSQL when MINZHENG_DB=postgres
(PG* variables, or bench/_pg.py starts a throw-away server), otherwise SQLite.

    .venv/bin/python bench/registry.py --persons 20000
    MINZHENG_DB=postgres .venv/bin/python bench/registry.py --persons 200000 --skip-old
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings.test")

MONTH = "2025-06"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=20_000)
    ap.add_argument("--skip-old", action="store_true", help="do not time the row-by-row importer")
    ap.add_argument("--batch-size", type=int, default=50_000)
    ap.add_argument("--skip-full", action="store_true", help="do not time a sync against the registry")
    a = ap.parse_args()
    ctx: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
    if os.environ.get("MINZHENG_DB") == "postgres":
        from _pg import postgres

        ctx = postgres()
    with ctx as env:
        if isinstance(env, dict):
            os.environ.update(env)
        import django

        django.setup()
        from django.conf import settings
        from django.test.utils import get_runner

        runner = get_runner(settings)(verbosity=0, interactive=False)
        old = runner.setup_databases()
        try:
            run(a)
        finally:
            runner.teardown_databases(old)


def empty_registry() -> None:
    from minzheng.people.models import Household, Membership, Person, PersonChange, RegistryLoad

    PersonChange.objects.all().delete()
    RegistryLoad.objects.all().delete()
    Membership.objects.all().delete()
    Person.objects.all().delete()
    Household.objects.all().delete()


def next_month(src: Path, dst: Path) -> int:
    """The next month: every 50th person renamed, every 997th moved to another village, every 1009th
    gone from the register (heads stay) and a newborn in every 500th row's household (≈ 2.3 % of the rows
    change); returns the changed rows."""
    import datetime as dt

    from minzheng.core.idnumber import make_id_number

    dst.mkdir(parents=True, exist_ok=True)
    changed = 0
    born: dict[str, int] = {}
    with (
        (src / "persons.csv").open(encoding="utf-8") as fi,
        (dst / "persons.csv").open("w", encoding="utf-8", newline="") as fo,
    ):
        reader = csv.DictReader(fi)
        writer = csv.DictWriter(fo, fieldnames=list(reader.fieldnames or []))
        writer.writeheader()
        village = ""
        for i, row in enumerate(reader):
            if i % 1009 == 2 and row["relation"] != "head":
                changed += 1
                continue
            if i % 50 == 0:
                row["name"] += "改"
                changed += 1
            elif i % 997 == 1 and village and village != row["hukou_region"]:
                row["hukou_region"] = village
                changed += 1
            if i % 1000 == 0:
                village = row["hukou_region"]
            writer.writerow(row)
            if i % 500 == 250:
                region6 = row["id_number"][:6]
                n = born.get(region6, 0)
                born[region6] = n + 1
                birth = dt.date(2025, 6, 1) + dt.timedelta(days=n // 500)
                sex = "F" if n % 2 else "M"
                baby = make_id_number(region6, birth, n % 500, sex)
                writer.writerow(
                    {
                        **row,
                        "id_number": baby,
                        "name": "新生儿",
                        "sex": sex,
                        "birth_date": f"{birth}",
                        "relation": "grandchild",
                    }
                )
                changed += 1
    return changed


def run(a: argparse.Namespace) -> None:
    from django.db import connection

    from minzheng.accounts.system import system_actor
    from minzheng.demo.synth import generate_city, peak_rss_mb
    from minzheng.people.bulk import registry_load
    from minzheng.people.importers import people_import_snapshot
    from minzheng.regions.services import regions_load

    regions_load()
    system = system_actor(purpose="性能测试")
    work = Path(tempfile.mkdtemp(prefix="minzheng-registry-"))
    generate_city(persons=a.persons, seed=3, out_dir=work, month=MONTH, fmt="csv")
    snapshot = work / MONTH
    print(f"database {connection.vendor}, {a.persons:,} persons, batch {a.batch_size:,}")

    old_s = None
    if not a.skip_old:
        t = time.perf_counter()
        people_import_snapshot(snapshot=snapshot, actor=system)
        old_s = time.perf_counter() - t
        print(
            f"row-by-row importer: {old_s:.1f} s ({a.persons / old_s:,.0f}/s), "
            f"peak RSS {peak_rss_mb():.0f} MB"
        )
        empty_registry()

    t = time.perf_counter()
    s = registry_load(snapshot=snapshot, actor=system, batch_size=a.batch_size)
    bulk_s = time.perf_counter() - t
    print(
        f"bulk load: {bulk_s:.1f} s ({a.persons / bulk_s:,.0f}/s), {s['persons_added']:,} persons, "
        f"{s['households_added']:,} households, peak RSS {peak_rss_mb():.0f} MB"
    )
    if old_s:
        print(f"ratio old/bulk: {old_s / bulk_s:.1f}x")

    changed = next_month(snapshot, work / "2025-07")
    t = time.perf_counter()
    s = registry_load(snapshot=work / "2025-07", actor=system, batch_size=a.batch_size)
    sync_s = time.perf_counter() - t
    print(
        f"monthly sync against last month's file ({changed:,} changed rows): {sync_s:.1f} s, "
        f"{s['changes']:,} changes recorded, compared with the {s['compared_with']}"
    )
    print(f"  seconds by step: {s['steps']}")
    if not a.skip_full:  # the reference: the same kind of month compared row by row with the registry
        changed = next_month(work / "2025-07", work / "2025-08")
        t = time.perf_counter()
        s = registry_load(snapshot=work / "2025-08", actor=system, batch_size=a.batch_size, full=True)
        full_s = time.perf_counter() - t
        print(
            f"monthly sync against the registry ({changed:,} changed rows): {full_s:.1f} s, "
            f"{s['changes']:,} changes recorded; ratio registry/file {full_s / sync_s:.1f}x"
        )
        print(f"  seconds by step: {s['steps']}")
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
