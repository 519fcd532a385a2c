"""The dibao (低保) and tekun (特困) eligibility and amount, written once, as SQL.

Each rule is one query over the canonical household facts (`programmes/household.py`) and a figures
table (one row per county × hukou type, one column per policy figure). The desk runs it on a
one-household table built from a `Case` (`assistance/desk.py`: 试算, `minzheng assess`, the decision,
the verification report); the screening engine runs it set-based over the month's snapshot as a stage,
in DuckDB and, transpiled by sqlglot, in Spark. Money is exact DECIMAL arithmetic in both: the golden
cases of shared/docs/assess.md are exact to the fen.

Sources: 《社会救助暂行办法》(国务院令第649号) 第九至十五条; 《最低生活保障审核确认办法》(民发〔2021〕57号);
《特困人员认定办法》(民发〔2021〕43号); the figures' own sources are in policy/fixtures/policy_default.json.
"""

# The SQL is assembled from this module's text and relation names given by the callers (table names or
# sub-queries they build themselves), never from user input.
# ruff: noqa: S608

from __future__ import annotations

from minzheng.programmes.household import figure_column as _f

# Figures each rule reads (per county × hukou type, for the month).
DIBAO_KEYS: tuple[str, ...] = (
    "dibao.standard",
    "dibao.employment_deduction_rate",  # 就业成本扣减
    "dibao.financial_assets_months",
    "dibao.residential_properties_max",
    "dibao.business_capital_max",
    "dibao.single_person_income_factor",  # 单人保
    "dibao.margin_factor",  # 低保边缘
    "monitoring.medical_threshold",  # a month's medical bill above it counts as severe illness (单人保)
)
TEKUN_KEYS: tuple[str, ...] = (
    "dibao.standard",
    "dibao.employment_deduction_rate",
    "tekun.age_min",
    "tekun.minor_age_max",
    "tekun.basic_factor",
    "tekun.care.full",
    "tekun.care.partial",
    "tekun.care.none",
    "monitoring.adult_age_min",  # a member of working age is a supporter unless the family says otherwise
)
FIGURE_KEYS: tuple[str, ...] = tuple(dict.fromkeys(DIBAO_KEYS + TEKUN_KEYS))


def counted_income(wage: str, other: str, rate: str) -> str:
    """Counted income (SQL expression): wages net of the employment-cost deduction (就业成本扣减) plus every
    other income."""
    return f"({wage} * (1 - {rate}) + {other})"


def severe_disability(grade: str, kind: str) -> str:
    """Severely disabled (SQL expression): grade 1–2, or grade 3 intellectual/mental (policy.md 单人保
    and 特困)."""
    return (
        f"(coalesce({grade} IN (1, 2), false) "
        f"OR coalesce({grade} = 3 AND {kind} IN ('intellectual', 'mental'), false))"
    )


_own = counted_income("m.wage", "m.other_income", f"f.{_f('dibao.employment_deduction_rate')}")


def dibao_alone_sql(members: str, figures: str) -> str:
    """单人保 candidates per household: members alive who are severely disabled or ill (a declared severe
    illness or a medical bill this month above monitoring.medical_threshold), each with own counted income
    under the standard — n_alone and alone_amount (the sum of their gaps to the standard).

    `members` may be cut down to the members who could be covered alone (a disability certificate or a
    medical bill): only they can qualify."""
    return f"""
SELECT m.hid, CAST(count(*) AS INTEGER) AS n_alone, sum(f.{_f("dibao.standard")} - {_own}) AS alone_amount
FROM {members} m
JOIN {figures} f ON f.fig_key = m.fig_key
WHERE m.alive
  AND ({severe_disability("m.disability_grade", "m.disability_kind")} OR m.severe_illness
       OR m.medical_oop > f.{_f("monitoring.medical_threshold")})
  AND {_own} < f.{_f("dibao.standard")}
GROUP BY m.hid
"""


