"""The screening rules of 低收入人口动态监测预警 (dynamic monitoring of low-income people), in one place.

Every rule below is a `Rule`: a code, a Chinese name, the programme, the data-exchange sources it reads
(shared/docs/exchange.md), its severity, the action a township officer should take, and its condition as
one SQL query. The SQL is written once, in DuckDB's dialect, and the runner transpiles it with sqlglot
for Spark, so the city (DuckDB) and the province (Spark) run literally the same rules.

How to read a rule's SQL
  * It selects from shared tables the runner builds first, once per month. FACTS depend only on the
    snapshot and its month and are prepared once when the snapshot is imported; STAGES add the month's
    enrolments and policy figures:
      person     one row per population-register record: `pid` (the ID number as an integer), `hid`
                 (the household as an integer), region, age, death date, alive at month end, and the
                 programmes the person is enrolled in this month (from the fact pfacts + enrolments);
      income, finance, vehicle, disability, medical, education, home
                 one row per person with that source's facts for the month (sums, counts, flags);
      dup        ID numbers registered more than once;
      figures    one row per county × hukou type: every figure of the programme rules, resolved for
                 that county and hukou type on the month (built by the runner from Policy.figures);
      hh         one row per household with a member alive: the dibao rule's result columns
                 (assistance/eligibility.py over the prepared roll-up hfacts: income, assets, the tests,
                 the verdict and amount by the figures of the head's county and hukou type) and the
                 enrolment flags;
      dibao_hh   the same for households with a dibao member, plus re-verification details;
      tekun_elig the tekun rule's result for the persons the tekun check looks at.
  * A figure a rule compares with is the person's or household's own county × hukou type's: a column
    `f_<key>` of the `figures` table joined by fig_key (`figures_of`), never the city's.
  * `{{month}}`, `{{month_start}}`, `{{month_end}}`, `{{year}}`, `{{month_number}}`, `{{month_index}}` are
    dates of the month; `{{turning_any:K1|K2}}` is a birth-date prefilter (the birthday this month makes
    the person the K1 or K2 age of some county), refined by each person's own county (`turned`).
    `{{name}}` / `{{turning:KEY}}` (a city-wide figure, Policy.params) remain only where a line has not
    moved to its county's figure yet.
  * It returns `pid, hid, region_code, evidence` — evidence is a JSON object with Chinese labels.
  * A household-level rule reports the household's head (`rep_pid`).
  * The rule list is the core rules here plus each registered programme's own (programmes.registry:
    a line's `screening` callable); `person` has one `in_<code>` column per registered programme.

Eligibility is not written here: the dibao and tekun tests and amounts are assistance/eligibility.py, the
same SQL the desk runs on one household; the rules below read its result columns. Figures are those of
the head's county and hukou type (policy.md: "urban or rural standard applies by the household's hukou
type"); income of a person = wages of the month × (1 − employment deduction) + pensions + unemployment
benefit active in the month, of the members alive at the month's end; the household's property counts
what a member who died left to it (exchange.md). Money comparisons are exact (never floats).
"""

# The SQL here is assembled from this module's own text; the only outside values (policy figures, dates)
# are rendered by the runner as numeric or date literals, so string-built SQL is intended.
# ruff: noqa: S608

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from minzheng.assistance import eligibility as E
from minzheng.exchange import contract
from minzheng.programmes.household import FIG_KEY
from minzheng.programmes.registry import Programme, lines, programmes, registry_version
from minzheng.programmes.screening import Rule, evidence, figures_of, money, turned

__all__ = ["Rule", "evidence", "money"]  # re-exported: the engine's rules and the lines' share one shape

# 困难指数 (difficulty index, 0–100), the method of docs/difficulty-index.md, shared with the per-household
# calculation of the verification report (verification/difficulty.py): seven dimensions, each scaled to
# 0..1, times its weight (policy data: difficulty.w.<dimension>, summing to 100); the total is rounded
# half up and banded by difficulty.band.special / .relative. Computed for the households of discovery,
# margin and hardship alerts; "members" are the members alive at the month's end.
DIFFICULTY: dict[str, dict[str, float]] = {
    "weights": {  # the dimensions; their weights are the policy figures difficulty.w.<name>
        "income_gap": 1,  # (standard − per-capita income) / standard, clipped to 0..1
        "severe_disability": 1,  # members with disability grade 1–2 or a large medical bill, / 2
        "dependants": 1,  # members under 18, aged 60+ or enrolled students (each once) / members
        "medical": 1,  # the month's medical out-of-pocket / (standard × members), ≤ 1
        "education": 1,  # 1 senior/vocational/college/university student, 0.5 only compulsory school
        "housing": 1,  # 1 when the household owns no residential property
        "sudden": 1,  # a death, an unemployment start or a new grade 1–2 disability this month
    },
    "scale": {
        "severe_members_full": 2,  # this many severely disabled/ill members score the full weight
        "compulsory_only": 0.5,  # education score when the only students are in compulsory school
    },
}
COMPULSORY_LEVELS = ("primary", "junior")
COSTLY_LEVELS = ("senior", "vocational", "college", "university")


def difficulty_band(index: int | None, params: Mapping[str, Any]) -> str | None:
    """The band label of a difficulty index (policy difficulty.band.special / .relative)."""
    if index is None:
        return None
    p = params
    if index >= p["difficulty.band.special"]:
        return "特别困难"
    if index >= p["difficulty.band.relative"]:
        return "比较困难"
    return "一般"


# most severe first: the worklist's order; the Chinese label the alert desk shows
SEVERITY_LABELS = {"high": "高", "medium": "中", "low": "低"}
SEVERITIES = tuple(SEVERITY_LABELS)


@dataclass(frozen=True)
class Stage:
    """A shared table built once per run (DuckDB temp table / cached Spark view)."""

    name: str
    sql: str
    description: str
    compress: bool = True  # keep it bit-packed in memory (DuckDB); off for tables scanned whole by rules
    view: bool = False  # cheap to recompute: a view, not a table
    load: bool = False  # a fact several stages read: loaded into memory when read from prepared files


