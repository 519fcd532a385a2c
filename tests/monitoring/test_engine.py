"""The screening engine (monitoring.engine) on a small synthetic city with planted cases: every rule
finds its planted cases, agrees exactly with an independent plain-Python oracle, statuses follow the
previous month, missing sources skip only the rules that need them, and publishing is atomic.
No Django database is used."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from minzheng.demo.planted import plant_cases
from minzheng.demo.synth import generate_city
from minzheng.monitoring.engine import Policy, policy_from_fixture, runner, screen
from minzheng.monitoring.engine import rules as R
from minzheng.monitoring.engine.rules import COMPULSORY_LEVELS, COSTLY_LEVELS, RULES
from minzheng.programmes.registry import programmes as registered_programmes
from minzheng.specialfamilies.screening import ON_ROLL as SF_ON_ROLL

MONTH = "2025-07"
PERSONS = 3000


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("city")
    generate_city(persons=PERSONS, seed=20250731, out_dir=root, month=MONTH)
    snap, enrol = root / MONTH, root / "enrolments.parquet"
    expected = plant_cases(snapshot=snap, enrolments=enrol, month=MONTH)
    policy = policy_for(snap, MONTH)
    out = root / "out"
    summary = screen(snapshot=snap, enrolments=enrol, policy=policy, out_dir=out, threads=2)
    alerts = pq.read_table(out / f"alerts-{MONTH}.parquet")
    return {
        "root": root,
        "snapshot": snap,
        "enrolments": enrol,
        "policy": policy,
        "expected": expected,
        "summary": summary,
        "alerts": alerts,
    }


def policy_for(snapshot: Path, month: str) -> Policy:
    regions = pq.read_table(snapshot / "persons.parquet", columns=["hukou_region"]).column(0)
    return policy_from_fixture(month, {str(r)[:6] for r in regions.unique().to_pylist()})


def by_rule(alerts: pa.Table) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in alerts.to_pylist():
        out[row["rule"]][row["id_number"]] = row
    return out


# ----------------------------------------------------------------------------- the oracle
def oracle(snapshot: Path, enrolments: Path, policy: Policy) -> dict[str, dict[str, dict[str, Any]]]:
    """Every rule written out again in plain Python, one person and one household at a time, from the
    issue text and exchange.md; shares nothing with the engine but the Policy figures."""

    def rows(name: str) -> list[dict[str, Any]]:
        return pq.read_table(snapshot / f"{name}.parquet").to_pylist()

    def p(key: str) -> Decimal:
        return Decimal(str(policy.param(key)))

    y, m = (int(x) for x in policy.month.split("-"))
    ms, me = dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
    new_since = dt.date(y - 1 + (m == 12), m % 12 + 1, 1)  # 12 months including this one
    month = policy.month
    standards = {(c, h): Decimal(str(v)) for c, h, v in policy.standards}

    def age(birth: dt.date) -> int:
        return me.year - birth.year - ((birth.month, birth.day) > (me.month, me.day))

    def turning(birth: dt.date, years: Decimal) -> bool:
        return birth.year == y - int(years) and birth.month == m

    death: dict[str, dt.date] = {}
    for r in rows("deaths"):
        death[r["id_number"]] = min(r["death_date"], death.get(r["id_number"], r["death_date"]))

    def alive(pid: str) -> bool:
        return pid not in death or death[pid] > me

    wage: dict[str, int] = defaultdict(int)
    for r in rows("wages"):
        if r["month"] == month:
            wage[r["id_number"]] += r["amount"]
    pension: dict[str, int] = defaultdict(int)
    for r in rows("pensions"):
        pension[r["id_number"]] += r["monthly_amount"]
    unemp: dict[str, int] = defaultdict(int)
    unemp_new: set[str] = set()
    for r in rows("unemployment"):
        if r["start_date"] <= me and (r["end_date"] is None or r["end_date"] >= ms):
            unemp[r["id_number"]] += r["monthly_amount"]
        if ms <= r["start_date"] <= me:
            unemp_new.add(r["id_number"])
    rate = p("dibao.employment_deduction_rate")

    def income(pid: str) -> Decimal:
        return wage[pid] * (1 - rate) + pension[pid] + unemp[pid]

    fin: dict[str, int] = defaultdict(int)
    for name, col in (("deposits", "balance"), ("securities", "market_value"), ("insurance", "cash_value")):
        for r in rows(name):
            fin[r["id_number"]] += r[col]
    cars: dict[str, list[dt.date]] = defaultdict(list)
    for r in rows("vehicles"):
        if r["vehicle_kind"] != "disability":
            cars[r["id_number"]].append(r["registered_date"])
    big_biz: dict[str, int] = defaultdict(int)
    for r in rows("businesses"):
        if r["status"] == "active" and r["registered_capital"] > p("dibao.business_capital_max"):
            big_biz[r["id_number"]] += 1
    homes: dict[str, set[str]] = defaultdict(set)
    for r in rows("real_estate"):
        if r["use"] == "residential":
            homes[r["id_number"]].add(r["property_no"])
    grade: dict[str, int] = {}
    severe_new: set[str] = set()
    first_cert: dict[str, dt.date] = {}
    for r in rows("disability"):
        if r["issued_date"] <= me:
            grade[r["id_number"]] = min(r["grade"], grade.get(r["id_number"], 9))
            if r["grade"] <= 2 and r["issued_date"] >= ms:
                severe_new.add(r["id_number"])
            first_cert[r["id_number"]] = min(r["issued_date"], first_cert.get(r["id_number"], me))
    oop: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows("medical"):
        if r["month"] == month:
            oop[r["id_number"]] += Decimal(str(r["out_of_pocket"]))
    student, costly, compulsory = set(), set(), set()
    for r in rows("education"):
        if r["enrolled"]:
            student.add(r["id_number"])
            if r["level"] in COSTLY_LEVELS:
                costly.add(r["id_number"])
            if r["level"] in COMPULSORY_LEVELS:
                compulsory.add(r["id_number"])

    active = [
        r
        for r in pq.read_table(enrolments).to_pylist()
        if r["start_month"] <= month and (r.get("last_month") is None or r["last_month"] >= month)
    ]
    progs: dict[str, set[str]] = defaultdict(set)
    exit_: set[str] = set()
    count: dict[tuple[str, str], int] = defaultdict(int)
    for r in active:
        progs[r["id_number"]].add(r["programme"])
        count[(r["id_number"], r["programme"])] += 1
        if r["programme"] == "dibao" and r.get("last_month") is not None:
            exit_.add(r["id_number"])

    # Every monthly benefit stops at death: the registry says which programmes are paid monthly.
    paid_monthly = [x.code for x in registered_programmes() if x.monthly_payable]
    persons = rows("persons")
    registered: dict[str, int] = defaultdict(int)
    for r in persons:
        registered[r["id_number"]] += 1
    households: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in persons:
        households[r["household_no"]].append(r)

    def sort_key(r: dict[str, Any]) -> tuple[bool, str]:
        return (r["relation"] != "head", r["id_number"])

    hh: dict[str, dict[str, Any]] = {}
    for hno, members in households.items():
        rep = min(members, key=sort_key)
        living = [r["id_number"] for r in members if alive(r["id_number"])]
        std = standards.get((rep["hukou_region"][:6], rep["hukou_type"]))
        hh[hno] = {
            "rep": rep,
            "n": len(living),
            "std": std,
            "income": sum((income(x) for x in living), Decimal(0)),
            # the household's property counts what a member who died left to it (家庭财产)
            "fin": sum(fin[r["id_number"]] for r in members),
            "cars": sum(len(cars[r["id_number"]]) for r in members),
            "new_cars": sum(1 for r in members for d in cars[r["id_number"]] if d >= new_since),
            "biz": sum(big_biz[r["id_number"]] for r in members),
            "homes": len(set().union(*(homes[r["id_number"]] for r in members))),
            "dibao": any("dibao" in progs[r["id_number"]] for r in members),
            "tekun": any("tekun" in progs[r["id_number"]] for r in members),
            "exit": any(r["id_number"] in exit_ for r in members),
            "members": members,
        }

    def assets_pass(h: dict[str, Any]) -> bool:
        return (
            h["fin"] <= p("dibao.financial_assets_months") * h["std"] * h["n"]
            and h["cars"] == 0
            and h["homes"] <= p("dibao.residential_properties_max")
            and h["biz"] == 0
        )

    def difficulty(hno: str) -> int | None:
        h = hh[hno]
        n = h["n"]
        if n == 0:
            return None
        living = [r for r in h["members"] if alive(r["id_number"])]
        std = float(h["std"]) if h["std"] else 0.0
        pci = float(h["income"]) / n
        severe = sum(
            1
            for r in living
            if grade.get(r["id_number"], 9) <= 2 or oop[r["id_number"]] > p("monitoring.medical_threshold")
        )
        dependants = sum(
            1
            for r in living
            if age(r["birth_date"]) < p("child.end_age")
            or age(r["birth_date"]) >= p("tekun.age_min")
            or r["id_number"] in student
        )
        bill = float(sum((oop[r["id_number"]] for r in h["members"]), Decimal(0)))
        ids = [r["id_number"] for r in h["members"]]
        sudden = any((x in death and ms <= death[x] <= me) or x in unemp_new or x in severe_new for x in ids)
        values = {
            "income_gap": min(1.0, max(0.0, (std - pci) / std)) if std else 0.0,
            "severe_disability": min(1.0, severe / 2.0),
            "dependants": min(1.0, dependants / n),
            "medical": min(1.0, bill / (std * n)) if std else 0.0,
            "education": 1.0
            if any(r["id_number"] in costly for r in living)
            else 0.5
            if any(r["id_number"] in compulsory for r in living)
            else 0.0,
            "housing": 1.0 if h["homes"] == 0 else 0.0,
            "sudden": 1.0 if sudden else 0.0,
        }
        total = sum(float(policy.param(f"difficulty.w.{k}")) * v for k, v in values.items())
        return max(0, min(100, int(Decimal(str(total)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))))

    found: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)

    def add(rule: str, person: dict[str, Any], hno: str, with_difficulty: bool = False) -> None:
        pid = person["id_number"]
        if pid in found[rule] and found[rule][pid]["household_no"] <= hno:
            return  # a person registered twice is reported once, with the smaller household number
        found[rule][pid] = {
            "household_no": hno,
            "region_code": person["hukou_region"],
            "difficulty_index": difficulty(hno) if with_difficulty else None,
        }

    for r in persons:
        pid, hno, birth = r["id_number"], r["household_no"], r["birth_date"]
        for prog in paid_monthly:
            if prog in progs[pid] and pid in death:
                if death[pid] <= me:
                    add(f"died_{prog}", r, hno)
                if death[pid] < ms:
                    add(f"paid_after_death_{prog}", r, hno)
        h = hh[hno]
        if h["n"] > 0:
            if oop[pid] > p("monitoring.medical_threshold"):
                add("hardship_medical", r, hno, True)
            if pid in severe_new:
                add("hardship_disability", r, hno, True)
            if pid in unemp_new:
                add("hardship_unemployment", r, hno, True)
            if pid in death and ms <= death[pid] <= me and income(pid) > 0:
                top = max(
                    income(q["id_number"])
                    for q in h["members"]
                    if q["id_number"] not in death or death[q["id_number"]] >= ms
                )
                if income(pid) == top:
                    add("hardship_earner_death", r, hno, True)
        if turning(birth, p("high_age.start_age")) and alive(pid) and "high_age" not in progs[pid]:
            add("high_age_grant", r, hno)
        tiers = (p("high_age.tier2_age"), p("high_age.tier3_age"))
        if any(turning(birth, t) for t in tiers) and alive(pid) and "high_age" in progs[pid]:
            add("high_age_tier", r, hno)
        if turning(birth, p("tekun.age_min")) and alive(pid) and "tekun" not in progs[pid]:
            others = [
                q
                for q in h["members"]
                if alive(q["id_number"])
                and p("monitoring.adult_age_min") <= age(q["birth_date"]) < p("tekun.age_min")
            ]
            if not others:
                add("tekun_check", r, hno)
        if turning(birth, p("child.end_age")) and "child" in progs[pid]:
            add("child_end", r, hno)
        # 残疾人两项补贴 (国发〔2015〕52号): living = grade 1–4 in a dibao household, care = grade 1–2;
        # neither for tekun; a death is the engine's died_ rule.
        living_on, care_on = "dis_living" in progs[pid], "dis_care" in progs[pid]
        if (living_on or care_on) and alive(pid):
            in_tekun, h_dibao, g = "tekun" in progs[pid], hh[hno]["dibao"], grade.get(pid)
            living_ok = g is not None and g <= 4 and h_dibao and not in_tekun
            care_ok = g is not None and g <= 2 and not in_tekun
            if in_tekun:
                add("dis_tekun", r, hno)
            elif living_on and not h_dibao:
                add("dis_left_dibao", r, hno)
            if not in_tekun and (
                care_on != care_ok
                or (living_on and h_dibao and not living_ok)
                or (not living_on and living_ok)
            ):
                add("dis_redecide", r, hno)
        # 特殊困难家庭 (seed 001, category 1): a dibao household's member whose first certificate is this
        # month's, not tekun and not already on the roll through an enrolment that records it.
        if (
            ms <= first_cert.get(pid, me + dt.timedelta(days=1)) <= me
            and alive(pid)
            and hh[hno]["dibao"]
            and "tekun" not in progs[pid]
            and not progs[pid] & set(SF_ON_ROLL)
        ):
            add("sf_new_disability", r, hno)
        if registered[pid] > 1:
            add("duplicate_person", r, hno)
        if any(count[(pid, prog)] > 1 for prog in progs[pid]):
            add("paid_twice", r, hno)
        if {"dibao", "tekun"} <= progs[pid]:
            add("dibao_and_tekun", r, hno)

    for hno, h in hh.items():
        n, std, inc, rep = h["n"], h["std"], h["income"], h["rep"]
        if n == 0 or std is None:
            continue
        if h["dibao"]:
            if not h["exit"] and inc >= std * n:  # eligible only while per-capita income < standard
                add("dibao_income", rep, hno)
            if h["fin"] > p("dibao.financial_assets_months") * std * n:
                add("dibao_financial_assets", rep, hno)
            if h["new_cars"] > 0:
                add("dibao_new_vehicle", rep, hno)
            if h["cars"] > 0 and h["new_cars"] == 0:
                add("dibao_vehicle", rep, hno)
            if h["homes"] > p("dibao.residential_properties_max"):
                add("dibao_second_home", rep, hno)
            if h["biz"] > 0:
                add("dibao_business", rep, hno)
        elif not h["tekun"] and assets_pass(h):
            if inc < std * n:
                add("discovery_dibao", rep, hno, True)
            elif inc <= p("dibao.margin_factor") * std * n:
                add("margin_household", rep, hno, True)
    return found


# ----------------------------------------------------------------------------- tests
CODES = [r.code for r in RULES]


@pytest.fixture(scope="module")
def expected_by_oracle(city: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    return oracle(city["snapshot"], city["enrolments"], city["policy"])


def test_every_rule_has_planted_cases(city: dict[str, Any]) -> None:
    assert {k for k in city["expected"] if not k.startswith("not:")} == set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_rule_finds_its_planted_cases_and_not_the_decoys(city: dict[str, Any], code: str) -> None:
    found = set(by_rule(city["alerts"])[code])
    assert set(city["expected"][code]) <= found
    assert not set(city["expected"].get(f"not:{code}", [])) & found


@pytest.mark.parametrize("code", CODES)
def test_rule_agrees_exactly_with_the_plain_python_oracle(
    city: dict[str, Any], expected_by_oracle: dict[str, dict[str, dict[str, Any]]], code: str
) -> None:
    mine = {
        pid: {k: row[k] for k in ("household_no", "region_code", "difficulty_index")}
        for pid, row in by_rule(city["alerts"])[code].items()
    }
    assert mine == expected_by_oracle[code]


def test_the_background_city_exercises_the_household_rules(city: dict[str, Any]) -> None:
    found = by_rule(city["alerts"])
    assert len(found["margin_household"]) > 10 and len(found["discovery_dibao"]) > 5
    assert len(found["hardship_medical"]) > 1


def test_alerts_carry_the_issue_columns_and_chinese_evidence(city: dict[str, Any]) -> None:
    alerts = city["alerts"]
    assert alerts.schema == runner.ALERT_SCHEMA
    rows = alerts.to_pylist()
    assert {r["month"] for r in rows} == {MONTH}
    assert {r["status"] for r in rows} == {"new"}
    assert {r["severity"] for r in rows} <= {"high", "medium", "low"}
    assert all(len(r["id_number"]) == 18 and len(r["region_code"]) == 12 for r in rows)
    income = next(r for r in rows if r["rule"] == "dibao_income")
    evidence = json.loads(income["evidence"])
    std = dict(((c, h), v) for c, h, v in city["policy"].standards)
    assert evidence["低保标准"] in std.values()
    assert evidence["人均收入"] > evidence["低保标准"]
    assert all(0 <= r["difficulty_index"] <= 100 for r in rows if r["difficulty_index"] is not None)
    with_index = {r.code for r in RULES if r.difficulty}
    assert all((r["difficulty_index"] is not None) == (r["rule"] in with_index) for r in rows)


def test_difficulty_index_matches_the_verification_report_formula(city: dict[str, Any]) -> None:
    difficulty = pytest.importorskip("minzheng.verification.difficulty")
    rows = [r for r in city["alerts"].to_pylist() if r["rule"] == "discovery_dibao"]
    planted = set(city["expected"]["discovery_dibao"])
    row = next(r for r in rows if r["id_number"] in planted)
    evidence = json.loads(row["evidence"])
    facts = difficulty.HouseholdFacts(
        members=1,
        income=float(evidence["人均收入"]),
        standard=float(evidence["低保标准"]),
        severe=0,
        dependants=0,
        medical_oop=0.0,
        costly_students=0,
        compulsory_students=0,
        residential_properties=0,
        sudden_event=False,
    )
    index, band, _ = difficulty.difficulty_index(facts, lambda k: Decimal(str(city["policy"].param(k))))
    assert row["difficulty_index"] == index
    assert band in ("特别困难", "比较困难", "一般")


def test_summary_reports_counts_and_timings_per_rule(city: dict[str, Any]) -> None:
    s = city["summary"]
    assert s["engine"] == "duckdb" and s["skipped"] == {}
    assert s["alerts"] == city["alerts"].num_rows == sum(s["by_rule"].values())
    assert set(s["by_rule"]) == {r.code for r in RULES}
    assert all(r.code in s["seconds"] for r in RULES) and "stage:hh" in s["seconds"]
    assert s["peak_rss_mb"] > 0


def test_status_is_new_persisting_or_resolved_against_the_previous_month(
    city: dict[str, Any], tmp_path: Path
) -> None:
    alerts = city["alerts"].to_pylist()
    kept = next(r for r in alerts if r["rule"] == "duplicate_person")
    gone = {**kept, "rule": "dibao_business", "id_number": "110101190001010011", "month": "2025-06"}
    old_resolved = {**gone, "id_number": "110101190001010038", "status": "resolved"}
    previous = tmp_path / "alerts-2025-06.parquet"
    prev_rows = [
        {**kept, "month": "2025-06", "status": "new"},
        {**gone, "status": "persisting"},
        old_resolved,
    ]
    pq.write_table(pa.Table.from_pylist(prev_rows, runner.ALERT_SCHEMA), previous)
    out = tmp_path / "out"
    steps: list[tuple[str, float]] = []
    screen(
        snapshot=city["snapshot"],
        enrolments=city["enrolments"],
        policy=city["policy"],
        out_dir=out,
        previous=previous,
        progress=lambda label, fraction: steps.append((label, fraction)),
    )
    assert steps[-1] == ("publish", 1.0) and [f for _, f in steps] == sorted(f for _, f in steps)
    rows = pq.read_table(out / f"alerts-{MONTH}.parquet").to_pylist()
    status = {(r["rule"], r["id_number"]): r["status"] for r in rows}
    assert status[("duplicate_person", kept["id_number"])] == "persisting"
    assert status[("dibao_business", gone["id_number"])] == "resolved"
    assert ("dibao_business", old_resolved["id_number"]) not in status
    assert sum(1 for s in status.values() if s == "new") == len(alerts) - 1
    resolved = next(r for r in rows if r["status"] == "resolved")
    assert resolved["month"] == MONTH and resolved["evidence"] == gone["evidence"]


def test_a_second_month_marks_changes_against_the_first(city: dict[str, Any], tmp_path: Path) -> None:
    """July's alerts are the previous month of August (found in out_dir by name): the dibao household
    whose wage disappears is resolved, stable cases persist, a new vehicle is new."""
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(city["root"] / "out" / f"alerts-{MONTH}.parquet", out / f"alerts-{MONTH}.parquet")
    snap = tmp_path / "2025-08"
    shutil.copytree(city["snapshot"], snap)
    rich = city["expected"]["dibao_income"][0]
    wages = pq.read_table(snap / "wages.parquet").to_pylist()
    wages = [{**w, "month": "2025-08"} for w in wages if w["id_number"] != rich]
    pq.write_table(
        pa.Table.from_pylist(wages, pq.read_schema(snap / "wages.parquet")), snap / "wages.parquet"
    )
    buyer = city["expected"]["dibao_second_home"][0]  # this household now also buys a car
    cars = pq.read_table(snap / "vehicles.parquet").to_pylist()
    cars.append(
        {"id_number": buyer, "vehicle_kind": "car", "value": 90_000, "registered_date": dt.date(2025, 8, 3)}
    )
    pq.write_table(
        pa.Table.from_pylist(cars, pq.read_schema(snap / "vehicles.parquet")), snap / "vehicles.parquet"
    )
    policy = Policy(month="2025-08", figures=city["policy"].figures, params=city["policy"].params)
    summary = screen(snapshot=snap, enrolments=city["enrolments"], policy=policy, out_dir=out)
    assert summary["previous"] == str(out / f"alerts-{MONTH}.parquet")
    status = {
        (r["rule"], r["id_number"]): r["status"]
        for r in pq.read_table(out / "alerts-2025-08.parquet").to_pylist()
    }
    assert status[("dibao_income", rich)] == "resolved"
    assert status[("dibao_second_home", buyer)] == "persisting"
    assert status[("dibao_new_vehicle", buyer)] == "new"
    assert status[("duplicate_person", city["expected"]["duplicate_person"][0])] == "persisting"
    assert summary["by_status"]["resolved"] >= 1


def test_a_missing_source_skips_only_the_rules_that_read_it(city: dict[str, Any], tmp_path: Path) -> None:
    snap = tmp_path / MONTH
    shutil.copytree(city["snapshot"], snap)
    (snap / "vehicles.parquet").unlink()
    out = tmp_path / "out"
    shutil.copy(city["root"] / "out" / f"alerts-{MONTH}.parquet", tmp_path / "prev.parquet")
    summary = screen(
        snapshot=snap,
        enrolments=city["enrolments"],
        policy=city["policy"],
        out_dir=out,
        previous=tmp_path / "prev.parquet",
    )
    needs = {r.code for r in RULES if "vehicles" in r.sources}
    assert needs == {"dibao_new_vehicle", "dibao_vehicle", "discovery_dibao", "margin_household"}
    assert set(summary["skipped"]) == needs
    assert all("vehicles" in reason and "未报送" in reason for reason in summary["skipped"].values())
    rows = pq.read_table(out / f"alerts-{MONTH}.parquet").to_pylist()
    assert not any(r["rule"] in needs for r in rows)  # not reported, and not "resolved" either
    before = by_rule(city["alerts"])
    after = by_rule(pq.read_table(out / f"alerts-{MONTH}.parquet"))
    for code in {r.code for r in RULES} - needs:
        assert set(after[code]) == set(before[code]), code
        assert all(r["status"] == "persisting" for r in after[code].values())
    # without the persons register nothing can run, but nothing crashes either
    (snap / "persons.parquet").unlink()
    summary = screen(
        snapshot=snap, enrolments=city["enrolments"], policy=city["policy"], out_dir=tmp_path / "o2"
    )
    assert set(summary["skipped"]) == {r.code for r in RULES} and summary["alerts"] == 0


def test_csv_snapshot_gives_the_same_alerts(city: dict[str, Any], tmp_path: Path) -> None:
    snap = tmp_path / MONTH
    snap.mkdir()
    for f in city["snapshot"].glob("*.parquet"):
        import pyarrow.csv as pacsv

        pacsv.write_csv(pq.read_table(f), snap / f"{f.stem}.csv")
    screen(snapshot=snap, enrolments=city["enrolments"], policy=city["policy"], out_dir=tmp_path / "out")
    a = pq.read_table(tmp_path / "out" / f"alerts-{MONTH}.parquet")
    assert a.to_pylist() == city["alerts"].to_pylist()


def test_a_writer_failing_midway_leaves_the_published_file_untouched(
    city: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"alerts-{MONTH}.parquet"
    shutil.copy(city["root"] / "out" / target.name, target)
    before = target.read_bytes()
    calls = {"n": 0}
    real = pq.ParquetWriter.write_batch

    def failing(self: pq.ParquetWriter, batch: pa.RecordBatch, *a: Any, **kw: Any) -> None:
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError("disk full")
        real(self, batch, *a, **kw)

    monkeypatch.setattr(pq.ParquetWriter, "write_batch", failing)
    monkeypatch.setattr(runner, "write_atomic", _small_batches(runner.write_atomic))
    with pytest.raises(OSError, match="disk full"):
        screen(
            snapshot=city["snapshot"],
            enrolments=city["enrolments"],
            policy=city["policy"],
            out_dir=out,
            previous=tmp_path / "none.parquet",
        )
    assert calls["n"] == 2
    assert target.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [target.name]


def _small_batches(fn: Any) -> Any:
    def wrapper(table: pa.Table, path: Path, batch_rows: int = 65_536) -> None:
        fn(table, path, batch_rows=10)

    return wrapper


def test_kill_9_while_publishing_keeps_the_previous_file(city: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"alerts-{MONTH}.parquet"
    shutil.copy(city["root"] / "out" / target.name, target)
    before = target.read_bytes()
    script = textwrap.dedent(
        f"""
        import os, signal, pyarrow.parquet as pq
        from decimal import Decimal
        from pathlib import Path
        from minzheng.monitoring.engine import runner, Policy
        calls = []
        real = pq.ParquetWriter.write_batch
        def dying(self, batch, *a, **kw):
            real(self, batch, *a, **kw)
            calls.append(1)
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
        pq.ParquetWriter.write_batch = dying
        real_write = runner.write_atomic
        runner.write_atomic = lambda t, p, batch_rows=0: real_write(t, p, batch_rows=10)
        policy = Policy(
            month={MONTH!r}, figures={city["policy"].figures!r}, params={city["policy"].params!r}
        )
        runner.screen(snapshot=Path({str(city["snapshot"])!r}), enrolments=Path({str(city["enrolments"])!r}),
                      policy=policy, out_dir=Path({str(out)!r}), previous=Path("/nonexistent"))
        """
    )
    # a file, not `-c`: the policy's figures per county outgrow one command-line argument (128 KB)
    (tmp_path / "dying.py").write_text(script, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(tmp_path / "dying.py")], capture_output=True, timeout=120, check=False
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    assert target.read_bytes() == before
    leftovers = [p.name for p in out.iterdir() if p.name not in (target.name, ".screening-tmp")]
    assert all(name.startswith(f".{target.name}.") and name.endswith(".tmp") for name in leftovers)
    assert os.path.getsize(target) == len(before)


def test_bad_input_is_refused_with_a_chinese_message(city: dict[str, Any], tmp_path: Path) -> None:
    bad = Policy(month="2025-13", figures=city["policy"].figures)
    with pytest.raises(runner.ScreeningError, match="月份"):
        screen(snapshot=city["snapshot"], enrolments=city["enrolments"], policy=bad, out_dir=tmp_path)
    empty = Policy(month=MONTH)
    with pytest.raises(runner.ScreeningError, match="低保标准"):
        screen(snapshot=city["snapshot"], enrolments=city["enrolments"], policy=empty, out_dir=tmp_path)
    with pytest.raises(runner.ScreeningError, match="引擎"):
        screen(
            snapshot=city["snapshot"],
            enrolments=city["enrolments"],
            policy=city["policy"],
            out_dir=tmp_path,
            engine="oracle",
        )


def test_policy_from_fixture_reads_the_standards_in_force_for_the_month() -> None:
    old = policy_from_fixture("2019-06", ["370811"])
    new = policy_from_fixture("2025-06", ["370811", "370812"])
    assert len(old.standards) == 2 and len(new.standards) == 4
    assert {h for _, h, _ in new.standards} == {"urban", "rural"}
    assert dict(((c, h), v) for c, h, v in old.standards) != dict(
        ((c, h), v) for c, h, v in new.standards if c == "370811"
    )
    assert new.param("dibao.employment_deduction_rate") == 0.2


# ----------------------------------------------------------------------------- prepared facts
def _copy_snapshot(city: dict[str, Any], tmp_path: Path) -> Path:
    snap = tmp_path / MONTH
    shutil.copytree(city["snapshot"], snap, ignore=shutil.ignore_patterns("facts-*"))
    return snap


def _screen(city: dict[str, Any], snap: Path, out: Path, **kw: Any) -> tuple[dict[str, Any], pa.Table]:
    summary = screen(snapshot=snap, enrolments=city["enrolments"], policy=city["policy"], out_dir=out, **kw)
    return summary, pq.read_table(out / f"alerts-{MONTH}.parquet")


def test_prepared_facts_give_exactly_the_alerts_of_facts_built_in_the_run(
    city: dict[str, Any], tmp_path: Path
) -> None:
    snap = _copy_snapshot(city, tmp_path)
    built, built_alerts = _screen(city, snap, tmp_path / "built")
    done = runner.prepare(snapshot=snap, month=MONTH, threads=2)
    assert Path(done["path"]) == snap / f"facts-{MONTH}"
    assert done["rows"]["pfacts"] == pq.read_metadata(snap / "persons.parquet").num_rows > PERSONS
    warm, warm_alerts = _screen(city, snap, tmp_path / "warm")
    assert (built["facts"], warm["facts"]) == ("built", "prepared")
    assert "stage:pfacts" in built["seconds"] and "stage:pfacts" not in warm["seconds"]
    assert warm["by_rule"] == built["by_rule"] and warm["alerts"] > 0
    assert warm_alerts.to_pylist() == built_alerts.to_pylist()
    assert warm_alerts.to_pylist() == city["alerts"].to_pylist()


def test_facts_of_another_snapshot_or_month_are_not_used(city: dict[str, Any], tmp_path: Path) -> None:
    snap = _copy_snapshot(city, tmp_path)
    runner.prepare(snapshot=snap, month=MONTH, threads=2)
    assert runner.facts_ready(snap, MONTH) is not None
    assert runner.facts_ready(snap, "2025-08") is None
    # a source file changed after preparation: the facts describe another snapshot
    deaths = pq.read_table(snap / "deaths.parquet")
    pq.write_table(deaths.slice(1), snap / "deaths.parquet")
    assert runner.facts_ready(snap, MONTH) is None
    summary, _ = _screen(city, snap, tmp_path / "out")
    assert summary["facts"] == "built"
    # facts.json from an older version of the facts' SQL
    runner.prepare(snapshot=snap, month=MONTH, threads=2)
    meta_file = snap / f"facts-{MONTH}" / runner.FACTS_FILE
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta_file.write_text(json.dumps({**meta, "version": "0" * 16}), encoding="utf-8")
    assert runner.facts_ready(snap, MONTH) is None
    # a fact file missing
    runner.prepare(snapshot=snap, month=MONTH, threads=2)
    (snap / f"facts-{MONTH}" / "hfacts.parquet").unlink()
    assert runner.facts_ready(snap, MONTH) is None


def test_preparing_again_replaces_the_facts_and_leaves_no_temporary_directory(
    city: dict[str, Any], tmp_path: Path
) -> None:
    snap = _copy_snapshot(city, tmp_path)
    runner.prepare(snapshot=snap, month=MONTH, threads=2)
    runner.prepare(snapshot=snap, month=MONTH, threads=2)
    assert sorted(p.name for p in snap.iterdir() if p.is_dir()) == [f"facts-{MONTH}"]
    assert not [p for p in snap.iterdir() if p.name.startswith(".")]


def test_facts_never_read_a_policy_figure() -> None:
    # one preparation serves every screening of the month, whatever policy is in force then
    for st in R.FACTS:
        runner._render_fact(st.sql, MONTH)
    with pytest.raises(runner.ScreeningError, match="快照事实不得引用政策参数"):
        runner._render_fact("SELECT {{dibao.margin_factor}} AS x", MONTH)


def test_prepare_refuses_a_missing_snapshot_or_a_bad_month(tmp_path: Path) -> None:
    with pytest.raises(runner.ScreeningError, match="数据快照目录不存在"):
        runner.prepare(snapshot=tmp_path / "nope", month=MONTH)
    with pytest.raises(runner.ScreeningError, match="月份格式"):
        runner.prepare(snapshot=tmp_path, month="2025-13")
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- county figures
COUNTY_FIGURES = {
    # figure → the rule whose alerts in the county it moves, and the county's new value
    "monitoring.medical_threshold": ("hardship_medical", Decimal(10**8)),
    "tekun.age_min": ("tekun_check", Decimal(61)),
    "dibao.vehicle_new_months": ("dibao_new_vehicle", Decimal(0)),
}


def test_a_countys_figures_move_the_engine_for_that_county_only(city: dict[str, Any], tmp_path: Path) -> None:
    """Every figure the rules read is the person's or household's own county's: the medical threshold, the
    tekun age, the new-vehicle window and the employment deduction used to be read at city level."""
    before = city["alerts"].to_pylist()

    def county(row: dict[str, Any]) -> str:
        return str(row["region_code"])[:6]

    hits = Counter(county(r) for r in before if r["rule"] in {rule for rule, _ in COUNTY_FIGURES.values()})
    chosen = hits.most_common(1)[0][0]
    policy = city["policy"]
    figures = {k: dict(f) for k, f in policy.figures.items()}
    for (c, _hukou), row in figures.items():
        if c == chosen:
            row.update({key: value for key, (_rule, value) in COUNTY_FIGURES.items()})
            row["dibao.employment_deduction_rate"] = Decimal("0.9")
    moved = Policy(month=policy.month, figures=figures, params=policy.params)
    screen(snapshot=city["snapshot"], enrolments=city["enrolments"], policy=moved, out_dir=tmp_path)
    after = pq.read_table(tmp_path / f"alerts-{MONTH}.parquet").to_pylist()

    def keyed(rows: list[dict[str, Any]], inside: bool) -> set[tuple[str, str, str]]:
        return {(r["rule"], r["id_number"], r["evidence"]) for r in rows if (county(r) == chosen) == inside}

    assert keyed(after, inside=False) == keyed(before, inside=False)
    moved_rules = []
    for rule, _value in COUNTY_FIGURES.values():
        was = {r["id_number"] for r in before if r["rule"] == rule and county(r) == chosen}
        now = {r["id_number"] for r in after if r["rule"] == rule and county(r) == chosen}
        if was:
            assert now != was, f"{rule} did not move in {chosen} under the county's own figure"
            moved_rules.append(rule)
    assert len(moved_rules) >= 2, moved_rules
