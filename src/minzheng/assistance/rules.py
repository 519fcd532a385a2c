"""Social-assistance eligibility and amounts at the desk (救助试算 and real decisions).

Functions over a validated `Case` and the `PolicySet` in force, with no database: the trial calculation
(UI, API, CLI), the decision service, the verification report and the tests all run exactly the same
code. Dibao and tekun are evaluated by their one SQL definition (assistance/eligibility.py, the same
the city screening runs) on the case's one-household table (assistance/desk.py); this module words the
result. Figures come from policy tables (shared/docs/policy.md); every result carries the policy
version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from minzheng.policy.selectors import PolicyMissing
from minzheng.programmes.household import Assets, Case, Member, Vehicle

from . import desk, eligibility

__all__ = ["Assets", "Case", "Member", "Vehicle"]  # the household shape lives with the platform

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
    """Read-only view of the figures a calculation needs (a PolicySet or any mapping of key → Decimal).
    A figure the policy tables do not hold is an error (PolicyMissing), never a default."""

    def __init__(self, values: Any, version: str) -> None:
        self._values = values
        self.version = version
        self.used: dict[str, str] = {}

    def __call__(self, key: str) -> Decimal:
        if isinstance(self._values, Mapping):
            if key not in self._values:
                raise PolicyMissing(f"缺少有效的政策参数“{key}”")
            value = Decimal(self._values[key])
        else:
            value = Decimal(self._values.get(key))
        self.used[key] = str(value)
        return value

    def figures(self, keys: tuple[str, ...]) -> dict[str, Decimal]:
        return {key: self(key) for key in keys}


def cmp(a: Decimal | int, b: Decimal | int, le: bool = True) -> str:
    """The comparison sign a reason shows: ≤/> for ceilings, </≥ for strict limits."""
    if le:
        return "≤" if a <= b else ">"
    return "<" if a < b else "≥"


# ---------------------------------------------------------------- dibao and tekun: the one SQL definition
# The tests and amounts below come from assistance/eligibility.py run on this case's household facts
# (assistance/desk.py); this module only words the reasons for people.
def household_income(case: Case, p: Policy) -> tuple[Decimal, Decimal]:
    total = desk.counted_income(case, p("dibao.employment_deduction_rate"))
    return total, total / Decimal(len(case.members))


def _asset_tests(case: Case, r: dict[str, Any]) -> list[Test]:
    n = Decimal(r["n_alive"])
    per_capita_fin = Decimal(r["fin"]) / n
    months, std = Decimal(r["fin_months"]), Decimal(r["std"])
    limit = months * std
    cars = [v for v in case.assets.vehicles if v.kind != "disability"]
    homes, max_homes = int(r["n_res"]), int(r["homes_max"])
    cap, cap_max = Decimal(r["biz_cap"]), Decimal(r["cap_max"])
    return [
        Test(
            "financial_assets",
            bool(r["fin_ok"]),
            f"人均金融资产{fmt(per_capita_fin)}元 {'≤' if r['fin_ok'] else '>'} "
            f"{fmt(months)}个月标准{fmt(limit)}元",
        ),
        Test(
            "vehicles",
            bool(r["vehicles_ok"]),
            "无机动车（残疾人代步车除外）"
            if r["vehicles_ok"]
            else f"有机动车{len(cars)}辆（{'、'.join(v.kind for v in cars)}）",
        ),
        Test(
            "residential_property",
            bool(r["homes_ok"]),
            f"住房{homes}套 {'≤' if r['homes_ok'] else '>'} {max_homes}套",
        ),
        Test(
            "business",
            bool(r["business_ok"]),
            f"工商注册资本{fmt(cap)}元 {'≤' if r['business_ok'] else '>'} {fmt(cap_max)}元",
        ),
    ]


def asset_tests(case: Case, p: Policy) -> list[Test]:
    """The dibao asset tests of the case's household (特困 applies the same local property limits)."""
    (row,) = desk.dibao([case], [p.figures(eligibility.DIBAO_KEYS)])
    return _asset_tests(case, row)


