"""One rule, two paths: the screening engine over a synthetic city and the desk on each household's
`Case` agree on every dibao and tekun verdict and amount, and on every high-age grant and tier change
with its amount — and move together when a county's figures change (issue 13, item 3).

The desk's cases are built here from the generator's files, person by person, as a clerk would enter
them; nothing is read from the engine's tables but its results."""

# the SQL here reads the engine's exported tables with the engine's own key decoding
# ruff: noqa: S608
from __future__ import annotations

import calendar
import datetime as dt
import json
import random
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from minzheng.assistance import desk, rules
from minzheng.core.idnumber import parse_id_number

# the generator moves to minzheng.demo later: imported in this one place
from minzheng.demo.synth import generate_city
from minzheng.elderly.rules import high_age_tier
from minzheng.monitoring.engine import Policy, policy_from_fixture, screen
from minzheng.monitoring.engine import rules as R

MONTH = "2025-07"
PERSONS = 29_000  # about 10,300 households
SAMPLE = 10_000
# The engine's source contract: what the desk may take from the generator's files (the disability kind
# is in it: a grade 3 intellectual/mental disability is severe for 单人保 and tekun in both paths).
DISABILITY_KIND = "kind" in R.SOURCE_COLUMNS["disability"]

Case = rules.Case


def _month_end() -> dt.date:
    y, m = (int(x) for x in MONTH.split("-"))
    return dt.date(y, m, calendar.monthrange(y, m)[1])


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("parity")
    generate_city(persons=PERSONS, seed=20250713, out_dir=root, month=MONTH)
    snap = root / MONTH
    regions = pq.read_table(snap / "persons.parquet", columns=["hukou_region"]).column(0)
    policy = policy_from_fixture(MONTH, {str(r)[:6] for r in regions.unique().to_pylist()})
    return {"root": root, "snapshot": snap, "enrolments": root / "enrolments.parquet", "policy": policy}


# ----------------------------------------------------------------------------- the desk's cases
def households_from_generator(snapshot: Path) -> dict[str, dict[str, Any]]:
    """Every household of the generated files as the desk sees it: members alive at the month's end
    with their own income, disability and medical bill; the household's property of every member
    (what a member who died left counts with it); county and hukou type of the head."""

    def rows(name: str) -> list[dict[str, Any]]:
        return pq.read_table(snapshot / f"{name}.parquet").to_pylist()

    first, last = _month_end().replace(day=1), _month_end()
    death: dict[str, dt.date] = {}
    for r in rows("deaths"):
        death[r["id_number"]] = min(r["death_date"], death.get(r["id_number"], r["death_date"]))
    wage: dict[str, int] = defaultdict(int)
    for r in rows("wages"):
        if r["month"] == MONTH:
            wage[r["id_number"]] += r["amount"]
    pension: dict[str, int] = defaultdict(int)
    for r in rows("pensions"):
        pension[r["id_number"]] += r["monthly_amount"]
    unemp: dict[str, int] = defaultdict(int)
    for r in rows("unemployment"):
        if r["start_date"] <= last and (r["end_date"] is None or r["end_date"] >= first):
            unemp[r["id_number"]] += r["monthly_amount"]
    fin: dict[str, int] = defaultdict(int)
    for name, col in (("deposits", "balance"), ("securities", "market_value"), ("insurance", "cash_value")):
        for r in rows(name):
            fin[r["id_number"]] += r[col]
    cars: dict[str, list[str]] = defaultdict(list)
    for r in rows("vehicles"):
        cars[r["id_number"]].append(r["vehicle_kind"])
    homes: dict[str, set[str]] = defaultdict(set)
    for r in rows("real_estate"):
        if r["use"] == "residential":
            homes[r["id_number"]].add(r["property_no"])
    capital: dict[str, int] = defaultdict(int)
    for r in rows("businesses"):
        if r["status"] == "active":
            capital[r["id_number"]] = max(capital[r["id_number"]], r["registered_capital"])
    disability: dict[str, tuple[int, str | None]] = {}
    for r in rows("disability"):
        if r["issued_date"] <= last:
            kind = r.get("kind") if DISABILITY_KIND else None
            disability[r["id_number"]] = min((r["grade"], kind), disability.get(r["id_number"], (9, None)))
    oop: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows("medical"):
        if r["month"] == MONTH:
            oop[r["id_number"]] += Decimal(str(r["out_of_pocket"]))

    by_hh: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows("persons"):
        by_hh[r["household_no"]].append(r)
    out = {}
    for hno, people in by_hh.items():
        head = min(people, key=lambda r: (r["relation"] != "head", r["id_number"]))
        living = [r for r in people if r["id_number"] not in death or death[r["id_number"]] > last]
        if not living:
            continue
        members = []
        for r in living:
            idn = r["id_number"]
            grade, kind = disability.get(idn, (None, None))
            members.append(
                rules.Member(
                    id=parse_id_number(idn),
                    relation="other",
                    monthly_wage=Decimal(wage[idn]),
                    employed=wage[idn] > 0,
                    monthly_pension=Decimal(pension[idn]),
                    other_income=Decimal(unemp[idn]),
                    disability_grade=grade,
                    disability_kind=kind,
                    medical_oop=oop[idn],
                    has_supporter=None,  # not declared: the rule infers it from the household
                )
            )
        ids = [r["id_number"] for r in people]
        assets = rules.Assets(
            financial=Decimal(sum(fin[x] for x in ids)),
            vehicles=tuple(rules.Vehicle(kind=k, value=Decimal(0)) for x in ids for k in cars[x]),
            residential_properties=len(set().union(*(homes[x] for x in ids))),
            business_capital=Decimal(max(capital[x] for x in ids)),
        )
        out[hno] = {
            "county": head["hukou_region"][:6],
            "hukou": head["hukou_type"],
            "members": members,
            "ids": [r["id_number"] for r in living],
            "assets": assets,
        }
    return out


