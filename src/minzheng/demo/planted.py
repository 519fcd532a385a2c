"""Known cases planted into a small synthetic snapshot, so tests can check that every rule finds exactly
what it should (and stays silent where it should).

`plant_cases` appends new households — each built for one rule — to a snapshot written by
`demo.synth.generate_city`, and returns the ID numbers each rule must report (key = rule code) and
must not report (key = "not:" + rule code). The background city is left as it is. Test tooling: small
data only (a few dozen rows, plain Python).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from minzheng.core.idnumber import make_id_number
from minzheng.exchange.contract import SOURCES
from minzheng.monitoring.engine.runner import Policy, policy_from_fixture
from minzheng.programmes.registry import programmes


class _Planter:
    def __init__(self, snapshot: Path, month: str, policy: Policy) -> None:
        self.snapshot = snapshot
        self.policy = policy
        self.year, self.mon = (int(x) for x in month.split("-"))
        self.month = month
        self.start = dt.date(self.year, self.mon, 1)
        self.end = dt.date(self.year, self.mon, calendar.monthrange(self.year, self.mon)[1])
        persons = pq.read_table(
            snapshot / "persons.parquet", columns=["id_number", "hukou_region", "hukou_type"]
        )
        self.taken = set(persons.column("id_number").to_pylist())
        self.region = str(persons.column("hukou_region")[0])
        self.hukou = str(persons.column("hukou_type")[0])
        stds = {(c, h): v for c, h, v in policy.standards}
        self.std = stds[(self.region[:6], self.hukou)]
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.enrol: list[dict[str, Any]] = []
        self.expect: dict[str, list[str]] = defaultdict(list)
        self.serial = 0
        self.seq = 499
        # The monthly programmes of the lines registered since dibao/tekun/high-age/child were planted by
        # hand: each gets the engine's died_/paid_after_death_ cases.
        self.other_payable = [
            p.code
            for p in programmes()
            if p.monthly_payable and p.code not in ("dibao", "tekun", "high_age", "child")
        ]

    # ---------------------------------------------------------------- building blocks
    def born(self, age: int, this_month: bool = False) -> dt.date:
        """A birth date giving `age` at the month's end; the birthday is next month unless this_month."""
        if this_month:
            return dt.date(self.year - age, self.mon, 10)
        if self.mon < 12:
            return dt.date(self.year - age - 1, self.mon + 1, 10)
        return dt.date(self.year - age, 1, 10)

    def months_ago(self, k: int) -> str:
        idx = self.year * 12 + self.mon - 1 - k
        return f"{idx // 12:04d}-{idx % 12 + 1:02d}"

    def household(self, ages: Sequence[int | tuple[int, bool]]) -> tuple[str, list[str]]:
        """A new household in the template village: the first member is the head."""
        self.serial += 1
        hno = f"{self.region[:6]}{9_000_000_000 + self.serial:010d}"
        ids = []
        for k, spec in enumerate(ages):
            age, this_month = spec if isinstance(spec, tuple) else (spec, False)
            birth = self.born(age, this_month)
            while True:
                self.seq -= 1
                pid = make_id_number(self.region[:6], birth, self.seq, "M" if k % 2 == 0 else "F")
                if pid not in self.taken:
                    break
            self.taken.add(pid)
            ids.append(pid)
            self.person(pid, hno, birth, "head" if k == 0 else ("spouse" if k == 1 else "child"))
        return hno, ids

    def person(self, pid: str, hno: str, birth: dt.date, relation: str) -> None:
        sex = "M" if int(pid[16]) % 2 else "F"
        self.rows["persons"].append(
            {
                "id_number": pid,
                "name": "测试",
                "sex": sex,
                "birth_date": birth,
                "hukou_type": self.hukou,
                "hukou_region": self.region,
                "household_no": hno,
                "relation": relation,
            }
        )

    def enrolled(self, pid: str, hno: str, programme: str, last_month: str | None = None) -> None:
        self.enrol.append(
            {
                "id_number": pid,
                "household_no": hno,
                "programme": programme,
                "start_month": self.months_ago(6),
                "monthly_amount": 100,
                "last_month": last_month,
            }
        )

    def died(self, pid: str, on: dt.date | None = None) -> None:
        self.rows["deaths"].append({"id_number": pid, "death_date": on or self.start + dt.timedelta(days=9)})

    def wage(self, pid: str, amount: int) -> None:
        self.rows["wages"].append(
            {"id_number": pid, "month": self.month, "employer_code": "X", "amount": amount}
        )

    def deposit(self, pid: str, balance: int) -> None:
        self.rows["deposits"].append(
            {"id_number": pid, "bank_code": "102", "balance": balance, "as_of": self.end}
        )

    def vehicle(self, pid: str, kind: str, registered: dt.date) -> None:
        self.rows["vehicles"].append(
            {"id_number": pid, "vehicle_kind": kind, "value": 50_000, "registered_date": registered}
        )

    def home(self, pid: str, property_no: str, use: str = "residential") -> None:
        self.rows["real_estate"].append(
            {
                "id_number": pid,
                "property_no": property_no,
                "use": use,
                "area_m2": 90.0,
                "registered_date": dt.date(2010, 1, 1),
            }
        )

    def business(self, pid: str, capital: int, status: str = "active") -> None:
        self.rows["businesses"].append(
            {
                "id_number": pid,
                "credit_code": "X",
                "role": "legal_rep",
                "registered_capital": capital,
                "status": status,
            }
        )

    def disability(self, pid: str, grade: int, issued: dt.date) -> None:
        self.rows["disability"].append(
            {"id_number": pid, "grade": grade, "kind": "physical", "issued_date": issued}
        )

    def medical(self, pid: str, amount: float) -> None:
        self.rows["medical"].append({"id_number": pid, "month": self.month, "out_of_pocket": amount})

    def unemployment(self, pid: str, start: dt.date) -> None:
        self.rows["unemployment"].append(
            {
                "id_number": pid,
                "start_date": start,
                "end_date": start + dt.timedelta(days=180),
                "monthly_amount": 1700,
            }
        )

    def dibao_household(self, size: int = 2, last_month: str | None = None) -> tuple[str, list[str]]:
        hno, ids = self.household([45, 43, 12][:size])
        for pid in ids:
            self.enrolled(pid, hno, "dibao", last_month)
        return hno, ids

    # ---------------------------------------------------------------- the cases
    def plant(self) -> None:
        e, std = self.expect, self.std
        in_month = self.start + dt.timedelta(days=4)
        long_ago = dt.date(self.year - 5, 3, 1)

        # 1 — beneficiary died this month
        hno, ids = self.dibao_household()
        self.died(ids[1])
        e["died_dibao"].append(ids[1])
        for prog, age in (("tekun", 72), ("high_age", 86)):
            hno, (pid,) = self.household([age])
            self.enrolled(pid, hno, prog)
            self.died(pid)
            e[f"died_{prog}"].append(pid)
        hno, (_parent, child) = self.household([38, 9])
        self.enrolled(child, hno, "child")
        self.died(child)
        e["died_child"].append(child)
        for prog in self.other_payable:  # every other line's monthly programme: the engine's own rules
            hno, (pid,) = self.household([70])
            self.enrolled(pid, hno, prog)
            self.died(pid)
            e[f"died_{prog}"].append(pid)

        # 2 — dibao re-verification (a household is reported by its head)
        hno, ids = self.dibao_household()
        self.wage(ids[0], int(std * 10))
        e["dibao_income"].append(ids[0])
        hno, ids = self.dibao_household(last_month=self.months_ago(-3))  # 渐退期: not re-flagged for income
        self.wage(ids[0], int(std * 10))
        e["not:dibao_income"].append(ids[0])
        hno, ids = self.dibao_household()
        self.deposit(ids[1], int(std * 24 * 2) + 1000)
        e["dibao_financial_assets"].append(ids[0])
        hno, ids = self.dibao_household()
        self.vehicle(ids[1], "car", in_month)
        e["dibao_new_vehicle"].append(ids[0])
        e["not:dibao_vehicle"].append(ids[0])
        hno, ids = self.dibao_household()
        self.vehicle(ids[0], "truck", long_ago)
        e["dibao_vehicle"].append(ids[0])
        e["not:dibao_new_vehicle"].append(ids[0])
        hno, ids = self.dibao_household()
        self.vehicle(ids[0], "disability", in_month)  # a disability mobility vehicle is allowed
        e["not:dibao_vehicle"].append(ids[0])
        e["not:dibao_new_vehicle"].append(ids[0])
        hno, ids = self.dibao_household()
        self.home(ids[0], f"P{hno}-1")
        self.home(ids[1], f"P{hno}-2")
        e["dibao_second_home"].append(ids[0])
        hno, ids = self.dibao_household()
        self.home(ids[0], f"P{hno}-1")
        self.home(ids[1], f"P{hno}-1")  # one home owned jointly
        self.home(ids[1], f"P{hno}-2", use="commercial")
        e["not:dibao_second_home"].append(ids[0])
        hno, ids = self.dibao_household()
        self.business(ids[0], 500_000)
        e["dibao_business"].append(ids[0])
        hno, ids = self.dibao_household()
        self.business(ids[0], 500_000, status="closed")
        self.business(ids[1], 50_000)
        e["not:dibao_business"].append(ids[0])

        # 3, 4 — proactive discovery and the margin (single adults outside every programme)
        hno, (pid,) = self.household([40])
        e["discovery_dibao"].append(pid)
        hno, (pid,) = self.household([41])
        self.vehicle(pid, "car", long_ago)  # fails the asset test
        e["not:discovery_dibao"].append(pid)
        hno, (pid,) = self.household([42])
        self.wage(pid, round(std * 1.2 / 0.8))  # counted income 1.2 × standard after the deduction
        e["margin_household"].append(pid)
        e["not:discovery_dibao"].append(pid)
        hno, (pid,) = self.household([43])
        self.wage(pid, round(std * 1.1))  # 1.1 × standard gross, 0.88 × counted: discovery, not margin
        e["discovery_dibao"].append(pid)
        e["not:margin_household"].append(pid)

        # 5 — sudden hardship
        threshold = self.policy.param("monitoring.medical_threshold")
        hno, ids = self.household([50, 48])
        self.wage(ids[0], 5000)
        self.medical(ids[1], threshold + 3000.5)
        e["hardship_medical"].append(ids[1])
        self.medical(ids[0], threshold - 1)
        e["not:hardship_medical"].append(ids[0])
        hno, ids = self.household([52, 50])
        self.wage(ids[0], 5000)
        self.disability(ids[1], 2, in_month)
        e["hardship_disability"].append(ids[1])
        self.disability(ids[0], 3, in_month)
        e["not:hardship_disability"].append(ids[0])
        hno, ids = self.household([35, 33])
        self.wage(ids[1], 4000)
        self.unemployment(ids[0], in_month)
        e["hardship_unemployment"].append(ids[0])
        hno, ids = self.household([46, 44, 15])
        self.wage(ids[0], 8000)
        self.wage(ids[1], 2000)
        self.died(ids[0])
        e["hardship_earner_death"].append(ids[0])
        hno, ids = self.household([47, 45])
        self.wage(ids[0], 2000)
        self.wage(ids[1], 8000)
        self.died(ids[0])  # not the main earner
        e["not:hardship_earner_death"].append(ids[0])

        # 6 — reaching an age
        start = int(self.policy.param("high_age.start_age"))
        hno, (pid,) = self.household([(start, True)])
        self.wage(pid, 3000)
        e["high_age_grant"].append(pid)
        hno, (pid,) = self.household([(start, True)])
        self.enrolled(pid, hno, "high_age")
        e["not:high_age_grant"].append(pid)
        hno, (pid,) = self.household([(int(self.policy.param("high_age.tier2_age")), True)])
        self.enrolled(pid, hno, "high_age")
        e["high_age_tier"].append(pid)
        tekun_age = int(self.policy.param("tekun.age_min"))
        hno, ids = self.household([(tekun_age, True), 63])
        e["tekun_check"].append(ids[0])
        hno, ids = self.household([(tekun_age, True), 58, 30])
        e["not:tekun_check"].append(ids[0])
        end_age = int(self.policy.param("child.end_age"))
        hno, (_guardian, child) = self.household([45, (end_age, True)])
        self.enrolled(child, hno, "child")
        e["child_end"].append(child)

        # 7 — inconsistencies
        hno, (pid,) = self.household([39])
        self.wage(pid, 6000)
        other, _ = self.household([37])
        self.person(pid, other, self.born(39), "other")  # the same person in a second household
        e["duplicate_person"].append(pid)
        hno, (pid,) = self.household([84])
        self.enrolled(pid, hno, "high_age")
        self.enrolled(pid, hno, "high_age")
        e["paid_twice"].append(pid)
        hno, (pid,) = self.household([66])
        self.enrolled(pid, hno, "dibao")
        self.enrolled(pid, hno, "tekun")
        e["dibao_and_tekun"].append(pid)
        before = self.start - dt.timedelta(days=40)
        ages = {"dibao": 55, "tekun": 70, "high_age": 90, "child": 10} | dict.fromkeys(self.other_payable, 70)
        for prog, age in ages.items():
            hno, ids = self.household([age] if prog != "child" else [40, age])
            pid = ids[-1]
            self.enrolled(pid, hno, prog)
            self.died(pid, before)
            e[f"paid_after_death_{prog}"].append(pid)
            e[f"died_{prog}"].append(pid)

        # 8 — disability subsidies' dynamic adjustment (when the disability line is registered)
        if {"dis_living", "dis_care"} <= set(self.other_payable):
            hno, (pid,) = self.household([50])
            self.disability(pid, 1, long_ago)
            self.enrolled(pid, hno, "dis_care")
            self.enrolled(pid, hno, "tekun")
            e["dis_tekun"].append(pid)
            hno, (pid,) = self.household([45])
            self.disability(pid, 3, long_ago)
            self.enrolled(pid, hno, "dis_living")  # the household has no dibao
            e["dis_left_dibao"].append(pid)
            hno, (pid,) = self.household([40])
            self.disability(pid, 3, long_ago)
            self.enrolled(pid, hno, "dis_care")  # grade 3 no longer carries the care subsidy
            e["dis_redecide"].append(pid)

        # 9 — special-difficulty families: a dibao member's first disability certificate this month
        if "sf_medical" in {p.code for p in programmes()}:
            hno, ids = self.household([44, 16])
            self.enrolled(ids[0], hno, "dibao")
            self.disability(ids[1], 3, in_month)
            e["sf_new_disability"].append(ids[1])
            hno, ids = self.household([45, 17])
            self.enrolled(ids[0], hno, "dibao")
            self.disability(ids[1], 4, long_ago)  # held a certificate before: already on the roll
            self.disability(ids[1], 2, in_month)
            e["not:sf_new_disability"].append(ids[1])
            hno, ids = self.household([46, 18])
            self.enrolled(ids[0], hno, "dibao")
            self.disability(ids[1], 3, in_month)
            self.enrolled(ids[1], hno, "sf_festival")  # on the roll through an entitlement
            e["not:sf_new_disability"].append(ids[1])
            hno, (pid,) = self.household([47])
            self.disability(pid, 3, in_month)  # not a dibao household
            e["not:sf_new_disability"].append(pid)

    # ---------------------------------------------------------------- writing
    def write(self, enrolments: Path) -> None:
        manifest_path = self.snapshot / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else None
        for name, rows in self.rows.items():
            path = self.snapshot / f"{name}.parquet"
            schema = SOURCES[name].schema
            table = pa.concat_tables([pq.read_table(path).cast(schema), pa.Table.from_pylist(rows, schema)])
            pq.write_table(table, path)
            if manifest is not None:
                manifest["sources"][name]["rows"] = table.num_rows
                manifest["sources"][name]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        if manifest is not None:
            manifest_path.write_text(
                json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
        old = pq.read_table(enrolments)
        if "last_month" not in old.column_names:
            old = old.append_column("last_month", pa.nulls(old.num_rows, pa.string()))
        new = pa.Table.from_pylist(self.enrol, old.schema)
        pq.write_table(pa.concat_tables([old, new]), enrolments)


def plant_cases(
    *, snapshot: Path, enrolments: Path, month: str, policy: Policy | None = None
) -> dict[str, list[str]]:
    """Appends the planted households to `snapshot` (the month folder) and `enrolments`; returns
    {rule code: ID numbers it must report, "not:" + rule code: ID numbers it must not report}."""
    snapshot, enrolments = Path(snapshot), Path(enrolments)
    if policy is None:
        regions = pq.read_table(snapshot / "persons.parquet", columns=["hukou_region"]).column(0)
        policy = policy_from_fixture(month, {str(r)[:6] for r in regions.unique().to_pylist()})
    planter = _Planter(snapshot, month, policy)
    planter.plant()
    planter.write(enrolments)
    return {k: sorted(v) for k, v in planter.expect.items()}
