"""The one rules module for social-assistance eligibility and amounts (救助试算 and real decisions).

Pure functions over a validated `Case` and the `PolicySet` in force: no database, no I/O, so the trial
calculation (UI, API, CLI), the decision service and the tests all run exactly the same code.
Figures come from policy tables (shared/docs/policy.md); every result carries the policy version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from minzheng.core.idnumber import IdInfo

ZERO = Decimal(0)


def yuan(value: Decimal) -> int:
    """Whole yuan, half up (policy.md: amounts are rounded to whole yuan, half up)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fmt(value: Decimal) -> str:
    """Figures in reasons: whole numbers without decimals, others to 2 places."""
    q = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return str(int(q)) if q == q.to_integral_value() else f"{q:.2f}"


def month_end(d: dt.date) -> dt.date:
    nxt = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_in_month(birth: dt.date, on: dt.date) -> int:
    """Age reached by the end of `on`'s calendar month: a tier starts in the month of the birthday."""
    return age_on(birth, month_end(on))


@dataclass(frozen=True)
class Vehicle:
    kind: str
    value: Decimal


@dataclass(frozen=True)
class Member:
    id: IdInfo
    relation: str
    monthly_wage: Decimal = ZERO
    employed: bool = False
    monthly_pension: Decimal = ZERO
    other_income: Decimal = ZERO
    disability_grade: int | None = None
    disability_kind: str | None = None
    severe_illness: bool = False
    self_care: str = "full"
    has_supporter: bool = True
    name: str = ""
    # Inputs only another programme's rule reads, keyed by the name it registered (TrialField).
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def severely_disabled(self) -> bool:
        """Grade 1–2, or grade 3 intellectual/mental (policy.md 单人保 and 特困)."""
        g = self.disability_grade
        return g in (1, 2) or (g == 3 and self.disability_kind in ("intellectual", "mental"))


@dataclass(frozen=True)
class Assets:
    financial: Decimal = ZERO
    vehicles: tuple[Vehicle, ...] = ()
    residential_properties: int = 0
    business_capital: Decimal = ZERO


@dataclass(frozen=True)
class Case:
    programme: str
    date: dt.date
    region: str
    hukou_type: str
    members: tuple[Member, ...]
    assets: Assets = field(default_factory=Assets)
    amount_requested: Decimal | None = None


@dataclass
class Test:
    test: str
    passed: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"test": self.test, "passed": self.passed, "detail": self.detail}


@dataclass
class Result:
    programme: str
    eligible: bool
    monthly_amount: int
    standard: int
    per_capita_income: int
    members_covered: int
    approval_level: str
    rule_version: str
    reasons: list[Test]
    inputs: dict[str, str] = field(default_factory=dict)  # the policy figures used
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "programme": self.programme,
            "eligible": self.eligible,
            "monthly_amount": self.monthly_amount,
            "standard": self.standard,
            "per_capita_income": self.per_capita_income,
            "members_covered": self.members_covered,
            "approval_level": self.approval_level,
            "rule_version": self.rule_version,
            "reasons": [r.as_dict() for r in self.reasons],
        }
        out.update(self.extra)
        return out


class Policy:
    """Read-only view of the figures a calculation needs (a PolicySet or any mapping of key → Decimal)."""

    def __init__(self, values: Any, version: str) -> None:
        self._values = values
        self.version = version
        self.used: dict[str, str] = {}

    def __call__(self, key: str) -> Decimal:
        value = Decimal(self._values.get(key))
        self.used[key] = str(value)
        return value


# ---------------------------------------------------------------- income and assets (shared by dibao)
def counted_income(m: Member, deduction_rate: Decimal) -> Decimal:
    """Wage of an employed member counts net of the employment-cost deduction (就业成本扣减, seed 002)."""
    wage = m.monthly_wage * (1 - deduction_rate) if m.employed else m.monthly_wage
    return wage + m.monthly_pension + m.other_income