# ----------------------------------------------------------------------------- sources
# Columns the engine reads from each exchange source; their SQL types come from the exchange contract
# (exchange/contract.py). A source that was not delivered is replaced by an empty table of these columns
# so the shared stages still build.
_READS: dict[str, tuple[str, ...]] = {
    "persons": ("id_number", "birth_date", "hukou_type", "hukou_region", "household_no", "relation"),
    "deaths": ("id_number", "death_date"),
    "wages": ("id_number", "month", "amount"),
    "pensions": ("id_number", "monthly_amount"),
    "unemployment": ("id_number", "start_date", "end_date", "monthly_amount"),
    "vehicles": ("id_number", "vehicle_kind", "registered_date"),
    "real_estate": ("id_number", "property_no", "use"),
    "businesses": ("id_number", "registered_capital", "status"),
    "deposits": ("id_number", "balance"),
    "securities": ("id_number", "market_value"),
    "insurance": ("id_number", "cash_value"),
    "disability": ("id_number", "grade", "kind", "issued_date"),
    "medical": ("id_number", "month", "out_of_pocket"),
    "education": ("id_number", "level", "enrolled"),
}
SOURCE_COLUMNS: dict[str, dict[str, str]] = {
    name: contract.SOURCES[name].sql_columns(cols) for name, cols in _READS.items()
}
# The enrolments file (who is paid what): last_month is optional — set for households in 渐退期.
ENROLMENT_COLUMNS: dict[str, str] = contract.ENROLMENTS.sql_columns(
    ("id_number", "household_no", "programme", "start_month", "last_month")
)


def pid_of(col: str) -> str:
    """The 18-character ID number as an exact BIGINT: first 17 digits × 11 + check character (X = 10), so
    integers sort like the ID strings. Joins on integers are several times faster than on 18-byte
    strings; the whole-string cast avoids slow substring functions. `id_of` turns it back."""
    return (
        f"CASE WHEN {col} LIKE '%X' OR {col} LIKE '%x' "
        f"THEN TRY_CAST(replace(replace({col}, 'X', ''), 'x', '') AS BIGINT) * 11 + 10 "
        f"ELSE TRY_CAST({col} AS BIGINT) // 10 * 11 + TRY_CAST({col} AS BIGINT) % 10 END"
    )


def id_of(col: str) -> str:
    return (
        f"lpad(CAST({col} // 11 AS VARCHAR), 17, '0') || "
        f"CASE WHEN {col} % 11 = 10 THEN 'X' ELSE CAST({col} % 11 AS VARCHAR) END"
    )


def hid_of(col: str) -> str:
    """Household number as a BIGINT: numbers of up to 17 digits map exactly (value × 18 + length, so
    leading zeros stay distinct and the text can be rebuilt); any other text maps to a negative 62-bit
    hash (hash64), looked up again when the alerts are written."""
    return (
        f"CASE WHEN length({col}) <= 17 AND TRY_CAST({col} AS BIGINT) >= 0 "
        f"THEN TRY_CAST({col} AS BIGINT) * 18 + length({col}) ELSE -1 - hash64({col}) END"
    )


def hh_no_of(col: str) -> str:
    """The household number text of a numeric hid (see hid_of)."""
    return f"lpad(CAST({col} // 18 AS VARCHAR), CAST({col} % 18 AS INTEGER), '0')"


# ----------------------------------------------------------------------------- shared stages
# Two tiers. FACTS depend only on the snapshot and its month — not on policy figures, not on who is
# enrolled — so `prepare` builds them once when a snapshot is imported (the ID strings turned into
# integer keys, per-person sums, the household roll-up) and every screening of that month reads them;
# without prepared facts the runner builds them in the run from the same SQL. STAGES then apply the
# month's enrolments and policy figures on top of the facts.
_P = pid_of("id_number")
MONEY = "DECIMAL(18,4)"  # exact yuan amounts (4 places keep wage × (1 − rate) exact)

# ·· facts (snapshot + month) ··
# One row per population-register record (a person registered in two households has two rows); alive =
# not dead by the month's end.
PFACTS_SQL = f"""
WITH
dth AS (SELECT {_P} AS pid, min(death_date) AS death_date FROM src_deaths GROUP BY 1),
p AS (
  SELECT {_P} AS pid, {hid_of("household_no")} AS hid, birth_date,
         hukou_type = 'urban' AS urban, hukou_region AS region, relation = 'head' AS is_head
  FROM src_persons)
SELECT p.pid, p.hid, p.birth_date, p.urban, p.region, p.is_head,
       CAST({{{{year}}}} - year(p.birth_date)
            - CASE WHEN month(p.birth_date) * 100 + day(p.birth_date) > {{{{month_end_mmdd}}}}
                   THEN 1 ELSE 0 END AS SMALLINT) AS age,
       d.death_date,
       d.death_date IS NULL OR d.death_date > {{{{month_end}}}} AS alive
FROM p
LEFT JOIN dth d ON d.pid = p.pid
"""

# Income parts of the month per person (exchange.md): wages of the month, pensions, unemployment benefit
# active in the month; the employment deduction (a policy figure) is applied by the income stage.
INCOME_FACTS_SQL = f"""
SELECT pid, CAST(sum(wage) AS BIGINT) AS wage, CAST(sum(pension) AS BIGINT) AS pension,
       CAST(sum(unemp) AS BIGINT) AS unemp, bool_or(unemp_new) AS unemp_new
FROM (
  SELECT {_P} AS pid, amount AS wage, 0 AS pension, 0 AS unemp, false AS unemp_new
  FROM src_wages WHERE "month" = {{{{month}}}}
  UNION ALL
  SELECT {_P} AS pid, 0 AS wage, monthly_amount AS pension, 0 AS unemp, false AS unemp_new FROM src_pensions
  UNION ALL
  SELECT {_P} AS pid, 0 AS wage, 0 AS pension,
         CASE WHEN start_date <= {{{{month_end}}}} AND (end_date IS NULL OR end_date >= {{{{month_start}}}})
              THEN monthly_amount ELSE 0 END AS unemp,
         start_date BETWEEN {{{{month_start}}}} AND {{{{month_end}}}} AS unemp_new
  FROM src_unemployment) x
GROUP BY pid
"""

# Financial assets (policy.md): deposits + securities + insurance cash value.
FINANCE_SQL = f"""
SELECT pid, CAST(sum(amount) AS BIGINT) AS fin FROM (
  SELECT {_P} AS pid, balance AS amount FROM src_deposits
  UNION ALL SELECT {_P} AS pid, market_value AS amount FROM src_securities
  UNION ALL SELECT {_P} AS pid, cash_value AS amount FROM src_insurance) x
GROUP BY pid
"""

# Motor vehicles other than a disability mobility vehicle (policy.md asset test), one row each.
VEHICLE_FACTS_SQL = f"""
SELECT {_P} AS pid, registered_date FROM src_vehicles WHERE vehicle_kind <> 'disability'
"""

