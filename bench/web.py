"""The web application under load at two city sizes (issue 21): PostgreSQL, production settings, gunicorn.

For each size N: a fresh database is migrated, a synthetic city of N persons is loaded through the bulk path
(people/bulk.py registry_load), a few hundred alerts, enrolments and a payroll roll are added, and the
production server (gunicorn, as in deploy/systemd/minzheng-web.service) serves it on a loopback port. A
bounded load script (threads, `--users` concurrent users, `--requests` requests in all, loopback only) then
asks for: lookup by full ID, name search, person page, household page, township worklist, alert list and
payroll list. Prints p50/p95/max and errors per page per size, and the ratio largest/smallest.
`--max-errors 0` makes it exit non-zero on any error (CI). PG* variables name the server, otherwise
bench/_pg.py starts a throw-away one.

    .venv/bin/python bench/web.py --persons 10000 200000 --users 20 --requests 700
    .venv/bin/python bench/web.py --persons 10000 --users 8 --requests 280 --max-errors 0   # CI
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
PY = sys.executable
BIN = Path(PY).parent
MONTH = "2025-06"
PAGES = ("lookup", "name", "person", "household", "worklist", "alerts", "payroll")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, nargs="+", default=[10_000, 200_000])
    ap.add_argument("--users", type=int, default=20, help="concurrent users (threads)")
    ap.add_argument("--requests", type=int, default=700, help="requests per size, spread over the pages")
    ap.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a user reads a page before the next request (uniform 0.5–1.5× the mean; the "
        "users start spread over one think time); 0 = each user fires back to back (saturation)",
    )
    ap.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    ap.add_argument("--port", type=int, default=8761)
    ap.add_argument("--worker", action="store_true", help="run the job queue's worker beside the server")
    ap.add_argument("--max-errors", type=int, default=-1, help="exit 1 if more errors than this")
    ap.add_argument(
        "--template",
        default="",
        help="a migrated database to copy, with the migrations' reference data (a test database that a "
        "transactional test flushed has none); skips the ~1–6 min migrate",
    )
    ap.add_argument("--setup", default="", help=argparse.SUPPRESS)  # internal: load one database
    a = ap.parse_args()
    if a.setup:
        setup(a.persons[0], Path(a.setup))
        return
    pg: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()
    if not os.environ.get("PGHOST"):
        from _pg import postgres

        pg = postgres()
    with pg as env, tempfile.TemporaryDirectory(prefix="minzheng-web-") as tmp:
        if isinstance(env, dict):
            os.environ.update(env)
        results = {n: run_size(a, n, Path(tmp)) for n in a.persons}
    report(a, results)
    errors = sum(r["errors"] for per in results.values() for r in per.values())
    if a.max_errors >= 0 and errors > a.max_errors:
        raise SystemExit(f"{errors} errors (allowed {a.max_errors})")


def server_env(database: str, data_dir: Path) -> dict[str, str]:
    """Production settings with throw-away keys, as deploy/minzheng.env.example describes them."""
    key = base64.urlsafe_b64encode(b"bench-field-key-" + b"0" * 16).decode()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "minzheng.settings.production",
        "MINZHENG_DB": "postgres",
        "PGDATABASE": database,
        "MINZHENG_SECRET_KEY": "bench-" + "s" * 50,
        "MINZHENG_FIELD_KEYS": key,
        "MINZHENG_HASH_KEY": "bench-hash-key-0123456789",
        "MINZHENG_AUDIT_KEY": "bench-audit-key-0123456789abcdef",
        "MINZHENG_SNAPSHOT_VOLUME_ENCRYPTED": "1",
        "MINZHENG_DATA_DIR": str(data_dir),
        "MINZHENG_ALLOWED_HOSTS": "localhost",
        "MINZHENG_DB_POOL_MAX": "4",
        "PYTHONPATH": str(ROOT / "src"),
    }


def psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(dbname=os.environ.get("PGDATABASE", "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def run_size(a: argparse.Namespace, n: int, tmp: Path) -> dict[str, dict[str, Any]]:
    database = f"minzheng_web_{n}"
    data = tmp / f"data-{n}"
    data.mkdir()
    psql(f"DROP DATABASE IF EXISTS {database}")
    psql(f"CREATE DATABASE {database}" + (f" TEMPLATE {a.template}" if a.template else ""))
    env = server_env(database, data)
    try:
        t = time.perf_counter()
        subprocess.run(
            [PY, __file__, "--setup", str(data / "targets.json"), "--persons", str(n)], env=env, check=True
        )
        print(f"{n:,} persons: database ready in {time.perf_counter() - t:.0f} s", flush=True)
        subprocess.run([str(BIN / "minzheng"), "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
        targets = json.loads((data / "targets.json").read_text())
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "minzheng.wsgi:application",
                "--bind",
                f"127.0.0.1:{a.port}",
                "--workers",
                str(a.workers),
                "--access-logfile",
                "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
                "--error-logfile",
                str(data / "gunicorn.log"),
            ],
            env=env,
            start_new_session=True,
        )
        # The job queue's worker as deploy/systemd/minzheng-worker.service runs it, beside the server.
        worker = (
            subprocess.Popen(
                [
                    str(BIN / "minzheng"),
                    "db_worker",
                    "--no-reload",
                    "--interval",
                    "2",
                    "--queue-name",
                    "default",
                ],
                env=env,
                start_new_session=True,
            )
            if a.worker
            else None
        )
        try:
            wait_for(a.port, server)
            result = drive(a, targets)
            if worker is not None and worker.poll() is not None:
                raise SystemExit(f"the job worker exited during the load ({worker.returncode})")
            return result
        finally:
            for proc in (server, worker):
                if proc is not None and proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=60)
    finally:
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("gunicorn exited at start")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


# ---------------------------------------------------------------- one database: migrate, load, sample


def setup(n: int, out: Path) -> None:
    import django

    django.setup()
    import pyarrow.parquet as pq
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    t = time.perf_counter()
    call_command("migrate", verbosity=0)  # a no-op on a --template copy
    print(f"migrate {time.perf_counter() - t:.0f} s", flush=True)
    from minzheng.policy.services import policy_load_fixture
    from minzheng.regions.models import Region
    from minzheng.regions.services import regions_load

    if not Region.objects.exists():  # the region tree and policy tables, as `setup_demo` loads them
        regions_load()
        policy_load_fixture()
    from minzheng.accounts.models import User
    from minzheng.accounts.system import system_actor
    from minzheng.benefits.importers import enrolments_import
    from minzheng.benefits.services import payroll_generate
    from minzheng.demo.synth import generate_city
    from minzheng.monitoring.models import Alert, RunStatus, ScreeningRun
    from minzheng.people.bulk import registry_load
    from minzheng.people.models import Household, Membership, Person

    system = system_actor(purpose="性能测试")
    with tempfile.TemporaryDirectory(prefix="minzheng-web-city-") as tmp:
        generate_city(persons=n, seed=21, out_dir=Path(tmp), month=MONTH, fmt="csv")
        t = time.perf_counter()
        registry_load(snapshot=Path(tmp) / MONTH, actor=system)
        load_s = time.perf_counter() - t
        # A sample of the existing enrolments (the importer is not the bulk path; a few thousand suffice).
        sample = Path(tmp) / "enrolments-sample.parquet"
        pq.write_table(pq.read_table(Path(tmp) / "enrolments.parquet").slice(0, 3000), sample)
        enrolments_import(path=sample, actor=system)
        # The targets: persons and households of the busiest township.
        ids = []
        import csv

        with (Path(tmp) / MONTH / "persons.csv").open(encoding="utf-8") as fh:
            for i, row in enumerate(csv.DictReader(fh)):
                if i % max(1, n // 200) == 0:
                    ids.append((row["id_number"], row["name"], row["hukou_region"]))
    village = max({r[2] for r in ids}, key=lambda c: sum(1 for r in ids if r[2] == c))
    levels = dict(Region.objects.filter(code__in=[village[:6], village[:9]]).values_list("level", "code"))
    county = levels.get("county", village[:6])
    township = levels.get("township", county)
    print(f"registry_load {load_s:.1f} s; targets in {township}", flush=True)
    people = list(
        Person.objects.filter(region_code__startswith=village[:9]).values_list("pk", flat=True)[:200]
    )
    households = list(
        Household.objects.filter(region_code__startswith=village[:9]).values_list("pk", flat=True)[:200]
    )
    run = ScreeningRun.objects.create(month=MONTH, status=RunStatus.PUBLISHED)
    members = Membership.objects.filter(household_id__in=households, relation="head").select_related(
        "person", "household"
    )
    Alert.objects.bulk_create(
        Alert(
            run=run,
            month=MONTH,
            rule=f"bench_{i % 7}",
            rule_name="收入超标",
            severity="high",
            id_hash=m.person.id_hash or f"{i:064d}",
            id_masked="3708**********0021",
            household_no=m.household.number,
            person=m.person,
            household=m.household,
            region_code=m.household.region_code,
            evidence={},
            trend="new",
        )
        for i, m in enumerate(members)
    )
    sessions = {}
    for role, code in (("township_clerk", township), ("county_officer", county)):
        user = User(username=f"bench_{role}", role=role, region=Region.objects.get(code=code))
        user.set_password(secrets.token_urlsafe(16))
        user.save()
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        s = SessionStore()
        s["_auth_user_id"] = str(user.pk)
        s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        s["_auth_user_hash"] = user.get_session_auth_hash()
        s["otp_device_id"] = device.persistent_id
        s.create()
        sessions[role] = s.session_key
        officer = user
    try:
        roll: int | None = payroll_generate(actor=officer, county_code=county, month=dt_first(MONTH)).pk
    except ValidationError as e:  # the page is still measured, with no roll in it
        print(f"no payroll roll for {county}: {e.messages[0]}", flush=True)
        roll = None
    out.write_text(
        json.dumps(
            {
                "persons": Person.objects.count(),
                "load_seconds": round(load_s, 1),
                "ids": [r[0] for r in ids],
                "names": sorted({r[1][:1] for r in ids}),
                "person_pks": people,
                "household_pks": households,
                "sessions": sessions,
                "roll": roll,
                "now": str(timezone.now()),
            }
        )
    )


def dt_first(month: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(f"{month}-01")


# ---------------------------------------------------------------- the load: bounded threads on loopback


def request_for(page: str, t: dict[str, Any], rnd: random.Random) -> tuple[str, str, dict[str, str], str]:
    """(method, path, form, session role) of one request to `page`."""
    if page == "lookup":
        return "POST", "/people/", {"q": rnd.choice(t["ids"])}, "township_clerk"
    if page == "name":
        return "POST", "/people/", {"q": rnd.choice(t["names"])}, "township_clerk"
    if page == "person":
        return "GET", f"/people/{rnd.choice(t['person_pks'])}/", {}, "township_clerk"
    if page == "household":
        return "GET", f"/households/{rnd.choice(t['household_pks'])}/", {}, "township_clerk"
    if page == "worklist":
        return "GET", "/assistance/", {}, "township_clerk"
    if page == "alerts":
        return "GET", "/monitoring/", {}, "township_clerk"
    return "GET", "/payroll/", {}, "county_officer"


def drive(a: argparse.Namespace, t: dict[str, Any]) -> dict[str, dict[str, Any]]:
    csrf = secrets.token_hex(16)  # 32 characters: Django's unmasked secret, sent as cookie and header
    plan = [PAGES[i % len(PAGES)] for i in range(a.requests)]
    random.Random(7).shuffle(plan)
    lock = threading.Lock()
    times: dict[str, list[float]] = {p: [] for p in PAGES}
    errors: dict[str, int] = dict.fromkeys(PAGES, 0)
    samples: list[str] = []
    measured = False

    def user(k: int) -> None:
        rnd = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=60)
        if a.think and measured:
            time.sleep(rnd.uniform(0, a.think))
        while True:
            with lock:
                if not plan:
                    break
                page = plan.pop()
            method, path, form, role = request_for(page, t, rnd)
            headers = {
                "Host": "localhost",
                "X-Forwarded-Proto": "https",
                "Cookie": f"sessionid={t['sessions'][role]}; csrftoken={csrf}",
                "Accept-Language": "zh-hans",
            }
            body = None
            if method == "POST":
                body = urllib.parse.urlencode(form)
                headers |= {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": csrf,
                    "Referer": "https://localhost/people/",
                }
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
                status = str(resp.status)
            except (OSError, http.client.HTTPException) as e:
                ok, status = False, type(e).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=60)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                times[page].append(elapsed)
                if not ok:
                    errors[page] += 1
                    if len(samples) < 5:
                        samples.append(f"{page} {method} {path} → {status}")
            if a.think and measured:
                time.sleep(rnd.uniform(0.5 * a.think, 1.5 * a.think))
        conn.close()

    # Warm-up, not measured: every gunicorn worker imports the application on its first requests.
    warm = list(plan)
    plan[:] = [p for p in PAGES for _ in range(a.workers * 2)]
    threads = [threading.Thread(target=user, args=(k,)) for k in range(a.workers * 2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    plan[:] = warm
    for p in PAGES:
        times[p].clear()
        errors[p] = 0
    samples.clear()
    measured = True
    threads = [threading.Thread(target=user, args=(k,)) for k in range(a.users)]
    start = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - start
    for s in samples:
        print("  error:", s)
    print(
        f"{t['persons']:,} persons (bulk load {t['load_seconds']} s): {a.requests} requests, "
        f"{a.users} users" + (f" (think {a.think:g} s)" if a.think else " (no think time)") + ", "
        f"{wall:.1f} s, {a.requests / wall:.1f} req/s",
        flush=True,
    )
    return {p: {**stats(times[p]), "errors": errors[p]} for p in PAGES}


def stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "max": 0.0, "n": 0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1], "n": len(ordered)}


def report(a: argparse.Namespace, results: dict[int, dict[str, dict[str, Any]]]) -> None:
    sizes = sorted(results)
    think = f", think time {a.think:g} s" if a.think else ", no think time"
    print(
        f"\nper page, ms ({a.users} concurrent users{think}, gunicorn {a.workers} workers, "
        "production settings)"
    )
    head = " | ".join(f"{n:,}: p50 / p95 / max / err" for n in sizes)
    ratio = f" | p95 ×{sizes[-1] // sizes[0]} persons" if len(sizes) > 1 else ""
    print(f"| page | {head}{ratio} |")
    for p in PAGES:
        cells = " | ".join(
            f"{results[n][p]['p50']:.0f} / {results[n][p]['p95']:.0f} / {results[n][p]['max']:.0f} / "
            f"{results[n][p]['errors']}"
            for n in sizes
        )
        if len(sizes) > 1:
            small, big = results[sizes[0]][p]["p95"], results[sizes[-1]][p]["p95"]
            cells += f" | {big / small:.2f}" if small else " | –"
        print(f"| {p} | {cells} |")


if __name__ == "__main__":
    main()