def cmp(a: Decimal | int, b: Decimal | int, le: bool = True) -> str:
    """The comparison sign a reason shows: ≤/> for ceilings, </≥ for strict limits."""
    if le:
        return "≤" if a <= b else ">"
    return "<" if a < b else "≥"


def asset_tests(case: Case, standard: Decimal, p: Policy) -> list[Test]:
    n = Decimal(len(case.members))
    a = case.assets
    months = p("dibao.financial_assets_months")
    limit = months * standard
    per_capita_fin = a.financial / n
    cars = [v for v in a.vehicles if v.kind != "disability"]
    max_homes = int(p("dibao.residential_properties_max"))
    cap_max = p("dibao.business_capital_max")
    return [
        Test(
            "financial_assets",
            per_capita_fin <= limit,
            f"人均金融资产{fmt(per_capita_fin)}元 {'≤' if per_capita_fin <= limit else '>'} "
            f"{fmt(months)}个月标准{fmt(limit)}元",
        ),
        Test(
            "vehicles",
            not cars,
            "无机动车（残疾人代步车除外）"
            if not cars
            else f"有机动车{len(cars)}辆（{'、'.join(v.kind for v in cars)}）",
        ),
        Test(
            "residential_property",
            a.residential_properties <= max_homes,
            f"住房{a.residential_properties}套 {cmp(a.residential_properties, max_homes)} {max_homes}套",
        ),
        Test(
            "business",
            a.business_capital <= cap_max,
            f"工商注册资本{fmt(a.business_capital)}元 {cmp(a.business_capital, cap_max)} {fmt(cap_max)}元",
        ),
    ]


def household_income(case: Case, p: Policy) -> tuple[Decimal, Decimal]:
    rate = p("dibao.employment_deduction_rate")
    total = sum((counted_income(m, rate) for m in case.members), ZERO)
    return total, total / Decimal(len(case.members))


# ---------------------------------------------------------------- programmes
def assess_dibao(case: Case, p: Policy) -> Result:
    standard = p("dibao.standard")
    n = len(case.members)
    total, pci = household_income(case, p)
    income_ok = pci < standard
    tests = [
        Test(
            "income",
            income_ok,
            f"人均收入{fmt(pci)}元 {'<' if income_ok else '≥'} 标准{fmt(standard)}元"
            + (
                f"（已扣减就业成本{fmt(p('dibao.employment_deduction_rate') * 100)}%）"
                if any(m.employed for m in case.members)
                else ""
            ),
        ),
        *asset_tests(case, standard, p),
    ]
    assets_ok = all(t.passed for t in tests[1:])
    covered, amount = 0, ZERO
    eligible = income_ok and assets_ok
    if eligible:
        covered = n
        amount = standard * n - total  # (standard − per-capita income) × members, exact before rounding
        tests.append(Test("amount", True, f"补差：({fmt(standard)} − {fmt(pci)}) × {n}人 = {yuan(amount)}元"))
    elif assets_ok:
        # 单人保: household over the line but under 1.5 × standard; severely disabled/ill members alone.
        factor = p("dibao.single_person_income_factor")
        if pci <= factor * standard:
            rate = p("dibao.employment_deduction_rate")
            alone = [m for m in case.members if (m.severely_disabled or m.severe_illness)]
            for m in alone:
                own = counted_income(m, rate)
                if own < standard:
                    covered += 1
                    amount += standard - own
            if covered:
                eligible = True
                tests.append(
                    Test(
                        "single_person_coverage",
                        True,
                        f"人均收入{fmt(pci)}元 ≤ {fmt(factor)}倍标准{fmt(factor * standard)}元，"
                        f"重度残疾或重病成员{covered}人单人保，合计{yuan(amount)}元",
                    )
                )
            else:
                tests.append(
                    Test("single_person_coverage", False, "家庭中无重度残疾或重病成员，不适用单人保")
                )
    return Result(
        programme="dibao",
        eligible=eligible,
        monthly_amount=yuan(amount) if eligible else 0,
        standard=yuan(standard),
        per_capita_income=yuan(pci),
        members_covered=covered,
        approval_level="township",
        rule_version=p.version,
        reasons=tests,
    )