def dibao_sql(households: str, alone: str, figures: str) -> str:
    """One row per household with a member alive: the tests, the verdict and the amount. `alone` is the
    household's 单人保 candidates (dibao_alone_sql).

    Columns: every column of `households`, income (counted household income), the figures
    used (std, rate, fin_months, homes_max, cap_max, single_factor, margin_factor), the tests income_ok,
    fin_ok, vehicles_ok, homes_ok, business_ok, assets_ok, full_ok (补差 for the whole household),
    single_applies (单人保 considered), n_alone, margin (低保边缘), covered, eligible, amount (exact) and
    monthly_amount (whole yuan, half up)."""
    return f"""
WITH
hf AS (
  SELECT h.*,
         f.{_f("dibao.standard")} AS std, f.{_f("dibao.employment_deduction_rate")} AS rate,
         f.{_f("dibao.financial_assets_months")} AS fin_months,
         f.{_f("dibao.residential_properties_max")} AS homes_max,
         f.{_f("dibao.business_capital_max")} AS cap_max,
         f.{_f("dibao.single_person_income_factor")} AS single_factor,
         f.{_f("dibao.margin_factor")} AS margin_factor,
         {counted_income("h.wage", "h.other_income", f"f.{_f('dibao.employment_deduction_rate')}")} AS income
  FROM {households} h JOIN {figures} f ON f.fig_key = h.fig_key
  WHERE h.n_alive > 0),
t AS (
  SELECT hf.*,
    income < std * n_alive AS income_ok,
    fin <= fin_months * std * n_alive AS fin_ok,
    n_veh = 0 AS vehicles_ok,
    n_res <= homes_max AS homes_ok,
    coalesce(biz_cap, 0) <= cap_max AS business_ok
  FROM hf),
u AS (
  SELECT t.*, fin_ok AND vehicles_ok AND homes_ok AND business_ok AS assets_ok FROM t),
v AS (
  SELECT u.*, income_ok AND assets_ok AS full_ok,
    NOT income_ok AND assets_ok AND income <= single_factor * std * n_alive AS single_applies,
    NOT income_ok AND assets_ok AND income <= margin_factor * std * n_alive AS margin
  FROM u),
w AS (
  SELECT v.*, coalesce(a.n_alone, 0) AS n_alone,
    CASE WHEN v.full_ok THEN v.std * v.n_alive - v.income
         WHEN v.single_applies AND a.n_alone > 0 THEN a.alone_amount
         ELSE 0 END AS amount,
    CASE WHEN v.full_ok THEN v.n_alive WHEN v.single_applies THEN coalesce(a.n_alone, 0) ELSE 0 END
      AS covered
  FROM v LEFT JOIN {alone} a ON a.hid = v.hid)
SELECT w.*, covered > 0 AS eligible, CAST(round(amount, 0) AS BIGINT) AS monthly_amount FROM w
"""


def tekun_sql(members: str, figures: str, applicants: str) -> str:
    """One row per applicant alive (`applicants`: a relation of (hid, pid)): the tests of 特困 and the
    support amount. `members` must hold every member of the applicants' households (the supporter test
    looks at them).

    Columns: hid, pid, age, own_income, std, aged, minor, severe_disability, category_ok, income_ok,
    supporter_inferred, supporter_ok, eligible, basic (基本生活标准), care (照料护理标准), amount (exact),
    monthly_amount (whole yuan, half up; 0 when not eligible), and the figures used."""
    return f"""
WITH
a AS (
  SELECT m.hid, m.pid, m.age, m.self_care, m.has_supporter,
         {severe_disability("m.disability_grade", "m.disability_kind")} AS severe_disability,
         {counted_income("m.wage", "m.other_income", f"f.{_f('dibao.employment_deduction_rate')}")}
           AS own_income,
         f.{_f("dibao.standard")} AS std, f.{_f("tekun.age_min")} AS age_min,
         f.{_f("tekun.minor_age_max")} AS minor_max, f.{_f("tekun.basic_factor")} AS basic_factor,
         f.{_f("monitoring.adult_age_min")} AS adult_min,
         CASE m.self_care WHEN 'partial' THEN f.{_f("tekun.care.partial")}
                          WHEN 'none' THEN f.{_f("tekun.care.none")}
                          ELSE f.{_f("tekun.care.full")} END AS care
  FROM {members} m
  JOIN (SELECT DISTINCT hid, pid FROM {applicants}) c ON c.hid = m.hid AND c.pid = m.pid
  JOIN {figures} f ON f.fig_key = m.fig_key
  WHERE m.alive),
o AS (  -- another member alive and of working age: taken as a supporter able to support
  SELECT a.hid, a.pid, true AS able
  FROM a JOIN {members} x ON x.hid = a.hid AND x.pid <> a.pid
  WHERE x.alive AND x.age >= a.adult_min AND x.age < a.age_min
  GROUP BY a.hid, a.pid),
t AS (
  SELECT a.*, a.age >= a.age_min AS aged, a.age < a.minor_max AS minor,
    a.own_income < a.std AS income_ok,
    a.has_supporter IS NULL AS supporter_inferred,
    NOT coalesce(a.has_supporter, o.able IS NOT NULL) AS supporter_ok,
    a.basic_factor * a.std AS basic
  FROM a LEFT JOIN o ON o.hid = a.hid AND o.pid = a.pid),
u AS (
  SELECT t.*, aged OR minor OR severe_disability AS category_ok FROM t)
SELECT u.*, category_ok AND income_ok AND supporter_ok AS eligible,
  basic + care AS amount,
  CASE WHEN category_ok AND income_ok AND supporter_ok THEN CAST(round(basic + care, 0) AS BIGINT)
       ELSE 0 END AS monthly_amount
FROM u
"""