# The same vehicles keyed by household (one row per household record of the owner) with the household's
# figures key: the dibao caseload's re-verification reads its households' vehicles, each against its own
# county's new-vehicle window, without a pass over the whole register.
HVEHICLE_FACTS_SQL = """
SELECT p.hid, h.fig_key, v.registered_date
FROM vehicle_facts v JOIN pfacts p ON p.pid = v.pid JOIN hfacts h ON h.hid = p.hid
"""

# Active businesses, one row each (the capital limit is a policy figure, applied by the dibao rule).
BUSINESS_FACTS_SQL = f"""
SELECT {_P} AS pid, registered_capital FROM src_businesses WHERE status = 'active'
"""

# Disability certificates issued by the month's end: the most severe grade (1 is most severe), its kind
# (a grade 3 intellectual/mental disability is severe), whether a grade 1–2 certificate was issued
# this month, and whether the person's first certificate was (`first_new`, issued `first_issued`).
DISABILITY_SQL = f"""
SELECT {_P} AS pid, CAST(min(grade) AS SMALLINT) AS grade, arg_min(kind, grade) AS kind,
       bool_or(grade <= 2 AND issued_date >= {{{{month_start}}}}) AS severe_new,
       min(issued_date) >= {{{{month_start}}}} AS first_new, min(issued_date) AS first_issued
FROM src_disability WHERE issued_date <= {{{{month_end}}}} GROUP BY 1
"""

MEDICAL_SQL = f"""
SELECT {_P} AS pid, CAST(sum(out_of_pocket) AS DECIMAL(18,2)) AS oop
FROM src_medical WHERE "month" = {{{{month}}}} GROUP BY 1
"""

_IN = "', '"
EDUCATION_SQL = f"""
SELECT {_P} AS pid, bool_or(enrolled) AS student,
       bool_or(enrolled AND level IN ('{_IN.join(COSTLY_LEVELS)}')) AS costly_student,
       bool_or(enrolled AND level IN ('{_IN.join(COMPULSORY_LEVELS)}')) AS compulsory_student
FROM src_education GROUP BY 1
"""

HOME_SQL = f"SELECT DISTINCT {_P} AS pid, property_no FROM src_real_estate WHERE \"use\" = 'residential'"

# ID numbers registered more than once in the population register (rule 7).
DUP_SQL = "SELECT pid FROM pfacts GROUP BY pid HAVING count(*) > 1"

# The household roll-up of the facts (hfacts), policy-free, in the canonical household shape of
# programmes/household.py: members alive at the month's end and their wages and other income; the
# household's property — financial assets, vehicles, distinct homes, the largest capital of an active
# business — of every member, including what a member who died left to the household (家庭财产); and the
# representative — the head, else the smallest ID (non-heads get 4·10^18 added to their key so that one
# min() finds the head first).
_REP_KEY = "CASE WHEN p.is_head THEN p.pid ELSE p.pid + 4000000000000000000 END"
_REP_PID = (
    "CASE WHEN a.rep_key >= 4000000000000000000 THEN a.rep_key - 4000000000000000000 ELSE a.rep_key END"
)


def _of(table: str, members: str) -> str:
    """`table` cut down to the persons of `members` first, so a join builds its hash table on the small
    side instead of on a whole-city fact table."""
    return f"(SELECT * FROM {table} WHERE pid IN (SELECT pid FROM {members}))"


def _alive(expr: str, name: str) -> str:
    return f"CASE WHEN p.alive THEN coalesce({expr}, 0) ELSE 0 END AS {name}"


HFACTS_SQL = f"""
WITH
res AS (  -- distinct homes owned by members (joint owners count one home)
  SELECT p.hid, CAST(count(DISTINCT r.property_no) AS INTEGER) AS n_res
  FROM home r JOIN pfacts p ON p.pid = r.pid
  GROUP BY p.hid),
m AS (
  SELECT p.hid, {_REP_KEY} AS rep_key, p.region, p.urban, p.alive,
    {_alive("i.wage", "wage")}, {_alive("i.pension + i.unemp", "other_income")},
    coalesce(f.fin, 0) AS fin, coalesce(v.n_veh, 0) AS n_veh, b.biz_cap
  FROM pfacts p
  LEFT JOIN income_facts i ON i.pid = p.pid
  LEFT JOIN finance f ON f.pid = p.pid
  LEFT JOIN (SELECT pid, CAST(count(*) AS INTEGER) AS n_veh FROM vehicle_facts GROUP BY pid) v
    ON v.pid = p.pid
  LEFT JOIN (SELECT pid, max(registered_capital) AS biz_cap FROM business_facts GROUP BY pid) b
    ON b.pid = p.pid),
a AS (
  SELECT hid,
    CAST(sum(CASE WHEN alive THEN 1 ELSE 0 END) AS INTEGER) AS n_alive,
    min(rep_key) AS rep_key, arg_min(region, rep_key) AS region, arg_min(urban, rep_key) AS urban,
    CAST(sum(wage) AS BIGINT) AS wage, CAST(sum(other_income) AS BIGINT) AS other_income,
    CAST(sum(fin) AS BIGINT) AS fin, CAST(sum(n_veh) AS INTEGER) AS n_veh, max(biz_cap) AS biz_cap
  FROM m GROUP BY hid)
SELECT a.hid, a.n_alive, {_REP_PID} AS rep_pid, a.region, a.urban, a.wage, a.other_income, a.fin,
       a.n_veh, coalesce(r.n_res, 0) AS n_res, a.biz_cap,
       {FIG_KEY.format(region="a.region", urban="a.urban")} AS fig_key
FROM a LEFT JOIN res r ON r.hid = a.hid
"""

# ·· stages (the month's enrolments and policy figures) ··
# Who is enrolled this month: start_month ≤ month ≤ last_month (open-ended when last_month is null).
ENROL_SQL = f"""
SELECT {_P} AS pid, programme, last_month
FROM src_enrolments
WHERE start_month <= {{{{month}}}} AND (last_month IS NULL OR last_month >= {{{{month}}}})
"""


def person_sql(codes: Sequence[str]) -> str:
    """pfacts plus the programmes the person is enrolled in this month: one `in_<code>` per registered
    programme (codes are checked identifiers, programmes.registry.CODE)."""
    flags = "".join(f"\n         bool_or(programme = '{c}') AS in_{c}," for c in codes)
    columns = "".join(f"\n       coalesce(e.in_{c}, false) AS in_{c}," for c in codes)
    return f"""
WITH enr AS (
  SELECT pid,{flags}
         bool_or(programme = 'dibao' AND last_month IS NOT NULL) AS dibao_exit
  FROM enrol GROUP BY 1)
SELECT p.*,{columns}
       coalesce(e.dibao_exit, false) AS dibao_exit
FROM pfacts p
LEFT JOIN enr e ON e.pid = p.pid
"""


