"""Verify one household against the month's data-exchange snapshot: one DuckDB point query per source
(the store is sorted by id_number, so only the row groups holding these persons are read), household
totals, the policy tests in force → 符合 / 不符合 / 需人工核实, and declared vs verified."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.assistance import desk, rules
from minzheng.assistance.assess import assess_case, parse_case
from minzheng.assistance.models import Application, State
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.masking import mask_id_number
from minzheng.exchange import contract
from minzheng.exchange.pseudonym import key_of_id
from minzheng.exchange.selectors import snapshot_current, snapshot_path
from minzheng.exchange.store import open_source
from minzheng.people.models import Membership
from minzheng.policy.selectors import policy_resolve

from .difficulty import HouseholdFacts, difficulty_index
from .models import Conclusion, VerificationReport

# Every exchange source but the population base (the household's members come from the people table);
# the sources, their groups and their labels are the exchange contract's (exchange/contract.py).
SOURCES = tuple(name for name in contract.SOURCES if name != contract.POPULATION)
# Which policy test depends on which sources: a missing source makes that test 需人工核实.
TEST_SOURCES = {
    "income": contract.INCOME_SOURCES,
    "financial_assets": contract.ASSET_SOURCES,
    "vehicles": ("vehicles",),
    "residential_property": ("real_estate",),
    "business": ("businesses",),
}
TEKUN_TEST_SOURCES = {
    "category": ("disability",),
    "income": contract.INCOME_SOURCES,
    **{k: v for k, v in TEST_SOURCES.items() if k != "income"},
}
SOURCE_LABELS = {name: contract.SOURCES[name].display for name in SOURCES}
COSTLY_LEVELS = {"senior", "vocational", "college", "university"}


def _num(value: Any) -> float:
    return float(value or 0)


def _month_bounds(month: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(month + "-01")
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def _rows(table: Any) -> list[dict[str, Any]]:
    return [] if table is None else table.to_pylist()


@lru_cache(maxsize=256)
def _row_group_index(path: str, mtime_ns: int) -> tuple[pq.ParquetFile, list[str], list[str]]:
    """Parquet metadata of one stored source, parsed once per process: row-group min/max of id_number."""
    pf = pq.ParquetFile(path)
    meta = pf.metadata
    col = pf.schema_arrow.get_field_index("id_number")
    mins, maxs = [], []
    for g in range(meta.num_row_groups):
        stats = meta.row_group(g).column(col).statistics
        mins.append(stats.min)
        maxs.append(stats.max)
    return pf, mins, maxs


def read_persons(path: str, id_numbers: list[str]) -> pa.Table:
    """Rows of one source sorted by person key (`id_numbers` are keys: exchange/pseudonym.py) for a few
    persons: binary search over row-group statistics, then read
    only those row groups — interactive at city scale (bench/verify.py)."""
    pf, mins, maxs = _row_group_index(path, Path(path).stat().st_mtime_ns)
    # Rows are sorted by id_number, so both mins and maxs are sorted: the groups that can hold `i` are
    # those from the first whose max ≥ i to the last whose min ≤ i (a person may span a boundary).
    groups = sorted({g for i in id_numbers for g in range(bisect_left(maxs, i), bisect_right(mins, i))})
    if not groups:
        return pf.schema_arrow.empty_table()
    table = pf.read_row_groups(groups)
    return table.filter(pc.is_in(table["id_number"], value_set=pa.array(id_numbers, pa.string())))


def collect(
    *, snapshot_dir: Any, month: str, id_numbers: list[str]
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """Every source's rows for these persons; the list of sources not delivered this month.

    The store holds person keys, not ID numbers (exchange/pseudonym.py): the rows are found by each
    person's key and handed back with the caller's ID number in `id_number`, in memory only."""
    keys = {key_of_id(i): i for i in id_numbers}
    found: dict[str, list[dict[str, Any]]] = {}
    missing: list[str] = []
    for source in SOURCES:
        path = open_source(snapshot_dir, source)
        if path is None:
            missing.append(source)
            found[source] = []
            continue
        rows = read_persons(path, list(keys)).to_pylist()
        for r in rows:
            r["id_number"] = keys[r["id_number"]]
        found[source] = rows
    return found, missing


def _death_date(row: dict[str, Any] | None, person: Any, cutoff: dt.date) -> dt.date | None:
    """The member's death on or before the cutoff, from the civil-affairs deaths source or the registry
    (a death recorded at the desk after the snapshot was taken), else None (alive)."""
    dates = [d for d in (row["death_date"] if row else None, person.death_date) if d is not None]
    if not dates and not person.is_alive:
        return cutoff  # the registry knows the death but not its date
    on = min(dates) if dates else None
    return on if on is not None and on <= cutoff else None


def _by_person(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(str(r["id_number"]), []).append(r)
    return out


@transaction.atomic
def verification_run(*, actor: Any, application: Application, month: str | None = None) -> VerificationReport:
    require(
        actor, "verification.run", region_code=application.region_code, target=f"application:{application.pk}"
    )
    if application.authorisation_signed_on is None:
        raise ValidationError("没有核对授权书，不能开展家庭经济状况核对")
    if application.state not in (State.VERIFYING, State.VILLAGE_REVIEW, State.PUBLIC_NOTICE, State.ACTIVE):
        raise ValidationError("申请须处于核对阶段（或之后的复核）才能核对")
    snapshot = snapshot_current(month=month)
    if snapshot is None:
        raise ValidationError(
            "没有可用的数据交换快照，请市级先导入本月数据" if month is None else f"没有{month}的数据快照"
        )
    members = list(
        Membership.objects.filter(household=application.household, end_date__isnull=True).select_related(
            "person"
        )
    )
    ids = [m.person.id_number for m in members]
    data, missing = collect(
        snapshot_dir=snapshot_path(snapshot=snapshot), month=snapshot.month, id_numbers=ids
    )
    first, last = _month_bounds(snapshot.month)
    per = {s: _by_person(rows) for s, rows in data.items()}
    member_rows, case_members = [], []
    totals = {
        "wages": 0.0,
        "pensions": 0.0,
        "unemployment": 0.0,
        "financial": 0.0,
        "medical": 0.0,
        "vehicles": 0,
        "residential": 0,
        "business_capital": 0.0,
    }
    vehicles: list[dict[str, Any]] = []
    severe = dependants = costly = compulsory = 0
    home_ids: set[str] = set()
    threshold_policy = policy_resolve(
        on=_month_bounds(snapshot.month)[1],
        region_code=application.region_code,
        hukou_type=application.hukou_type,
    )
    medical_threshold = float(threshold_policy.get("monitoring.medical_threshold"))
    sudden = False
    # per-capita figures divide by the members alive when the report is made (policy.md: what the dead
    # left stays with the household); a death the registry knows counts as much as one in the snapshot
    cutoff = max(last, timezone.localdate())
    for m in members:
        idn, p = m.person.id_number, m.person
        death_date = _death_date(next(iter(per["deaths"].get(idn, [])), None), p, cutoff)
        died = death_date is not None
        wage = sum(
            _num(r["amount"])
            for r in per["wages"].get(idn, [])
            if str(r.get("month", snapshot.month)) == snapshot.month
        )
        pension = sum(_num(r["monthly_amount"]) for r in per["pensions"].get(idn, []))
        unemp_rows = [
            r
            for r in per["unemployment"].get(idn, [])
            if r["start_date"] <= last and (r["end_date"] is None or r["end_date"] >= first)
        ]
        unemp = sum(_num(r["monthly_amount"]) for r in unemp_rows)
        deposits = sum(_num(r["balance"]) for r in per["deposits"].get(idn, []))
        securities = sum(_num(r["market_value"]) for r in per["securities"].get(idn, []))
        insurance = sum(_num(r["cash_value"]) for r in per["insurance"].get(idn, []))
        dis = next(iter(per["disability"].get(idn, [])), None)
        oop = sum(_num(r["out_of_pocket"]) for r in per["medical"].get(idn, []))
        edu = [r for r in per["education"].get(idn, []) if r.get("enrolled") in (True, "true")]
        homes = [r for r in per["real_estate"].get(idn, []) if r["use"] == "residential"]
        biz = [r for r in per["businesses"].get(idn, []) if r["status"] == "active"]
        cars = per["vehicles"].get(idn, [])
        if not died:
            totals["wages"] += wage
            totals["pensions"] += pension
            totals["unemployment"] += unemp
            totals["medical"] += oop
        # 家庭财产 includes what a member who died left to the household (assistance/eligibility.py)
        totals["financial"] += deposits + securities + insurance
        home_ids.update(str(r["property_no"]) for r in homes)  # joint owners counted once
        totals["residential"] = len(home_ids)
        totals["business_capital"] = max(
            totals["business_capital"], *(_num(b["registered_capital"]) for b in biz), 0
        )
        vehicles += [{"kind": v["vehicle_kind"], "value": _num(v["value"])} for v in cars]
        age = rules.age_on(p.birth_date, last)
        grade = int(dis["grade"]) if dis else None
        if not died:  # the index counts members alive at month end, as the screening engine does
            severe += int(grade in (1, 2) or oop > medical_threshold)
            dependants += int(age < 18 or age >= 60 or bool(edu))
            costly += int(any(r["level"] in COSTLY_LEVELS for r in edu))
            compulsory += int(any(r["level"] in ("primary", "junior") for r in edu))
        sudden = (
            sudden
            or (death_date is not None and first <= death_date <= last)
            or any(r["start_date"] >= first for r in unemp_rows)
            or (dis is not None and grade in (1, 2) and dis["issued_date"] >= first)
        )
        member_rows.append(
            {
                "person_id": p.pk,
                "name": p.name,
                "id_number": mask_id_number(idn),
                "relation": m.relation,
                "died": str(death_date) if death_date else "",
                "wages": wage,
                "employers": sorted({str(r["employer_code"]) for r in per["wages"].get(idn, [])}),
                "pension": pension,
                "unemployment": unemp,
                "housing_fund": [
                    {"contribution": _num(r["monthly_contribution"]), "balance": _num(r["balance"])}
                    for r in per["housing_fund"].get(idn, [])
                ],
                "vehicles": [
                    {
                        "kind": v["vehicle_kind"],
                        "value": _num(v["value"]),
                        "registered": str(v["registered_date"]),
                    }
                    for v in cars
                ],
                "real_estate": [
                    {"use": r["use"], "area_m2": _num(r["area_m2"])} for r in per["real_estate"].get(idn, [])
                ],
                "businesses": [
                    {"role": b["role"], "capital": _num(b["registered_capital"]), "status": b["status"]}
                    for b in per["businesses"].get(idn, [])
                ],
                "tax": [
                    {"year": r["year"], "income": _num(r["declared_income"])} for r in per["tax"].get(idn, [])
                ],
                "deposits": deposits,
                "securities": securities,
                "insurance": insurance,
                "disability": {"grade": grade, "kind": dis["kind"]} if dis else None,
                "medical_oop": oop,
                "education": [r["level"] for r in edu],
                "marriages": [
                    {"event": r["event"], "date": str(r["date"])} for r in per["marriages"].get(idn, [])
                ],
            }
        )
        if not died:
            case_members.append(
                {
                    "id_number": idn,
                    "relation": m.relation,
                    "monthly_wage": wage,
                    "employed": wage > 0,
                    "monthly_pension": pension,
                    "other_income": unemp,
                    "disability_grade": grade,
                    "disability_kind": dis["kind"] if dis else None,
                    "medical_oop": oop,  # the rule decides whether the bill makes a severe illness
                }
            )
    on = last
    case = _case(application, case_members, vehicles, totals, on)
    found_anywhere = any(rows for rows in data.values())
    tests, warnings, rule_version = _policy_tests(
        application=application, case=case, missing=missing, found_anywhere=found_anywhere
    )
    declared = _declared_totals(application)
    comparison = []
    verified_income = totals["wages"] + totals["pensions"] + totals["unemployment"]
    for key, label, verified in (
        ("income", "月收入", verified_income),
        ("financial", "金融资产", totals["financial"]),
    ):
        d = declared[key]
        comparison.append(
            {
                "item": label,
                "declared": d,
                "verified": round(verified, 2),
                "under_declared": verified > d * 1.1 + 1,
            }
        )
    deaths = [r for r in member_rows if r["died"]]
    if warnings:  # a household no source knows is not "符合": someone must look (never a silent match)
        conclusion = Conclusion.MANUAL
    elif missing or deaths or any(c["under_declared"] for c in comparison):
        conclusion = (
            Conclusion.MANUAL if all(t["verdict"] != "不符合" for t in tests) else Conclusion.NO_MATCH
        )
    else:
        conclusion = Conclusion.MATCH if all(t["verdict"] == "符合" for t in tests) else Conclusion.NO_MATCH
    policy = policy_resolve(on=on, region_code=application.region_code, hukou_type=application.hukou_type)
    # counted income as the programme rule counts it (assistance/eligibility.py, through the desk)
    income = (
        float(desk.counted_income(parse_case(case), policy.get("dibao.employment_deduction_rate")))
        if case["members"]
        else 0.0
    )
    facts = HouseholdFacts(
        members=len(case_members) or 1,
        income=income,
        standard=float(policy.get("dibao.standard")),
        severe=severe,
        dependants=dependants,
        medical_oop=totals["medical"],
        costly_students=costly,
        compulsory_students=compulsory,
        residential_properties=int(totals["residential"]),
        sudden_event=sudden,
    )
    index, band_label, points = difficulty_index(facts, policy.get)
    report = VerificationReport.objects.create(
        application=application,
        region_code=application.region_code,
        snapshot_month=snapshot.month,
        snapshot_sha=snapshot.manifest_sha256,
        rule_version=rule_version or policy.version,
        conclusion=conclusion,
        members=member_rows,
        totals=totals,
        tests=tests,
        declared_vs_verified=comparison,
        missing_sources=[SOURCE_LABELS[s] for s in missing],
        warnings=warnings,
        difficulty_index=index,
        difficulty_detail={"band": band_label, "points": points},
        created_by=actor,
    )
    Application.objects.filter(pk=application.pk).update(difficulty_index=index)
    # Reading balances and IDs from 16 departmental sources is itself an audited read (issue 5).
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="verification",
        target_id=report.pk,
        region_code=application.region_code,
        detail=f"核对{len(members)}人（{snapshot.month}快照），结论：{report.get_conclusion_display()}",
    )
    return report


def _case(
    application: Application,
    case_members: list[dict[str, Any]],
    vehicles: list[dict[str, Any]],
    totals: dict[str, Any],
    on: dt.date,
) -> dict[str, Any]:
    """The assess contract's case from the verified figures. 特困 is one person's entitlement: the
    applicant is the member the rule tests (its "head"), with the self-care level and supporter situation
    the family declared (no departmental source holds them)."""
    members = [dict(c) for c in case_members]
    programme = "tekun" if application.programme == "tekun" else "dibao"
    if programme == "tekun":
        applicant_id = application.applicant.id_number
        declared = {
            str(r.get("person_id")): r for r in application.declared.get("members", []) if isinstance(r, dict)
        }
        own = declared.get(str(application.applicant_id), {})
        for c in members:
            if c["id_number"] == applicant_id:
                c["relation"] = "head"
                c["self_care"] = own.get("self_care") or "full"
                c["has_supporter"] = bool(own.get("has_supporter", True))
                if c.get("disability_kind") is None and own.get("disability_kind"):
                    c["disability_kind"] = own["disability_kind"]
            elif c["relation"] == "head":
                c["relation"] = "other"
        if not any(c["relation"] == "head" for c in members):
            members = []  # the applicant died: nothing to test, the report says so
    elif not any(c["relation"] == "head" for c in members) and members:
        members[0]["relation"] = "head"  # the head died: the next member stands in for the test
    return {
        "programme": programme,
        "date": on.isoformat(),
        "region": application.region_code[:12],
        "hukou_type": application.hukou_type,
        "members": members,
        "assets": {
            "financial": round(totals["financial"], 2),
            "vehicles": vehicles,
            "residential_properties": totals["residential"],
            "business_capital": totals["business_capital"],
        },
    }


def _policy_tests(
    *, application: Application, case: dict[str, Any], missing: list[str], found_anywhere: bool
) -> tuple[list[dict[str, Any]], list[str], str]:
    """The programme's own tests on the verified figures (低保: income and assets; 特困: who, own income,
    no able supporter, and the asset limits), each 符合 / 不符合 / 需人工核实, plus the report's warnings."""
    warnings: list[str] = []
    if not case["members"]:
        return [], ["申请人已故或无在世成员，无法核对"], ""
    parsed = parse_case(case)
    result = assess_case(parsed)
    reasons = list(result.reasons)
    sources = TEST_SOURCES
    if case["programme"] == "tekun":
        # 特困人员认定办法: the property limits are the local ones; the policy tables carry the dibao asset
        # figures only, so those apply to the applicant's household.
        policy_set = policy_resolve(on=parsed.date, region_code=parsed.region, hukou_type=parsed.hukou_type)
        reasons += rules.asset_tests(parsed, rules.Policy(policy_set, policy_set.version))
        sources = TEKUN_TEST_SOURCES
    if not found_anywhere:
        warnings.append(
            "家庭成员在全部数据源中均未查到任何记录（收入0元可能只是没有数据），须人工核实身份和收入"
        )
    tests = []
    for t in reasons:
        needs = sources.get(t.test, ())
        gap = [s for s in needs if s in missing]
        verdict = "需人工核实" if gap else ("符合" if t.passed else "不符合")
        note = ("未报送：" + "、".join(SOURCE_LABELS[s] for s in gap)) if gap else ""
        if not found_anywhere and (needs or t.test in ("amount", "single_person_coverage")):
            verdict, note = "需人工核实", (note + "；" if note else "") + "数据源中未查到该家庭"
        if t.test == "supporter":
            note = (note + "；" if note else "") + "依申报，数据源无此项，须入户核实"
        tests.append(
            {
                "test": t.test,
                "verdict": verdict,
                "detail": t.detail,
                "sources": [SOURCE_LABELS[s] for s in needs],
                "note": note,
            }
        )
    return tests, warnings, result.rule_version


def _declared_totals(application: Application) -> dict[str, float]:
    rows = application.declared.get("members", [])
    income = sum(
        _num(r.get("monthly_wage")) + _num(r.get("monthly_pension")) + _num(r.get("other_income"))
        for r in rows
    )
    return {"income": income, "financial": _num(application.declared.get("assets", {}).get("financial"))}


@transaction.atomic
def verification_report_read(*, actor: Any, report: VerificationReport, what: str, ip: str = "") -> None:
    """A read of a report (deposits, pensions, masked IDs of a whole family): the case's township roles
    and above only, and every read is audited — the page as much as the PDF."""
    target = f"verification_report:{report.pk}"
    require(actor, "verification.read", region_code=report.region_code, target=target)
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="verification_report",
        target_id=report.pk,
        region_code=report.region_code,
        detail=what,
        ip=ip,
    )