def dibao_case(h: dict[str, Any]) -> Case:
    members = list(h["members"])
    members[0] = _as(members[0], "head")
    return Case("dibao", _month_end(), h["county"], h["hukou"], tuple(members), h["assets"])


def tekun_case(h: dict[str, Any], i: int) -> Case:
    """The household with member i as the applicant the tekun rule tests."""
    members = [_as(m, "head") if j == i else m for j, m in enumerate(h["members"])]
    return Case("tekun", _month_end(), h["county"], h["hukou"], tuple(members), h["assets"])


def _as(m: rules.Member, relation: str) -> rules.Member:
    return rules.Member(**{**m.__dict__, "relation": relation})


# ----------------------------------------------------------------------------- the two paths
DIBAO_COLUMNS = (
    "income_ok",
    "fin_ok",
    "vehicles_ok",
    "homes_ok",
    "business_ok",
    "margin",
    "eligible",
    "covered",
    "monthly_amount",
)
TEKUN_COLUMNS = ("category_ok", "income_ok", "supporter_ok", "eligible", "monthly_amount")


def engine_results(city: dict[str, Any], policy: Policy, out: Path) -> tuple[dict, dict]:
    """Screen the month with every person evaluated for tekun; the dibao result per household number
    and the tekun result per (household number, ID number), decoded with the engine's own keys."""
    screen(
        snapshot=city["snapshot"],
        enrolments=city["enrolments"],
        policy=policy,
        out_dir=out,
        threads=2,
        full_eligibility=True,
        export=("hh", "tekun_elig"),
    )
    con = duckdb.connect()
    hh_path, tk_path = out / f"hh-{MONTH}.parquet", out / f"tekun_elig-{MONTH}.parquet"
    cols = ", ".join(DIBAO_COLUMNS)
    dibao = {
        r[0]: dict(zip(DIBAO_COLUMNS, r[1:], strict=True))
        for r in con.execute(f"SELECT {R.hh_no_of('hid')}, {cols} FROM read_parquet('{hh_path}')").fetchall()
    }
    cols = ", ".join(TEKUN_COLUMNS)
    tekun = {
        (r[0], r[1]): dict(zip(TEKUN_COLUMNS, r[2:], strict=True))
        for r in con.execute(
            f"SELECT {R.hh_no_of('hid')}, {R.id_of('pid')}, {cols} FROM read_parquet('{tk_path}')"
        ).fetchall()
    }
    return dibao, tekun