# Income of the month per person: wages × (1 − employment deduction) + pensions + unemployment benefit
# (exchange.md; 就业成本扣减, seed 002).
INCOME_SQL = """
SELECT pid, unemp, unemp_new, wage, pension + unemp AS other FROM income_facts
"""


def _counted(i: str) -> str:
    """A person's counted income from the income stage row `i`, by the deduction of the county joined
    as `fg` (_figures_of)."""
    counted = E.counted_income(f"{i}.wage", f"{i}.other", "fg.f_dibao__employment_deduction_rate")
    return f"CAST({counted} AS {MONEY})"


# Members who could be covered alone (单人保: a disability certificate of grade 1–3 or a medical bill this
# month), alive or not (the rule tests), in the canonical member shape (programmes/household.py); a fact
# of the month, prepared with the snapshot.
DIBAO_MEMBERS_SQL = f"""
WITH d AS (SELECT pid, grade, kind FROM disability WHERE grade <= 3),
md AS (SELECT pid, oop FROM medical WHERE oop > 0),
c AS (SELECT coalesce(d.pid, md.pid) AS pid, d.grade, d.kind, md.oop FROM d FULL JOIN md ON md.pid = d.pid)
SELECT p.hid, p.pid, h.fig_key, p.alive, CAST(p.age AS INTEGER) AS age,
       CAST(coalesce(i.wage, 0) AS {MONEY}) AS wage,
       CAST(coalesce(i.pension + i.unemp, 0) AS {MONEY}) AS other_income,
       CAST(c.grade AS INTEGER) AS disability_grade, CAST(c.kind AS VARCHAR) AS disability_kind,
       false AS severe_illness, CAST(coalesce(c.oop, 0) AS {MONEY}) AS medical_oop, 'full' AS self_care,
       CAST(NULL AS BOOLEAN) AS has_supporter
FROM c JOIN pfacts p ON p.pid = c.pid
JOIN hfacts h ON h.hid = p.hid
LEFT JOIN income_facts i ON i.pid = c.pid
"""

# The persons the tekun rule is evaluated for: those the tekun check looks at (turning tekun.age_min this
# month, alive, not in tekun: `to_check`). A full evaluation (the parity test) takes every person alive.
_TEKUN_CHECK_EVIDENCE = evidence(
    出生日期="CAST(c.birth_date AS VARCHAR)", 年龄="CAST(c.age_min AS INTEGER)", 家庭在世人数="h.n_alive"
)
_TEKUN_WHERE = "WHERE p.alive AND {{turning_any:tekun.age_min}} AND NOT p.in_tekun"
TEKUN_APPLICANTS_SQL = f"""
SELECT p.hid, p.pid, p.birth_date, p.region, fg.f_tekun__age_min AS age_min,
       ({turned("p.birth_date", "fg.f_tekun__age_min")} AND NOT p.in_tekun) AS to_check
FROM person p {figures_of("p")}
{_TEKUN_WHERE}
"""
TEKUN_APPLICANTS_ALL_SQL = TEKUN_APPLICANTS_SQL.replace(_TEKUN_WHERE, "WHERE p.alive")

# Every member of the applicants' households, in the canonical member shape. The snapshot knows neither
# self-care (taken as full self-care, the lowest care standard, until assessed) nor the legal supporters
# (NULL: the rule infers them from the household).
TEKUN_MEMBERS_SQL = f"""
WITH m AS (SELECT * FROM pfacts WHERE hid IN (SELECT hid FROM tekun_applicants))
SELECT m.hid, m.pid, h.fig_key, m.alive, CAST(m.age AS INTEGER) AS age,
       CAST(coalesce(i.wage, 0) AS {MONEY}) AS wage,
       CAST(coalesce(i.pension + i.unemp, 0) AS {MONEY}) AS other_income,
       CAST(d.grade AS INTEGER) AS disability_grade, CAST(d.kind AS VARCHAR) AS disability_kind,
       false AS severe_illness, CAST(0 AS {MONEY}) AS medical_oop, 'full' AS self_care,
       CAST(NULL AS BOOLEAN) AS has_supporter
FROM m
JOIN (SELECT hid, fig_key FROM hfacts WHERE hid IN (SELECT hid FROM m)) h ON h.hid = m.hid
LEFT JOIN {_of("income_facts", "m")} i ON i.pid = m.pid
LEFT JOIN {_of("disability", "m")} d ON d.pid = m.pid
"""

TEKUN_ELIG_SQL = E.tekun_sql("tekun_members", "figures", "tekun_applicants")


def month_households_sql(*, dibao_only: bool) -> str:
    """The households of the month with a member alive: the dibao rule's result columns
    (assistance/eligibility.py over the prepared roll-up hfacts, by the figures of the head's county and
    hukou type) and whether a member is in dibao / tekun (渐退期: dibao_exit).
    `dibao_only`: only households with a dibao member, plus re-verification details from their members
    (vehicles registered in the new-vehicle window and the latest registration) — the whole caseload
    re-verified without touching the city."""
    if dibao_only:
        households = "(SELECT * FROM hfacts WHERE hid IN (SELECT hid FROM dh))"
        ctes = f"""
e AS (  -- the caseload's households from the enrolled members alone: no pass over the whole register
  SELECT hid, bool_or(in_dibao) AS in_dibao, bool_or(in_tekun) AS in_tekun, bool_or(dibao_exit) AS dibao_exit
  FROM person WHERE in_dibao OR in_tekun OR dibao_exit GROUP BY hid HAVING bool_or(in_dibao)),
dh AS (SELECT hid FROM e),
dv AS (  -- vehicles of every member, alive or not; "new" = registered in the last
        -- dibao.vehicle_new_months months of the household's county
  SELECT v.hid, max(v.registered_date) AS veh_last,
    CAST(count(*) FILTER (WHERE year(v.registered_date) * 12 + month(v.registered_date)
      > {{{{month_index}}}} - CAST(fg.f_dibao__vehicle_new_months AS INTEGER)) AS INTEGER) AS n_veh_new
  FROM hvehicle_facts v JOIN figures fg ON fg.fig_key = v.fig_key
  WHERE v.hid IN (SELECT hid FROM dh) GROUP BY v.hid),
da AS (  -- 单人保 of these households only: the caseload's re-verification never touches the city
  {E.dibao_alone_sql("(SELECT * FROM dibao_members WHERE hid IN (SELECT hid FROM dh))", "figures")})"""
        source = f"({E.dibao_sql(households, 'da', 'figures')})"
        details = ", coalesce(dv.n_veh_new, 0) AS n_veh_new, dv.veh_last"
        joins = "JOIN e ON e.hid = d.hid LEFT JOIN dv ON dv.hid = d.hid"
    else:
        ctes = """
e AS (
  SELECT hid, bool_or(in_dibao) AS in_dibao, bool_or(in_tekun) AS in_tekun, bool_or(dibao_exit) AS dibao_exit
  FROM person WHERE in_dibao OR in_tekun GROUP BY hid)"""
        source = f"({E.dibao_sql('hfacts', 'dibao_alone', 'figures')})"
        details = ""
        joins = "LEFT JOIN e ON e.hid = d.hid"
    return f"""
WITH{ctes}
SELECT d.*, coalesce(e.in_dibao, false) AS in_dibao, coalesce(e.in_tekun, false) AS in_tekun,
       coalesce(e.dibao_exit, false) AS dibao_exit{details}
FROM {source} d
{joins}
"""


