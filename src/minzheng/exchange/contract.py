"""The data-exchange contract (shared/docs/exchange.md), declared once: every source a department
delivers, its columns with their types, Chinese labels and checks, the key that makes a row unique, and
which columns must be filled. The importer validates against it (validation.py), the screening engine
(monitoring/engine/rules.py) and the 核对 report (verification/services.py) take their columns and
types from it, and the demo generator (minzheng.demo.synth) writes files to it. Nothing else declares a
source or a column. No Django here.

Per-source keys (exchange.md leaves "one row per person" to the importer; decided here):
* one row per person (``key = ("id_number",)``): persons, deaths, pensions (one scheme per person),
  housing_fund (one account), disability (one certificate), education (one current enrolment);
* one row per natural key: wages (person, month, employer), unemployment (person, start date),
  real_estate (person, property), businesses (person, credit code), tax (person, year), medical
  (person, month), marriages (the same event registered twice);
* several rows per person, no key: vehicles, deposits, securities, insurance (one row per vehicle,
  account or policy, and the exchange format carries no vehicle, account or policy number).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

# Column kinds: how a delivered value is checked (validation.py) and what it means.
KINDS = ("id", "str", "enum", "date", "money", "number", "int", "month", "bool", "digits")
_STRING_KINDS = {"id", "str", "enum", "month", "digits"}


@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # one of KINDS
    label: str  # Chinese, as a rejected row's reason names the column
    type: pa.DataType  # the stored type
    values: tuple[str, ...] = ()  # enum values
    lo: int = 0  # int range
    hi: int | None = None  # None: the snapshot's year (tax year)
    not_after_month: bool = True  # dates: not after the snapshot month's last day
    width: int = 0  # digits: exact length
    required: bool = True  # a blank value rejects the row

    @property
    def sql_type(self) -> str:
        """The column's SQL type in the screening engine (DuckDB, Spark SQL): money with cents is an exact
        DECIMAL, never a float."""
        t = self.type
        if pa.types.is_string(t):
            return "VARCHAR"
        if pa.types.is_date32(t):
            return "DATE"
        if pa.types.is_boolean(t):
            return "BOOLEAN"
        if pa.types.is_int64(t):
            return "BIGINT"
        if pa.types.is_integer(t):
            return "INTEGER"
        if pa.types.is_floating(t):
            return "DECIMAL(18,2)" if self.kind == "money" else "DOUBLE"
        raise TypeError(f"no SQL type for {self.name}: {t}")


@dataclass(frozen=True)
class Source:
    name: str
    department: str
    label: str  # what the source tells, in Chinese (工资, 存款)
    columns: tuple[Col, ...]
    key: tuple[str, ...] = ()  # duplicate key; () = several rows per person allowed
    key_label: str = ""

    @property
    def one_per_person(self) -> bool:
        return self.key == ("id_number",)

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([(c.name, c.type) for c in self.columns])

    @property
    def display(self) -> str:
        """How a person reads the source: 工资（人社/税务）; the department is left out when it already says
        it (公积金, delivered by 住房公积金)."""
        return self.label if self.label in self.department else f"{self.label}（{self.department}）"

    def col(self, name: str) -> Col:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name}")

    def sql_columns(self, names: tuple[str, ...] | None = None) -> dict[str, str]:
        """name → SQL type of `names` (all columns when None), in the order asked."""
        return {n: self.col(n).sql_type for n in (names or tuple(c.name for c in self.columns))}


def _s(
    name: str, kind: str, label: str, *, values: tuple[str, ...] = (), width: int = 0, required: bool = True
) -> Col:
    assert kind in _STRING_KINDS, kind  # noqa: S101 - a mistake in this table, caught at import
    return Col(name, kind, label, pa.string(), values=values, width=width, required=required)


def _date(name: str, label: str, *, not_after_month: bool = True) -> Col:
    return Col(name, "date", label, pa.date32(), not_after_month=not_after_month)


def _money(name: str, label: str, type: pa.DataType | None = None) -> Col:
    return Col(name, "money", label, type or pa.int64())


_ID = _s("id_number", "id", "身份证号")

_SOURCES = (
    Source(
        "persons",
        "公安",
        "人口基础信息",
        (
            _ID,
            _s("name", "str", "姓名"),
            _s("sex", "enum", "性别", values=("M", "F")),
            _date("birth_date", "出生日期"),
            _s("hukou_type", "enum", "户口类型", values=("urban", "rural")),
            _s("hukou_region", "digits", "户籍区划", width=12),
            _s("household_no", "str", "户号"),
            _s(
                "relation",
                "enum",
                "与户主关系",
                values=("head", "spouse", "child", "parent", "grandchild", "other"),
            ),
        ),
        ("id_number",),
        "身份证号",
    ),
    Source("deaths", "公安/卫健", "死亡", (_ID, _date("death_date", "死亡日期")), ("id_number",), "身份证号"),
    Source(
        "marriages",
        "民政",
        "婚姻",
        (
            _ID,
            _s("spouse_id_number", "id", "配偶身份证号"),
            _s("event", "enum", "婚姻登记类型", values=("marriage", "divorce")),
            _date("date", "登记日期"),
        ),
        ("id_number", "spouse_id_number", "event", "date"),
        "同一婚姻登记",
    ),
    Source(
        "wages",
        "人社/税务",
        "工资",
        (
            _ID,
            _s("month", "month", "工资月份"),
            _s("employer_code", "str", "用人单位代码"),
            _money("amount", "工资金额"),
        ),
        ("id_number", "month", "employer_code"),
        "同一人同月同一单位的工资",
    ),
    Source(
        "pensions",
        "人社",
        "养老金",
        (
            _ID,
            _s("scheme", "enum", "养老保险类型", values=("employee", "resident")),
            _money("monthly_amount", "养老金月额"),
        ),
        ("id_number",),
        "身份证号",
    ),
    Source(
        "unemployment",
        "人社",
        "失业金",
        (
            _ID,
            _date("start_date", "开始日期"),
            _date("end_date", "结束日期", not_after_month=False),
            _money("monthly_amount", "失业金月额"),
        ),
        ("id_number", "start_date"),
        "同一人同一开始日期的失业金",
    ),
    Source(
        "housing_fund",
        "住房公积金",
        "公积金",
        (_ID, _money("monthly_contribution", "公积金月缴额"), _money("balance", "公积金余额")),
        ("id_number",),
        "身份证号",
    ),
    Source(
        "vehicles",
        "公安交管",
        "车辆",
        (
            _ID,
            _s(
                "vehicle_kind",
                "enum",
                "车辆类型",
                values=("car", "truck", "motorcycle", "disability", "farm"),
            ),
            _money("value", "车辆价值"),
            _date("registered_date", "登记日期"),
        ),
    ),
    Source(
        "real_estate",
        "自然资源/住建",
        "不动产",
        (
            _ID,
            _s("property_no", "str", "不动产权证号"),
            _s("use", "enum", "用途", values=("residential", "commercial", "other")),
            Col("area_m2", "number", "面积", pa.float64()),
            _date("registered_date", "登记日期"),
        ),
        ("id_number", "property_no"),
        "同一人同一不动产权证",
    ),
    Source(
        "businesses",
        "市场监管",
        "工商登记",
        (
            _ID,
            _s("credit_code", "str", "统一社会信用代码"),
            _s("role", "enum", "身份", values=("legal_rep", "shareholder", "sole_trader")),
            _money("registered_capital", "注册资本"),
            _s("status", "enum", "经营状态", values=("active", "closed")),
        ),
        ("id_number", "credit_code"),
        "同一人同一市场主体",
    ),
    Source(
        "tax",
        "税务",
        "纳税",
        (_ID, Col("year", "int", "纳税年度", pa.int32(), lo=1990), _money("declared_income", "申报收入")),
        ("id_number", "year"),
        "同一人同一年度的纳税申报",
    ),
    Source(
        "deposits",
        "银行",
        "存款",
        (
            _ID,
            _s("bank_code", "str", "银行代码"),
            _money("balance", "存款余额"),
            _date("as_of", "余额日期"),
        ),
    ),
    Source(
        "securities", "证券", "证券", (_ID, _money("market_value", "证券市值"), _date("as_of", "市值日期"))
    ),
    Source(
        "insurance",
        "保险",
        "保险",
        (_ID, _s("policy_kind", "str", "保单类型"), _money("cash_value", "现金价值")),
    ),
    Source(
        "disability",
        "残联",
        "残疾",
        (
            _ID,
            Col("grade", "int", "残疾等级", pa.int8(), lo=1, hi=4),
            _s(
                "kind",
                "enum",
                "残疾类别",
                values=("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"),
            ),
            _date("issued_date", "发证日期"),
        ),
        ("id_number",),
        "身份证号",
    ),
    Source(
        "medical",
        "医保",
        "医疗自付",
        (_ID, _s("month", "month", "就医月份"), _money("out_of_pocket", "个人自付金额", pa.float64())),
        ("id_number", "month"),
        "同一人同月的医保自付",
    ),
    Source(
        "education",
        "教育",
        "在校",
        (
            _ID,
            _s(
                "level",
                "enum",
                "学段",
                values=("primary", "junior", "senior", "vocational", "college", "university"),
            ),
            Col("enrolled", "bool", "在读", pa.bool_()),
        ),
        ("id_number",),
        "身份证号",
    ),
)
# The snapshot's sources by name, in the order of exchange.md.
SOURCES: dict[str, Source] = {s.name: s for s in _SOURCES}

POPULATION = "persons"  # the population base: every other source is keyed by a person in it
# exchange.md: monthly income = wages of the month + pensions + unemployment benefit; financial assets
# are what deposits, securities and insurance hold.
INCOME_SOURCES = ("wages", "pensions", "unemployment")
ASSET_SOURCES = ("deposits", "securities", "insurance")

# Who is already enrolled (the civil-affairs system's own file, beside a snapshot): one row per
# enrolled person and programme. last_month is set only for a household in 渐退期 (its last paid month).
ENROLMENTS = Source(
    "enrolments",
    "民政",
    "在保对象",
    (
        _ID,
        _s("household_no", "str", "户号"),
        _s("programme", "str", "保障项目"),
        _s("start_month", "month", "起始月份"),
        _money("monthly_amount", "月保障金额"),
        _s("last_month", "month", "末次发放月份", required=False),
    ),
    ("id_number", "programme"),
    "同一人同一保障项目",
)
