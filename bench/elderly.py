"""The elder registry at city scale (issue 14 "Benchmarks and scale") on PostgreSQL: a synthetic elder
population (default 1.9 M residents aged 60+, spread over the city's villages) with elder profiles and a
year of visits for the special elders, loaded with COPY (not the ORM). Then, in the same run, the p95 of

  * the elder registry list (filtered by county, age band and situation, paged: the real selector
    `elderly.selectors.elder_registry` through the real view, count and first page),
  * the monthly visit-rate report (`visits.selectors.visit_rate`, grouped by township and county),
  * the 12349 dispatch search (`homecare.selectors.dispatch_candidates`: carers within 3 km),

next to a plain `SELECT COUNT(*)` over the person table, printed as ratios. A throw-away server on its
own port (55440, data under /tmp) unless PG* variables point at one.

    .venv/bin/python bench/elderly.py --elders 200000
    .venv/bin/python bench/elderly.py            # 1.9 M (the lead, on a quiet box)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _pg import postgres  # noqa: E402

UNUSABLE = "!"  # Django's unusable-password marker: bench accounts never log in
SPECIAL = ("alone", "empty_nest", "left_behind", "special_family")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--elders", type=int, default=1_900_000)
    ap.add_argument("--repeat", type=int, default=20, help="timed runs per query (p95 over these)")
    ap.add_argument("--carers", type=int, default=3000)
    ap.add_argument("--port", type=int, default=55440)
    ap.add_argument("--explain", action="store_true", help="print the visit-rate statement's plan")
    a = ap.parse_args()
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

    setup_test_environment()  # the test client's host, as the suite has it
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        measure(a, connection)
    finally:
        runner.teardown_databases(old)


def _copy(cur: Any, table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def _p95(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm: plans and caches, as a page the office keeps open
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]


def load(a: argparse.Namespace, connection: Any, today: dt.date) -> dict[str, Any]:
    import numpy as np

    from minzheng.accounts.models import User
    from minzheng.regions.models import Region
    from minzheng.regions.services import regions_load

    regions_load()
    visitor = User.objects.create(
        username="bench-visitor", role="village_assistant", region=Region.objects.get(code="370811")
    ).pk
    rng = np.random.default_rng(14)
    villages = list(Region.objects.filter(level="village").order_by("code").values_list("id", "code"))
    n = a.elders
    now = dt.datetime.now(dt.UTC)
    pick = rng.integers(0, len(villages), n)
    ages = np.minimum(60 + rng.exponential(11, n).astype(int), 104)
    days = rng.integers(0, 365, n)
    hukou = np.where(rng.random(n) < 0.55, "rural", "urban")
    alive = rng.random(n) > 0.01
    t0 = time.perf_counter()
    with connection.cursor() as c:
        cur = c.cursor  # the psycopg cursor under Django's wrapper: COPY
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM people_person")
        base = cur.fetchone()[0]

        def persons() -> Iterable[tuple[Any, ...]]:
            for i in range(n):
                vid, code = villages[pick[i]]
                born = today.replace(year=today.year - int(ages[i]), day=1) - dt.timedelta(days=int(days[i]))
                yield (
                    base + i + 1,
                    "",
                    f"{i:064d}",
                    f"{i % 10000:04d}",
                    "老人",
                    "MF"[i % 2],
                    born,
                    str(hukou[i]),
                    vid,
                    code,
                    vid,
                    code,
                    "",
                    "",
                    bool(alive[i]),
                    None if alive[i] else today - dt.timedelta(days=30),
                    now,
                    now,
                )

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
                "death_date",
                "created_at",
                "updated_at",
            ),
            persons(),
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('people_person', 'id'), %s)", [base + n])
        # Elder profiles: a situation for 70 % (a quarter of them special), a level for 30 %.
        situations = np.array(["alone", "empty_nest", "left_behind", "special_family", "with_family"])
        sit = situations[rng.choice(5, n, p=[0.06, 0.1, 0.05, 0.01, 0.78])]
        has_profile = rng.random(n) < 0.7
        level = rng.choice(5, n, p=[0.6, 0.2, 0.1, 0.06, 0.04])
        assessed = rng.random(n) < 0.3
        ass_days = rng.integers(0, 500, n)

        def profiles() -> Iterable[tuple[Any, ...]]:
            for i in range(n):
                if not has_profile[i]:
                    continue
                yield (
                    base + i + 1,
                    villages[pick[i]][1],
                    str(sit[i]),
                    bool(i % 2),
                    today - dt.timedelta(days=400),
                    int(level[i]) if assessed[i] else None,
                    today - dt.timedelta(days=int(ass_days[i])) if assessed[i] else None,
                    now,
                )

        _copy(
            cur,
            "elderly_elderprofile",
            (
                "person_id",
                "region_code",
                "living_situation",
                "children_nearby",
                "situation_recorded_on",
                "capability_level",
                "capability_assessed_on",
                "updated_at",
            ),
            profiles(),
        )
        # A year of visits of the special elders: about one a month each, a few months missed.
        special = [i for i in range(n) if has_profile[i] and str(sit[i]) in SPECIAL]
        months = [(today.replace(day=1) - dt.timedelta(days=30 * k)).replace(day=1) for k in range(12)]

        def visits() -> Iterable[tuple[Any, ...]]:
            for i in special:
                code = villages[pick[i]][1]
                for m in months:
                    if rng.random() < 0.12:
                        continue
                    yield (
                        base + i + 1,
                        code,
                        visitor,
                        m + dt.timedelta(days=int(rng.integers(0, 27))),
                        "home",
                        "good",
                        "safe",
                        "[]",
                        "",
                        "",
                        now,
                    )

        _copy(
            cur,
            "visits_visit",
            (
                "elder_id",
                "region_code",
                "visitor_id",
                "visited_on",
                "mode",
                "health",
                "safety",
                "needs",
                "note",
                "photo",
                "created_at",
            ),
            visits(),
        )
        cur.execute("ANALYZE")
        cur.execute("SELECT COUNT(*) FROM visits_visit")
        n_visits = cur.fetchone()[0]
    return {"setup_s": time.perf_counter() - t0, "special": len(special), "visits": n_visits}


def carers(a: argparse.Namespace) -> list[Any]:
    """Providers and carers spread over the city (bulk_create: a few thousand rows), and households with
    coordinates to dispatch from."""
    import random

    from minzheng.accounts.models import User
    from minzheng.homecare.models import Carer, Provider

    rng = random.Random(14)
    lat0, lon0 = 35.41, 116.59  # 济宁
    providers = Provider.objects.bulk_create(
        Provider(name=f"服务商{k}", region_code="370811", latitude=lat0, longitude=lon0) for k in range(60)
    )
    users = User.objects.bulk_create(
        User(username=f"bench-carer-{k}", role="carer", password=UNUSABLE) for k in range(a.carers)
    )
    Carer.objects.bulk_create(
        Carer(
            provider=providers[k % len(providers)],
            user=u,
            name="护理员",
            region_code="370811",
            certificate="养老护理员",
            certificate_no=f"C{k}",
            latitude=round(lat0 + rng.uniform(-0.6, 0.6), 6),
            longitude=round(lon0 + rng.uniform(-0.8, 0.8), 6),
        )
        for k, u in enumerate(users)
    )
    return [
        (round(lat0 + rng.uniform(-0.5, 0.5), 6), round(lon0 + rng.uniform(-0.7, 0.7), 6)) for _ in range(50)
    ]


def measure(a: argparse.Namespace, connection: Any) -> None:
    from django.db.models import Count, Exists, OuterRef, Q
    from django.db.models.functions import Substr
    from django.test import Client
    from django.utils import timezone

    from minzheng.accounts.models import User
    from minzheng.homecare.models import Order
    from minzheng.homecare.selectors import dispatch_candidates
    from minzheng.people.models import Household
    from minzheng.policy.services import policy_load_fixture
    from minzheng.regions.models import Region
    from minzheng.visits.models import Visit
    from minzheng.visits.selectors import month_bounds, rate_rows, readable_elders, visit_rate

    policy_load_fixture()
    today = timezone.localdate()
    facts = load(a, connection, today)
    points = carers(a)
    officer = User.objects.create(
        username="bench-yanglao", role="elderly_officer", region=Region.objects.get(code="370811")
    )
    city = User.objects.create(
        username="bench-shiji", role="city_officer", region=Region.objects.get(code="370800")
    )
    client = Client()
    client.force_login(officer)

    def registry() -> None:
        r = client.get("/elderly/", {"age_band": "80", "living_situation": "alone", "page": "3"})
        assert r.status_code == 200, r.status_code

    def registry_plain() -> None:
        r = client.get("/elderly/", {"page": "2"})
        assert r.status_code == 200, r.status_code

    def rate() -> None:
        report = visit_rate(actor=city, month=today.replace(day=1))
        assert report.total > 0

    def rate_exists() -> None:
        """The report as it was before (a correlated EXISTS per elder), in the same run for comparison."""
        start, end = month_bounds(today)
        seen = Exists(Visit.objects.filter(elder_id=OuterRef("person_id"), visited_on__range=(start, end)))
        rows = list(
            readable_elders(actor=city, on=end)
            .annotate(town=Substr("region_code", 1, 9), seen=seen)
            .values("town")
            .annotate(total=Count("pk"), visited=Count("pk", filter=Q(seen=True)))
        )
        assert rows

    k = iter(range(10**9))

    def dispatch() -> None:
        lat, lon = points[next(k) % len(points)]
        order = Order(
            region_code="370811001001",
            scheduled_at=timezone.now(),
            household=Household(latitude=lat, longitude=lon),
        )
        list(dispatch_candidates(order=order)[:20])

    def count() -> None:
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM people_person")
            cur.fetchone()

    results = [
        ("plain `SELECT COUNT(*)` over people_person", _p95(count, a.repeat)),
        ("elder registry page (county, 80–89岁, 独居, page 3)", _p95(registry, a.repeat)),
        ("elder registry page (county, unfiltered, page 2)", _p95(registry_plain, a.repeat)),
        ("monthly visit-rate report (city)", _p95(rate, a.repeat)),
        ("the same report as before: an EXISTS per elder", _p95(rate_exists, a.repeat)),
        ("12349 dispatch search (carers within 3 km)", _p95(dispatch, a.repeat)),
    ]
    base = results[0][1]
    if a.explain:  # the plan of the visit-rate statement, as the database ran it
        print(rate_rows(actor=city, month=today.replace(day=1)).explain(analyze=True, buffers=True), "\n")
    print(
        f"elders {a.elders:,}, special {facts['special']:,}, visits {facts['visits']:,}, "
        f"carers {a.carers:,}; load {facts['setup_s']:.1f} s (COPY); {a.repeat} runs each\n"
    )
    print("| query | p95 | × COUNT(*) |\n|---|---|---|")
    for name, s in results:
        print(f"| {name} | {s * 1000:.1f} ms | {s / base:.2f} |")


if __name__ == "__main__":
    main()