DIBAO_HH_SQL = month_households_sql(dibao_only=True)
HH_SQL = month_households_sql(dibao_only=False)

# 困难指数 inputs, only for the households of alerts that carry one (`difficulty_target`, built by the
# runner from those rules' results).
DIFFICULTY_FACTS_SQL = f"""
WITH
p AS (SELECT * FROM person WHERE hid IN (SELECT hid FROM difficulty_target)),
m AS (
  SELECT p.hid, p.alive, p.age, p.death_date, coalesce(i.unemp_new, false) AS unemp_new,
         fg.f_monitoring__medical_threshold AS medical_threshold, fg.f_child__end_age AS child_end_age,
         fg.f_tekun__age_min AS elder_age,
         ds.grade, coalesce(ds.severe_new, false) AS severe_new, coalesce(md.oop, 0) AS oop,
         coalesce(ed.student, false) AS student, coalesce(ed.costly_student, false) AS costly_student,
         coalesce(ed.compulsory_student, false) AS compulsory_student
  FROM p {figures_of("p")}
  LEFT JOIN {_of("income", "p")} i ON i.pid = p.pid
  LEFT JOIN {_of("disability", "p")} ds ON ds.pid = p.pid
  LEFT JOIN {_of("medical", "p")} md ON md.pid = p.pid
  LEFT JOIN {_of("education", "p")} ed ON ed.pid = p.pid),
res AS (  -- distinct homes owned by members (the household's property, as in hfacts)
  SELECT p.hid, CAST(count(DISTINCT r.property_no) AS INTEGER) AS n_res
  FROM {_of("home", "p")} r JOIN p ON p.pid = r.pid
  GROUP BY p.hid),
agg AS (
  SELECT m.hid,
    CAST(count(*) FILTER (WHERE alive AND (grade <= 2 OR oop > medical_threshold)) AS INTEGER) AS n_severe,
    CAST(count(*) FILTER (WHERE alive AND (age < child_end_age OR age >= elder_age OR student))
      AS INTEGER) AS n_dependants,
    coalesce(bool_or(alive AND costly_student), false) AS costly_students,
    coalesce(bool_or(alive AND compulsory_student), false) AS compulsory_students,
    CAST(coalesce(sum(oop), 0) AS DECIMAL(18,2)) AS oop,
    coalesce(bool_or(death_date BETWEEN {{{{month_start}}}} AND {{{{month_end}}}}), false)
      OR coalesce(bool_or(unemp_new), false) OR coalesce(bool_or(severe_new), false) AS sudden
  FROM m GROUP BY m.hid)
SELECT agg.*, coalesce(res.n_res, 0) AS n_res FROM agg LEFT JOIN res ON res.hid = agg.hid
"""

FACTS: list[Stage] = [
    # pfacts stays uncompressed: the person stage reads it whole
    Stage("pfacts", PFACTS_SQL, "人员：户、出生日期、年龄、死亡日期（每条户籍记录一行）", compress=False),
    Stage("income_facts", INCOME_FACTS_SQL, "人员本月收入构成：工资、养老金、失业金", load=True),
    Stage("finance", FINANCE_SQL, "人员金融资产：存款、证券、保险现金价值", load=True),
    Stage("vehicle_facts", VEHICLE_FACTS_SQL, "机动车（不含残疾人代步车）"),
    Stage("business_facts", BUSINESS_FACTS_SQL, "在营企业及注册资本"),
    Stage("disability", DISABILITY_SQL, "人员残疾等级与本月新发重度残疾证"),
    Stage("medical", MEDICAL_SQL, "人员本月医疗自付费用"),
    Stage("education", EDUCATION_SQL, "在读学生"),
    Stage("home", HOME_SQL, "人员名下住宅", load=True),
    Stage("dup", DUP_SQL, "重复登记的身份证号"),
    Stage(
        "hfacts",
        HFACTS_SQL,
        "家庭汇总（与政策无关部分）：在世人数、工资与其他收入、金融资产、车辆、住房、最高注册资本",
    ),
    Stage("hvehicle_facts", HVEHICLE_FACTS_SQL, "机动车（按户）：所有人所在户及其政策区划、登记日期"),
    Stage("dibao_members", DIBAO_MEMBERS_SQL, "可能单人保的成员：有残疾证或本月有医疗自付"),
]


def _stages() -> list[Stage]:
    return [
        Stage("enrol", ENROL_SQL, "本月在保的登记记录（起止月份覆盖本月）"),
        # person stays uncompressed: age-in and death rules scan it whole, ~1.5× faster on plain columns
        Stage("person", person_sql([p.code for p in programmes()]), "人员及本月在保项目", compress=False),
        Stage("income", INCOME_SQL, "人员本月收入：工资（扣减就业成本）、养老金、失业金"),
        Stage(
            "dibao_alone",
            E.dibao_alone_sql("dibao_members", "figures"),
            "单人保：家庭中重度残疾或重病、本人收入低于标准的成员及差额",
        ),
        # dibao_hh is small (the caseload): a checkpoint to bit-pack it costs more than the memory it saves
        Stage(
            "dibao_hh",
            DIBAO_HH_SQL,
            "低保家庭的低保认定结果（仅含低保成员的家庭）及复核明细：新购车辆",
            compress=False,
        ),
        # hh stays uncompressed: written once, read by many rules; compressing it costs more than it saves
        Stage("hh", HH_SQL, "家庭低保认定结果：收入、资产、各项条件、金额与在保标志", view=True),
        Stage("tekun_applicants", TEKUN_APPLICANTS_SQL, "特困核查对象：本月年满60周岁、未享受特困"),
        Stage("tekun_members", TEKUN_MEMBERS_SQL, "特困核查对象家庭的全部成员"),
        Stage("tekun_elig", TEKUN_ELIG_SQL, "特困认定结果（核查对象）", compress=False),
    ]