def _head(case: Case) -> Member:
    return next(m for m in case.members if m.relation == "head")


def assess_tekun(case: Case, p: Policy) -> Result:
    dibao_std = p("dibao.standard")
    m = _head(case)
    age = age_on(m.id.birth_date, case.date)
    age_min, minor_max = int(p("tekun.age_min")), int(p("tekun.minor_age_max"))
    rate = p("dibao.employment_deduction_rate")
    own = counted_income(m, rate)
    who_ok = age >= age_min or age < minor_max or m.severely_disabled
    who = (
        f"年满{age_min}周岁（{age}岁）"
        if age >= age_min
        else f"未满{minor_max}周岁（{age}岁）"
        if age < minor_max
        else "重度残疾"
        if m.severely_disabled
        else f"{age}岁，既非老年人、未成年人，也非重度残疾人"
    )
    tests = [
        Test("category", who_ok, who),
        Test(
            "income",
            own < dibao_std,
            f"本人收入{fmt(own)}元 {'<' if own < dibao_std else '≥'} 低保标准{fmt(dibao_std)}元",
        ),
        Test(
            "supporter",
            not m.has_supporter,
            "无法定赡养、抚养、扶养人或其无能力" if not m.has_supporter else "有法定义务人且有能力",
        ),
    ]
    eligible = all(t.passed for t in tests)
    basic = p("tekun.basic_factor") * dibao_std
    care = p(f"tekun.care.{m.self_care}")
    amount = basic + care
    care_label = {"full": "全自理", "partial": "半护理", "none": "全护理"}[m.self_care]
    if eligible:
        tests.append(
            Test(
                "amount",
                True,
                f"基本生活标准{fmt(p('tekun.basic_factor'))}×{fmt(dibao_std)}={fmt(basic)}元 + "
                f"照料护理（{care_label}）{fmt(care)}元 = {yuan(amount)}元",
            )
        )
    return Result(
        programme="tekun",
        eligible=eligible,
        monthly_amount=yuan(amount) if eligible else 0,
        standard=yuan(dibao_std),
        per_capita_income=yuan(own),
        members_covered=1 if eligible else 0,
        approval_level="township",
        rule_version=p.version,
        reasons=tests,
        extra={"basic_living": yuan(basic), "care_standard": yuan(care)},
    )


def assess_temporary(case: Case, p: Policy, urban_standard: Decimal) -> Result:
    """Granted where the emergency happens, whatever the hukou (seed 002, 003): no residence test."""
    requested = case.amount_requested or ZERO
    t_cap = p("temporary.township_factor") * urban_standard
    c_cap = p("temporary.county_factor") * urban_standard
    amount = min(requested, c_cap)
    level = "township" if amount <= t_cap else "county"
    tests = [
        Test("locality", True, f"急难发生地{case.region}受理，不受户籍、居住地限制"),
        Test(
            "approval_level",
            True,
            f"申请{fmt(requested)}元 {cmp(requested, t_cap)} "
            f"{fmt(p('temporary.township_factor'))}倍城市低保标准{fmt(t_cap)}元，"
            + ("乡镇（街道）直接审批" if level == "township" else "报县级审批"),
        ),
    ]
    if requested > c_cap:
        tests.append(
            Test(
                "cap",
                True,
                f"超过单次上限{fmt(p('temporary.county_factor'))}倍城市低保标准{fmt(c_cap)}元，按上限给付",
            )
        )
    return Result(
        programme="temporary",
        eligible=amount > 0,
        monthly_amount=yuan(amount),
        standard=yuan(urban_standard),
        per_capita_income=yuan(household_income(case, p)[1]),
        members_covered=len(case.members),
        approval_level=level,
        rule_version=p.version,
        reasons=tests,
    )