def dibao_result(case: Case, r: dict[str, Any], version: str) -> Result:
    """Today's Result (tests, reasons, amounts) from the case's row of eligibility.dibao_sql."""
    n = int(r["n_alive"])
    standard, total = Decimal(r["std"]), Decimal(r["income"])
    pci = total / Decimal(n)
    income_ok = bool(r["income_ok"])
    rate = Decimal(r["rate"])
    tests = [
        Test(
            "income",
            income_ok,
            f"人均收入{fmt(pci)}元 {'<' if income_ok else '≥'} 标准{fmt(standard)}元"
            + (f"（已扣减就业成本{fmt(rate * 100)}%）" if any(m.employed for m in case.members) else ""),
        ),
        *_asset_tests(case, r),
    ]
    eligible, covered, amount = bool(r["eligible"]), int(r["covered"]), int(r["monthly_amount"])
    if r["full_ok"]:
        tests.append(Test("amount", True, f"补差：({fmt(standard)} − {fmt(pci)}) × {n}人 = {amount}元"))
    elif r["single_applies"]:
        factor = Decimal(r["single_factor"])
        if covered:
            tests.append(
                Test(
                    "single_person_coverage",
                    True,
                    f"人均收入{fmt(pci)}元 ≤ {fmt(factor)}倍标准{fmt(factor * standard)}元，"
                    f"重度残疾或重病成员{covered}人单人保，合计{amount}元",
                )
            )
        else:
            tests.append(Test("single_person_coverage", False, "家庭中无重度残疾或重病成员，不适用单人保"))
    return Result(
        programme="dibao",
        eligible=eligible,
        monthly_amount=amount if eligible else 0,
        standard=yuan(standard),
        per_capita_income=yuan(pci),
        members_covered=covered,
        approval_level="township",
        rule_version=version,
        reasons=tests,
    )


def assess_dibao(case: Case, p: Policy) -> Result:
    (row,) = desk.dibao([case], [p.figures(eligibility.DIBAO_KEYS)])
    return dibao_result(case, row, p.version)


def _head(case: Case) -> Member:
    return next(m for m in case.members if m.relation == "head")


CARE_LABELS = {"full": "全自理", "partial": "半护理", "none": "全护理"}
# The six daily activities of the self-care assessment (《特困人员认定办法》民发〔2021〕43号 第十一条:
# 自主吃饭、自主穿衣、自主上下床、自主如厕、室内行走、自主洗澡), in Chinese for people.
ADL_LABELS = {
    "eating": "吃饭",
    "dressing": "穿衣",
    "bed_transfer": "上下床",
    "toileting": "如厕",
    "indoor_walking": "室内行走",
    "bathing": "洗澡",
}


def self_care_from_adl(unable: Collection[str]) -> str:
    """The self-care level from the daily activities a person cannot do (same article): none of the six →
    full self-care (全自理), 1–3 → partial (半护理), 4–6 → none (全护理)."""
    n = len(set(unable))
    return "full" if n == 0 else "partial" if n <= 3 else "none"


def tekun_result(case: Case, r: dict[str, Any], version: str) -> Result:
    """Today's Result of 特困 from the applicant's row of eligibility.tekun_sql."""
    m = _head(case)
    age, age_min, minor_max = int(r["age"]), int(r["age_min"]), int(r["minor_max"])
    dibao_std, own = Decimal(r["std"]), Decimal(r["own_income"])
    who = (
        f"年满{age_min}周岁（{age}岁）"
        if r["aged"]
        else f"未满{minor_max}周岁（{age}岁）"
        if r["minor"]
        else "重度残疾"
        if r["severe_disability"]
        else f"{age}岁，既非老年人、未成年人，也非重度残疾人"
    )
    supporter_ok = bool(r["supporter_ok"])
    if r["supporter_inferred"]:
        supporter = "家中无其他劳动年龄成员" if supporter_ok else "家中有其他劳动年龄成员，视为有法定义务人"
    else:
        supporter = "无法定赡养、抚养、扶养人或其无能力" if supporter_ok else "有法定义务人且有能力"
    tests = [
        Test("category", bool(r["category_ok"]), who),
        Test(
            "income",
            bool(r["income_ok"]),
            f"本人收入{fmt(own)}元 {'<' if r['income_ok'] else '≥'} 低保标准{fmt(dibao_std)}元",
        ),
        Test("supporter", supporter_ok, supporter),
    ]
    eligible = bool(r["eligible"])
    basic, care, factor = Decimal(r["basic"]), Decimal(r["care"]), Decimal(r["basic_factor"])
    if eligible:
        tests.append(
            Test(
                "amount",
                True,
                f"基本生活标准{fmt(factor)}×{fmt(dibao_std)}={fmt(basic)}元 + "
                f"照料护理（{CARE_LABELS[m.self_care]}）{fmt(care)}元 = {int(r['monthly_amount'])}元",
            )
        )
    return Result(
        programme="tekun",
        eligible=eligible,
        monthly_amount=int(r["monthly_amount"]),
        standard=yuan(dibao_std),
        per_capita_income=yuan(own),
        members_covered=1 if eligible else 0,
        approval_level="township",
        rule_version=version,
        reasons=tests,
        extra={"basic_living": yuan(basic), "care_standard": yuan(care), "self_care": m.self_care},
    )


def assess_tekun(case: Case, p: Policy) -> Result:
    (row,) = desk.tekun([case], [p.figures(eligibility.TEKUN_KEYS)])
    return tekun_result(case, row, p.version)


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