DIFFICULTY_STAGE = Stage("difficulty", DIFFICULTY_FACTS_SQL, "困难指数所需的家庭事实（仅限相关预警家庭）")

# ----------------------------------------------------------------------------- rules
# Sources behind the shared facts: a rule lists the ones its condition depends on.
INCOME = ("persons", "deaths", "wages", "pensions", "unemployment")
ASSETS = ("deposits", "securities", "insurance", "vehicles", "real_estate", "businesses")
_PER_CAPITA = "CAST(income AS DOUBLE) / n_alive"
_HH_SELECT = "SELECT rep_pid AS pid, hid, region AS region_code"


def _died(programme: Programme) -> Rule:
    prog, label = programme.code, programme.short_name or programme.name
    return Rule(
        code=f"died_{prog}",
        name=f"{label}对象死亡",
        programme=prog,
        sources=("persons", "deaths"),
        severity="high",
        action=f"停发{label}待遇，核实死亡日期，{'重新核定家庭保障金额' if prog == 'dibao' else '办理注销'}",
        sql=f"""
SELECT pid, hid, region AS region_code,
       {evidence(死亡日期="CAST(death_date AS VARCHAR)", 项目=f"'{label}'")} AS evidence
FROM person WHERE in_{prog} AND death_date <= {{{{month_end}}}}
""",
        basis="issue 6 rule 1; seed 004 每月核查",
    )


def _paid_after_death(programme: Programme) -> Rule:
    prog, label = programme.code, programme.short_name or programme.name
    return Rule(
        code=f"paid_after_death_{prog}",
        name=f"死亡后仍在发放{label}",
        programme=prog,
        sources=("persons", "deaths"),
        severity="high",
        action="停发并追回死亡次月起多发的资金，查明数据延迟原因",
        sql=f"""
SELECT pid, hid, region AS region_code,
       {evidence(死亡日期="CAST(death_date AS VARCHAR)", 项目=f"'{label}'", 本月="{{month}}")} AS evidence
FROM person WHERE in_{prog} AND death_date < {{{{month_start}}}}
""",
        basis="issue 6 rule 7",
    )


_DIBAO_HH = "FROM dibao_hh WHERE n_alive > 0"
# households in neither dibao nor tekun with a member alive: where discovery and the margin list look
_UNENROLLED_HH = "FROM hh\nWHERE NOT in_dibao AND NOT in_tekun AND n_alive > 0"
_FIN_PER_CAPITA = money("CAST(fin AS DOUBLE) / n_alive")


def _hardship_sql(facts: str, condition: str, evidence_sql: str) -> str:
    """A sudden-hardship rule: members whose fact row (`facts`, aliased x) meets `condition`, in a
    household with someone still alive at the month's end."""
    return f"""
SELECT p.pid, p.hid, p.region AS region_code, {evidence_sql} AS evidence
FROM {facts} x JOIN person p ON p.pid = x.pid {figures_of("p")} JOIN hfacts h ON h.hid = p.hid
WHERE {condition} AND h.n_alive > 0
"""


