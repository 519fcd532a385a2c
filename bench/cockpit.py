"""The city cockpit for a month at city scale (issue 20 "Performance") on PostgreSQL + the snapshot store.

Builds the synthetic city's snapshot with demo.synth.generate_city (the generator bench/screening.py and
shared/bench/anchor_limit.py screen; default 8.3 M persons) and registers it as the month's accepted
snapshot; loads city-scale enrolments (3.1 % of the persons, ≈ 260 k at 8.3 M: dibao, tekun, high-age)
and the month's payroll lines with COPY. Then, in the same run:

  * compute — `cockpit_month_compute` (every measure: one grouped query each over the web database,
    one DuckDB query over the snapshot for population and elders by age band),
  * page — p95 of the city cockpit page for the month, rendered as stored (the real view, test client),
  * per-row — the same figures (persons, households, amounts due and paid by township; population and
    elders by band) counted row by row: ORM `.iterator()` over enrolments and payroll lines, a Python
    loop over the snapshot's persons; its totals must equal the stored figures (asserted).

A throw-away server on its own port (55441, data under /tmp) unless PG* variables point at one.

    .venv/bin/python bench/cockpit.py --small        # CI: 20 k persons
    .venv/bin/python bench/cockpit.py                # 8.3 M persons (a quiet box)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _pg import postgres  # noqa: E402

ENROLLED_SHARE = 0.031  # ≈ 260 k enrolments for 8.3 M persons (anchor_limit.py's city)
PROGRAMMES = (("dibao", 0.55, 2.4, 620), ("tekun", 0.12, 1.0, 1050), ("high_age", 0.33, 1.0, 100))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=8_300_000)
    ap.add_argument("--small", action="store_true", help="20 k persons (CI)")
    ap.add_argument("--repeat", type=int, default=20, help="page renders timed (p95 over these)")
    ap.add_argument("--port", type=int, default=55441)
    a = ap.parse_args()
    if a.small:
        a.persons, a.repeat = 20_000, 10
    with postgres(port=a.port) as env:
        os.environ.update(env)
        os.environ.update(MINZHENG_DB="postgres", DJANGO_SETTINGS_MODULE="minzheng.settings.test")
        run(a)


def run(a: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        with tempfile.TemporaryDirectory(prefix="minzheng-bench-cockpit-") as tmp:
            settings.SNAPSHOT_DIR = Path(tmp)
            measure(a, connection, Path(tmp))
    finally:
        runner.teardown_databases(old)


def _copy(cur: Any, table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def _p95(fn: Callable[[], Any], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]


def snapshot(a: argparse.Namespace, store: Path, month: dt.date) -> float:
    from django.utils import timezone

    from minzheng.demo.synth import generate_city
    from minzheng.exchange.models import Snapshot

    t0 = time.perf_counter()
    generate_city(persons=a.persons, seed=20, out_dir=store / "store", month=f"{month:%Y-%m}")
    Snapshot.objects.create(
        month=f"{month:%Y-%m}",
        manifest_sha256="b" * 64,
        path=f"store/{month:%Y-%m}",
        status="accepted",
        imported_at=timezone.now(),
    )
    return time.perf_counter() - t0


def load(a: argparse.Namespace, connection: Any, month: dt.date) -> tuple[int, float]:
    """Enrolled persons (COPY), their enrolments in payment this month and the month's payroll lines."""
    import numpy as np

    from minzheng.accounts.models import User
    from minzheng.benefits.models import PayrollRun
    from minzheng.regions.models import Region

    rng = np.random.default_rng(20)
    villages = list(Region.objects.filter(level="village").order_by("code").values_list("id", "code"))
    n = max(1, int(a.persons * ENROLLED_SHARE))
    pick = rng.integers(0, len(villages), n)
    which = rng.choice(len(PROGRAMMES), n, p=[p[1] for p in PROGRAMMES])
    sizes = np.maximum(1, rng.poisson(1.4, n) + 1)
    now = dt.datetime.now(dt.UTC)
    maker = User.objects.create(username="bench-maker", role="county_officer")
    runs = {
        c: PayrollRun.objects.create(county_code=c, month=month, status="frozen", generated_by=maker).pk
        for c in sorted({code[:6] for _, code in villages})
    }
    t0 = time.perf_counter()
    with connection.cursor() as c:
        cur = c.cursor
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM people_person")
        base = cur.fetchone()[0]
        _copy(
            cur,
            "people_person",
            (
                "id",
                "id_number_enc",
                "id_hash",
                "id_tail",
                "name",
                "sex",
                "birth_date",
                "hukou_type",
                "hukou_region_id",
                "hukou_code",
                "residence_region_id",
                "region_code",
                "phone_enc",
                "phone_hash",
                "is_alive",
                "created_at",
                "updated_at",
            ),
            (
                (
                    base + i + 1,
                    "",
                    f"{i:064d}",
                    f"{i % 10000:04d}",
                    "对象",
                    "MF"[i % 2],
                    dt.date(1960, 1, 1),
                    "rural" if i % 3 else "urban",
                    villages[pick[i]][0],
                    villages[pick[i]][1],
                    villages[pick[i]][0],
                    villages[pick[i]][1],
                    "",
                    "",
                    True,
                    now,
                    now,
                )
                for i in range(n)
            ),
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('people_person', 'id'), %s)", [base + n])

        def enrolments() -> Iterable[tuple[Any, ...]]:
            for i in range(n):
                code, _, _, amount = PROGRAMMES[which[i]]
                members = int(sizes[i]) if code == "dibao" else 1
                yield (
                    i + 1,
                    code,
                    base + i + 1,
                    villages[pick[i]][1],
                    amount * members,
                    members,
                    dt.date(2020, 1, 1),
                    "",
                    "bench",
                    str(i),
                    "v1",
                    "",
                    now,
                )

        _copy(
            cur,
            "benefits_enrolment",
            (
                "id",
                "programme",
                "person_id",
                "region_code",
                "monthly_amount",
                "members_covered",
                "first_month",
                "tier",
                "source_type",
                "source_id",
                "rule_version",
                "end_reason",
                "created_at",
            ),
            enrolments(),
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('benefits_enrolment', 'id'), %s)", [n])

        def lines() -> Iterable[tuple[Any, ...]]:
            for i in range(n):
                code, _, _, amount = PROGRAMMES[which[i]]
                members = int(sizes[i]) if code == "dibao" else 1
                village = villages[pick[i]][1]
                yield (
                    runs[village[:6]],
                    month,
                    i + 1,
                    "regular",
                    code,
                    base + i + 1,
                    village,
                    amount * members,
                    "",
                    now,
                )

        _copy(
            cur,
            "benefits_payrollline",
            (
                "run_id",
                "month",
                "enrolment_id",
                "kind",
                "programme",
                "person_id",
                "region_code",
                "amount",
                "reason",
                "created_at",
            ),
            lines(),
        )
        cur.execute("ANALYZE")
    return n, time.perf_counter() - t0