def desk_results(
    households: dict[str, dict[str, Any]], sample: list[str], policy: Policy
) -> tuple[dict, dict]:
    figures = [policy.figures[(households[h]["county"], households[h]["hukou"])] for h in sample]
    rows = desk.dibao([dibao_case(households[h]) for h in sample], figures)
    dibao = {h: {c: r[c] for c in DIBAO_COLUMNS} for h, r in zip(sample, rows, strict=True)}
    keys, cases, figs = [], [], []
    for h, f in zip(sample, figures, strict=True):
        for i, idn in enumerate(households[h]["ids"]):
            keys.append((h, idn))
            cases.append(tekun_case(households[h], i))
            figs.append(f)
    rows = desk.tekun(cases, figs)
    tekun = {k: {c: r[c] for c in TEKUN_COLUMNS} for k, r in zip(keys, rows, strict=True)}
    return dibao, tekun


def assert_agree(engine: tuple[dict, dict], desk_: tuple[dict, dict], sample: list[str]) -> None:
    e_dibao, e_tekun = engine
    d_dibao, d_tekun = desk_
    diff = [(h, e_dibao.get(h), d_dibao[h]) for h in sample if e_dibao.get(h) != d_dibao[h]]
    assert not diff, f"{len(diff)} dibao disagreements, e.g. {diff[:3]}"
    diff = [(k, e_tekun.get(k), v) for k, v in d_tekun.items() if e_tekun.get(k) != v]
    assert not diff, f"{len(diff)} tekun disagreements, e.g. {diff[:3]}"


HIGH_AGE_RULES = ("high_age_grant", "high_age_tier")


def high_age_desk(city: dict[str, Any], ids: set[str], policy: Policy) -> dict[str, tuple[str, Decimal]]:
    """What the desk's tier rule (`high_age_tier`, each person with their own county × hukou figures)
    says the month's screening must propose for the persons `ids`: a grant for one who turned the first
    tier's age this month and is not enrolled, a tier change for an enrolled one who turned a higher
    tier's age — with the new monthly amount."""
    snap, end = city["snapshot"], _month_end()
    dead = {
        r["id_number"] for r in pq.read_table(snap / "deaths.parquet").to_pylist() if r["death_date"] <= end
    }
    enrolled = {
        r["id_number"]
        for r in pq.read_table(city["enrolments"]).to_pylist()
        if r["programme"] == "high_age"
        and r["start_month"] <= MONTH
        and (r.get("last_month") is None or r["last_month"] >= MONTH)
    }
    out: dict[str, tuple[str, Decimal]] = {}
    for r in pq.read_table(snap / "persons.parquet").to_pylist():
        idn, birth = r["id_number"], r["birth_date"]
        if idn not in ids or idn in dead or birth.month != end.month or end.year - birth.year < 60:
            continue
        p = rules.Policy(policy.figures[(r["hukou_region"][:6], r["hukou_type"])], "parity")
        age = rules.age_in_month(birth, end)
        tier, amount = high_age_tier(age, p)
        if not tier or high_age_tier(age - 1, p)[0] == tier:
            continue  # no tier, or not reached this month
        if tier == "tier80" and idn not in enrolled:
            out[idn] = ("high_age_grant", amount)
        elif tier != "tier80" and idn in enrolled:
            out[idn] = ("high_age_tier", amount)
    return out


def high_age_engine(out: Path, ids: set[str]) -> dict[str, tuple[str, Decimal]]:
    """The engine's high-age alerts of the month for the persons `ids`: rule and new monthly amount."""
    table = pq.read_table(out / f"alerts-{MONTH}.parquet").to_pylist()
    result = {}
    for a in table:
        if a["rule"] in HIGH_AGE_RULES and a["id_number"] in ids and a["status"] != "resolved":
            ev = json.loads(a["evidence"])
            result[a["id_number"]] = (a["rule"], Decimal(str(ev.get("月标准", ev.get("新月标准")))))
    return result