# The core rules; `rules()` adds the death checks of every monthly-paid programme and each registered
# programme's own rules (high-age grant and tiers, the end of child benefits … live in their lines).
CORE_RULES: list[Rule] = [
    # 1 ─ beneficiary died → stop payment: generated per programme, see rules()
    # 2 ─ re-verify every dibao household (定期核查)
    Rule(
        code="dibao_income",
        name="低保家庭人均收入超过低保标准",
        programme="dibao",
        sources=INCOME,
        severity="medium",
        action="入户复核家庭收入；确因就业增收的按渐退期办理，其余停保",
        sql=f"""
{_HH_SELECT},
  {
            evidence(
                家庭月收入=money("income"),
                在世人数="n_alive",
                人均收入=money(_PER_CAPITA),
                低保标准=money("std"),
                就业成本扣减比例="CAST(rate AS DOUBLE)",
            )
        } AS evidence
{_DIBAO_HH} AND NOT dibao_exit AND NOT income_ok
""",
        basis="policy.md: eligible when per-capita income < standard; 就业成本扣减 and 渐退期 (seed 002)",
    ),
    Rule(
        code="dibao_financial_assets",
        name="低保家庭人均金融资产超标",
        programme="dibao",
        sources=("persons", "deaths", "deposits", "securities", "insurance"),
        severity="medium",
        action="核查存款、证券、保险现金价值，超标的停保",
        sql=f"""
{_HH_SELECT},
  {
            evidence(
                金融资产合计=money("fin"),
                人均金融资产=_FIN_PER_CAPITA,
                人均上限=money("fin_months * std"),
                在世人数="n_alive",
            )
        } AS evidence
{_DIBAO_HH} AND NOT fin_ok
""",
        basis="policy.md asset test: financial assets per capita ≤ 24 × standard",
    ),
    Rule(
        code="dibao_new_vehicle",
        name="低保家庭新购机动车",
        programme="dibao",
        sources=("persons", "deaths", "vehicles"),
        severity="high",
        action="核实车辆登记（残疾人代步车除外），属实的停保",
        sql=f"""
{_HH_SELECT},
  {evidence(新登记车辆数="n_veh_new", 机动车数="n_veh", 最近登记日期="CAST(veh_last AS VARCHAR)")} AS evidence
{_DIBAO_HH} AND NOT vehicles_ok AND n_veh_new > 0
""",
        basis="policy.md asset test: no motor vehicle except a disability mobility vehicle",
    ),
    Rule(
        code="dibao_vehicle",
        name="低保家庭拥有机动车",
        programme="dibao",
        sources=("persons", "deaths", "vehicles"),
        severity="medium",
        action="核实车辆权属与用途（残疾人代步车除外）",
        sql=f"""
{_HH_SELECT},
  {evidence(机动车数="n_veh", 最近登记日期="CAST(veh_last AS VARCHAR)")} AS evidence
{_DIBAO_HH} AND NOT vehicles_ok AND n_veh_new = 0
""",
        basis="policy.md asset test (vehicles registered earlier than the new-vehicle window)",
    ),
    Rule(
        code="dibao_second_home",
        name="低保家庭拥有第二套住房",
        programme="dibao",
        sources=("persons", "deaths", "real_estate"),
        severity="medium",
        action="核查不动产登记，超出住房上限的停保",
        sql=f"""
{_HH_SELECT},
  {evidence(住房套数="n_res", 上限="CAST(homes_max AS INTEGER)")} AS evidence
{_DIBAO_HH} AND NOT homes_ok
""",
        basis="policy.md asset test: at most 1 residential property",
    ),
    Rule(
        code="dibao_business",
        name="低保家庭成员经营企业注册资本超标",
        programme="dibao",
        sources=("persons", "deaths", "businesses"),
        severity="medium",
        action="核查工商登记与经营收入",
        sql=f"""
{_HH_SELECT},
  {evidence(最高注册资本="biz_cap", 上限="CAST(cap_max AS BIGINT)")} AS evidence
{_DIBAO_HH} AND NOT business_ok
""",
        basis="policy.md asset test: no active business with registered capital > 100,000",
    ),
    # 3 ─ proactive discovery (政策找人)
    Rule(
        code="discovery_dibao",
        name="疑似符合低保条件未纳入（主动发现）",
        programme="dibao",
        sources=INCOME + ASSETS,
        severity="medium",
        action="主动告知政策并上门核实，引导申请低保",
        difficulty=True,
        sql=f"""
{_HH_SELECT},
  {
            evidence(
                人均收入=money(_PER_CAPITA),
                低保标准=money("std"),
                在世人数="n_alive",
                人均金融资产=_FIN_PER_CAPITA,
                住房套数="n_res",
            )
        } AS evidence
{_UNENROLLED_HH}
  AND full_ok
""",
        basis="seed 002 政策找人; policy.md eligibility (income below standard, asset tests pass)",
    ),
    # 4 ─ low-income margin households (低保边缘)
    Rule(
        code="margin_household",
        name="低保边缘家庭（纳入监测）",
        programme="dibao",
        sources=INCOME + ASSETS,
        severity="low",
        action="纳入低收入人口动态监测，定期回访",
        difficulty=True,
        sql=f"""
{_HH_SELECT},
  {
            evidence(
                人均收入=money(_PER_CAPITA),
                低保标准=money("std"),
                边缘上限=money("margin_factor * std"),
                在世人数="n_alive",
            )
        } AS evidence
{_UNENROLLED_HH}
  AND margin
""",
        basis="policy.md 低保边缘: not dibao/tekun, per-capita income ≤ 1.5 × standard, asset tests pass",
    ),
    # 5 ─ sudden hardship → temporary assistance (临时救助)
    Rule(
        code="hardship_medical",
        name="大额医疗自付支出（支出型困难）",
        programme="temporary",
        sources=("persons", "deaths", "medical"),
        severity="high",
        action="告知临时救助和医疗救助，核实费用后救助",
        difficulty=True,
        sql=_hardship_sql(
            "medical",
            "x.oop > fg.f_monitoring__medical_threshold",
            evidence(本月医疗自付=money("x.oop"), 阈值=money("fg.f_monitoring__medical_threshold")),
        ),
        basis="policy.md 临时救助 支出型 (medical expenses); threshold is a policy figure",
    ),
    Rule(
        code="hardship_disability",
        name="新增一、二级重度残疾",
        programme="temporary",
        sources=("persons", "deaths", "disability"),
        severity="medium",
        action="上门了解生活困难，告知临时救助与残疾人两项补贴",
        difficulty=True,
        sql=_hardship_sql(
            "disability", "x.severe_new", evidence(残疾等级="x.grade", 说明="'本月新发一、二级残疾证'")
        ),
        basis="issue 6 rule 5 (new grade 1–2 disability issued in the month)",
    ),
    Rule(
        code="hardship_unemployment",
        name="本月新增失业",
        programme="temporary",
        sources=("persons", "deaths", "unemployment"),
        severity="medium",
        action="了解家庭收入变化，必要时给予临时救助并转介就业服务",
        difficulty=True,
        sql=_hardship_sql(
            "income", "x.unemp_new", evidence(失业金=money("x.unemp"), 说明="'本月开始领取失业保险金'")
        ),
        basis="issue 6 rule 5 (unemployment started in the month)",
    ),
    Rule(
        code="hardship_earner_death",
        name="家庭主要收入来源者本月死亡",
        programme="temporary",
        sources=INCOME,
        severity="high",
        action="上门慰问，给予急难型临时救助并评估低保资格",
        difficulty=True,
        sql=f"""
WITH dead AS (SELECT pid, hid, region, urban, death_date FROM person
              WHERE death_date BETWEEN {{{{month_start}}}} AND {{{{month_end}}}}),
d AS (  -- members who died this month with an income of their own
  SELECT p.pid, p.hid, p.region, p.death_date, {_counted("i")} AS income
  FROM dead p JOIN {_of("income", "dead")} i ON i.pid = p.pid {figures_of("p")}
  WHERE {_counted("i")} > 0),
mem AS (  -- members of those households alive at the month's start
  SELECT pid, hid, alive, region, urban FROM person
  WHERE hid IN (SELECT hid FROM d) AND (death_date IS NULL OR death_date >= {{{{month_start}}}})),
mi AS (
  SELECT p.hid, p.alive, {_counted("i")} AS income
  FROM mem p LEFT JOIN {_of("income", "mem")} i ON i.pid = p.pid {figures_of("p")}),
top AS (  -- the highest income among them; members and income left at the month's end
  SELECT hid, max(income) AS max_income,
         CAST(count(*) FILTER (WHERE alive) AS INTEGER) AS n_alive,
         sum(CASE WHEN alive THEN coalesce(income, 0) ELSE 0 END) AS income
  FROM mi GROUP BY hid)
SELECT d.pid, d.hid, d.region AS region_code,
  {
            evidence(
                死亡日期="CAST(d.death_date AS VARCHAR)",
                本人月收入=money("d.income"),
                在世人数="t.n_alive",
                家庭剩余月收入=money("t.income"),
            )
        } AS evidence
FROM d JOIN top t ON t.hid = d.hid
WHERE d.income = t.max_income AND t.n_alive > 0
""",
        basis="issue 6 rule 5: the main earner is the member with the highest income",
    ),
    Rule(
        code="tekun_check",
        name="年满60周岁且家中无其他劳动年龄成年人（特困核查）",
        programme="tekun",
        sources=("persons", "deaths"),
        severity="medium",
        action="上门核查收入与赡养人情况，符合条件的纳入特困供养",
        sql=f"""
SELECT c.pid, c.hid, c.region AS region_code,
  {
            evidence(
                出生日期="CAST(c.birth_date AS VARCHAR)",
                年龄="CAST(c.age_min AS INTEGER)",
                家庭在世人数="h.n_alive",
            )
        } AS evidence
FROM tekun_applicants c
JOIN tekun_elig t ON t.hid = c.hid AND t.pid = c.pid
JOIN hfacts h ON h.hid = c.hid
WHERE c.to_check AND t.category_ok AND t.supporter_ok
""",
        basis="policy.md 特困: aged ≥ 60 with no legal supporter able to support",
    ),
    # 7 ─ inconsistencies between the register and the payroll
    Rule(
        code="duplicate_person",
        name="同一身份证号登记在多个户",
        programme="all",
        sources=("persons",),
        severity="high",
        action="公安户籍核实，注销重复户口",
        sql=f"""
SELECT pid, min(hid) AS hid, arg_min(region, hid) AS region_code,
  {evidence(户籍记录数="count(*)", 涉及户数="count(DISTINCT hid)")} AS evidence
FROM person
WHERE pid IN (SELECT pid FROM dup)
GROUP BY pid
""",
        basis="issue 6 rule 7 (one person in two households)",
    ),
    Rule(
        code="paid_twice",
        name="同一项目重复享受",
        programme="all",
        sources=("persons",),
        severity="high",
        action="核实重复登记，停发重复部分并追回",
        sql=f"""
SELECT d.pid, p.hid, p.region AS region_code,
  {evidence(项目="d.programme", 登记条数="d.n")} AS evidence
FROM (SELECT pid, min(programme) AS programme, max(n) AS n
      FROM (SELECT pid, programme, count(*) AS n FROM enrol GROUP BY pid, programme HAVING count(*) > 1) x
      GROUP BY pid) d
LEFT JOIN person p ON p.pid = d.pid
""",
        basis="issue 6 rule 7 (paid twice)",
    ),
    Rule(
        code="dibao_and_tekun",
        name="同时享受低保和特困供养",
        programme="dibao",
        sources=("persons",),
        severity="high",
        action="低保与特困不得重复享受：保留特困，停发低保",
        sql=f"""
SELECT pid, hid, region AS region_code,
  {evidence(说明="'同时登记低保和特困供养'")} AS evidence
FROM person WHERE in_dibao AND in_tekun
""",
        basis="issue 6 rule 7 (dibao and tekun at once)",
    ),
]