def per_row(month: dt.date, store: Path) -> tuple[dict[tuple[str, str], Decimal], float]:
    """The same figures counted one row at a time (the way a report without set-based SQL does it)."""
    import pyarrow.parquet as pq

    from minzheng.benefits.models import PayrollLine
    from minzheng.cockpit.measures import enrolments as active
    from minzheng.cockpit.measures import month_bounds

    t0 = time.perf_counter()
    got: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    first: dict[tuple[str, int], tuple[int, str]] = {}  # a household (or a lone person): its first enrolment
    for e in active(month, month).iterator(chunk_size=5000):
        got[("enrolled", e.region_code[:9])] += e.members_covered
        key = ("h", e.household_id) if e.household_id else ("p", e.person_id)
        if key not in first or e.pk < first[key][0]:
            first[key] = (e.pk, e.region_code[:9])
        got[("due", e.region_code[:9])] += e.monthly_amount
    for _pk, town in first.values():
        got[("households", town)] += 1
    for p in PayrollLine.objects.filter(month=month).iterator(chunk_size=5000):
        got[("paid", p.region_code[:9])] += p.amount
    end = month_bounds(month)[1]
    folder = store / "store" / f"{month:%Y-%m}"
    persons = pq.read_table(folder / "persons.parquet", columns=["id_number", "birth_date", "hukou_region"])
    dead = set()
    if (folder / "deaths.parquet").is_file():  # the deaths delivered: not in the population any more
        deaths = pq.read_table(folder / "deaths.parquet", columns=["id_number", "death_date"])
        for key, died in zip(deaths["id_number"].to_pylist(), deaths["death_date"].to_pylist(), strict=True):
            if died is not None and died <= end:
                dead.add(key)
    columns = [persons[c].to_pylist() for c in ("id_number", "birth_date", "hukou_region")]
    for key, born, region in zip(*columns, strict=True):
        if born is None or born > end or key in dead or not region:
            continue
        got[("population", region[:9])] += 1
        age = end.year - born.year - ((end.month, end.day) < (born.month, born.day))
        if age >= 60:
            got[("elders", region[:9])] += 1
    return got, time.perf_counter() - t0