# ----------------------------------------------------------------------------- the tests
def test_desk_and_engine_agree_on_every_dibao_and_tekun_verdict_and_amount_and_move_together(
    city: dict[str, Any], tmp_path: Path
) -> None:
    households = households_from_generator(city["snapshot"])
    assert len(households) >= SAMPLE
    sample = sorted(random.Random(13).sample(sorted(households), SAMPLE))
    policy: Policy = city["policy"]

    before_engine = engine_results(city, policy, tmp_path / "before")
    before_desk = desk_results(households, sample, policy)
    assert_agree(before_engine, before_desk, sample)
    # the city is not trivial: both verdicts, 单人保 and tekun grants all occur
    d_dibao, d_tekun = before_desk
    assert sum(r["eligible"] for r in d_dibao.values()) > 50
    assert sum(r["covered"] for r in d_dibao.values() if not r["income_ok"]) > 0
    assert sum(r["margin"] for r in d_dibao.values()) > 20
    assert sum(r["eligible"] for r in d_tekun.values()) > 10
    assert any(r["eligible"] and not r["income_ok"] for r in d_dibao.values())
    # the engine sees the disability kind: a grade 3 intellectual/mental disability is a tekun category
    grade3 = [
        (h, idn)
        for h in sample
        for idn, m in zip(households[h]["ids"], households[h]["members"], strict=True)
        if m.disability_grade == 3 and m.disability_kind in ("intellectual", "mental")
    ]
    assert grade3 and all(before_engine[1][k]["category_ok"] for k in grade3)
    # high age: the engine proposes exactly the desk's grants and tier changes, at the desk's amounts
    ids = {idn for h in sample for idn in households[h]["ids"]}
    ha_before = high_age_desk(city, ids, policy)
    assert high_age_engine(tmp_path / "before", ids) == ha_before
    assert any(rule == "high_age_grant" for rule, _ in ha_before.values())

    # one county raises its standard and tightens its financial-assets limit: both paths move, alike
    county = max(
        {h["county"] for h in households.values()},
        key=lambda c: sum(1 for h in sample if households[h]["county"] == c),
    )
    # and the county of a person granted high-age this month raises its high-age amounts (the engine
    # reads them per county × hukou type, as the desk does)
    own_county = {
        r["id_number"]: r["hukou_region"][:6]
        for r in pq.read_table(city["snapshot"] / "persons.parquet").to_pylist()
    }
    ha_county = own_county[min(i for i, (rule, _) in ha_before.items() if rule == "high_age_grant")]
    figures = {
        k: (
            {
                **f,
                **(
                    {"dibao.standard": f["dibao.standard"] + 150, "dibao.financial_assets_months": Decimal(3)}
                    if k[0] == county
                    else {}
                ),
                **(
                    {
                        "high_age.tier80": f["high_age.tier80"] + 20,
                        "high_age.tier90": f["high_age.tier90"] + 30,
                        "high_age.tier100": f["high_age.tier100"] + 40,
                    }
                    if k[0] == ha_county
                    else {}
                ),
            }
        )
        for k, f in policy.figures.items()
    }
    changed = Policy(month=policy.month, figures=figures, params=policy.params)
    after_engine = engine_results(city, changed, tmp_path / "after")
    after_desk = desk_results(households, sample, changed)
    assert_agree(after_engine, after_desk, sample)

    in_county = [h for h in sample if households[h]["county"] == county]
    moved = [h for h in in_county if after_engine[0][h] != before_engine[0][h]]
    fin_moved = [h for h in in_county if after_engine[0][h]["fin_ok"] != before_engine[0][h]["fin_ok"]]
    assert moved and fin_moved, "the county's new figures changed no verdict"
    others = [h for h in sample if households[h]["county"] != county]
    assert all(after_engine[0][h] == before_engine[0][h] for h in others)

    ha_after = high_age_desk(city, ids, changed)
    assert high_age_engine(tmp_path / "after", ids) == ha_after
    moved_ha = {i for i in ha_after if ha_after[i] != ha_before[i]}
    assert moved_ha, "the county's high-age amounts moved no alert"
    assert {own_county[i] for i in moved_ha} == {ha_county}


def test_the_one_household_desk_path_gives_the_batch_verdicts(city: dict[str, Any]) -> None:
    """assess_dibao / assess_tekun (试算, the decision) on single cases give the same results."""
    households = households_from_generator(city["snapshot"])
    policy: Policy = city["policy"]
    some = sorted(households)[:40]
    for h in some:
        hh = households[h]
        fig = policy.figures[(hh["county"], hh["hukou"])]
        p = rules.Policy(fig, "parity")
        (row,) = desk.dibao([dibao_case(hh)], [fig])
        result = rules.assess_dibao(dibao_case(hh), p)
        assert (result.eligible, result.monthly_amount, result.members_covered) == (
            row["eligible"],
            row["monthly_amount"] if row["eligible"] else 0,
            row["covered"],
        )
        tk = rules.assess_tekun(tekun_case(hh, 0), p)
        (trow,) = desk.tekun([tekun_case(hh, 0)], [fig])
        assert (tk.eligible, tk.monthly_amount) == (trow["eligible"], trow["monthly_amount"])