_cache: dict[str, Any] = {"version": -1}


def _lines_loaded() -> None:
    """The engine also runs as a plain library (a worker process, a province job): then the apps are set
    up here, so their ready() registers the lines and the rules are those of the web application."""
    from django.apps import apps

    if not apps.ready and not apps.loading:
        import os

        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings.dev")
        django.setup()


def _assembled() -> dict[str, Any]:
    """The rule list and stages for the registry as it stands, rebuilt only when it changed."""
    _lines_loaded()
    if _cache["version"] != registry_version():
        paid = [p for p in programmes() if p.monthly_payable]
        rules = [
            *[_died(p) for p in paid],
            *CORE_RULES,
            *[r for p in programmes() if p.screening is not None for r in p.screening()],
            *[r for x in lines() if x.screening is not None for r in x.screening()],
            *[_paid_after_death(p) for p in paid],
        ]
        _cache.update(
            version=registry_version(),
            RULES=rules,
            RULES_BY_CODE={r.code: r for r in rules},
            STAGES=_stages(),
        )
    return _cache


def rules() -> list[Rule]:
    """Every rule of a run, in report order."""
    return list(_assembled()["RULES"])


_KEY = re.compile(r"\{\{\s*(?:turning:)?([A-Za-z0-9_]+\.[A-Za-z0-9_.]+)\s*\}\}")


def param_keys() -> list[str]:
    """The city-wide policy figures the rules name as placeholders (none has a default: a missing one
    stops the run)."""
    keys: dict[str, None] = {}
    for rule in _assembled()["RULES"]:
        keys.update(dict.fromkeys(_KEY.findall(rule.sql)))
    return list(keys)


def __getattr__(name: str) -> Any:
    """RULES, RULES_BY_CODE and STAGES depend on the registry, filled by the apps' ready(): built when
    first read (after start-up), not at import."""
    if name in ("RULES", "RULES_BY_CODE", "STAGES"):
        return _assembled()[name]
    raise AttributeError(name)


# The 困难指数 reads these; when one is missing the index is left empty (null) for the month.
DIFFICULTY_SOURCES = (*INCOME, "real_estate", "disability", "medical", "education")


def difficulty_sql(hh: str = "h", facts: str = "d") -> str:
    """The 困难指数 of a household (docs/difficulty-index.md): `hh` is its row of hh, `facts` its row of the
    difficulty stage. DOUBLE arithmetic, points added in the documented order, so that DuckDB, Spark and
    verification/difficulty.py round identically."""
    scale = DIFFICULTY["scale"]

    def d(x: str) -> str:
        return f"CAST({x} AS DOUBLE)"

    n = f"{hh}.n_alive"
    values = {
        "income_gap": (
            f"CASE WHEN {hh}.std > 0 THEN least(1.0, greatest(0.0, "
            f"({d(f'{hh}.std')} - {d(f'{hh}.income')} / {d(n)}) / {d(f'{hh}.std')})) ELSE 0.0 END"
        ),
        "severe_disability": (
            f"least(1.0, {d(f'{facts}.n_severe')} / {float(scale['severe_members_full'])!r})"
        ),
        "dependants": f"least(1.0, {d(f'{facts}.n_dependants')} / {d(n)})",
        "medical": (
            f"CASE WHEN {hh}.std > 0 THEN least(1.0, {d(f'{facts}.oop')} / ({d(f'{hh}.std')} * {d(n)})) "
            "ELSE 0.0 END"
        ),
        "education": (
            f"CASE WHEN {facts}.costly_students THEN 1.0 "
            f"WHEN {facts}.compulsory_students THEN {float(scale['compulsory_only'])!r} ELSE 0.0 END"
        ),
        "housing": f"CASE WHEN {facts}.n_res = 0 THEN 1.0 ELSE 0.0 END",
        "sudden": f"CASE WHEN {facts}.sudden THEN 1.0 ELSE 0.0 END",
    }
    total = " + ".join(
        f"CAST({{{{difficulty.w.{k}}}}} AS DOUBLE) * CAST({v} AS DOUBLE)" for k, v in values.items()
    )
    return f"CASE WHEN {n} > 0 THEN CAST(least(100.0, greatest(0.0, floor({total} + 0.5))) AS INTEGER) END"