def measure(a: argparse.Namespace, connection: Any, store: Path) -> None:
    from django.test import Client
    from django.utils import timezone

    from minzheng.accounts.models import User
    from minzheng.accounts.system import system_actor
    from minzheng.cockpit.models import CockpitFigure
    from minzheng.cockpit.services import cockpit_month_compute
    from minzheng.policy.services import policy_load_fixture
    from minzheng.regions.models import Region
    from minzheng.regions.services import regions_load

    regions_load()
    policy_load_fixture()
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    snap_s = snapshot(a, store, month)
    n, load_s = load(a, connection, month)
    system = system_actor(purpose="基准测试")
    t = time.perf_counter()
    cockpit_month_compute(actor=system, month=month, force=True)
    compute_s = time.perf_counter() - t
    city = User.objects.create(
        username="bench-city", role="city_officer", region=Region.objects.get(code="370800")
    )
    client = Client()
    client.force_login(city)
    url = f"/cockpit/?month={month:%Y-%m}"
    assert client.get(url).status_code == 200  # stores the eleven months before (empty) once
    page_s = _p95(lambda: client.get(url), a.repeat)
    rows, per_row_s = per_row(month, store)
    # the set-based stored figures must equal the per-row counts, township by township
    stored = defaultdict(Decimal)
    for code, m, v in CockpitFigure.objects.filter(
        month=month, measure__in=("enrolled", "households", "due", "paid", "population", "elders")
    ).values_list("region_code", "measure", "value"):
        if len(code) == 9:
            stored[(m, code)] += v
    a_rows = {k: v for k, v in rows.items() if v}
    b_rows = {k: v for k, v in stored.items() if v}
    differ = sorted(k for k in a_rows.keys() | b_rows.keys() if a_rows.get(k) != b_rows.get(k))
    assert not differ, (
        len(differ),
        sorted({k[0] for k in differ}),
        [(k, a_rows.get(k), b_rows.get(k)) for k in differ[:3]],
    )
    print(
        f"persons {a.persons:,} (snapshot, generated in {snap_s:.1f} s); enrolments {n:,} + payroll lines "
        f"{n:,} (COPY {load_s:.1f} s); {a.repeat} page renders\n"
    )
    print("| step | time | × set-based compute |\n|---|---|---|")
    print(f"| compute the month (set-based SQL + DuckDB) | {compute_s * 1000:.0f} ms | 1.00 |")
    print(f"| city cockpit page, p95 (as stored) | {page_s * 1000:.0f} ms | {page_s / compute_s:.2f} |")
    ratio = per_row_s / compute_s
    print(f"| the same figures by per-row ORM/Python counting | {per_row_s * 1000:.0f} ms | {ratio:.1f} |")


if __name__ == "__main__":
    main()
