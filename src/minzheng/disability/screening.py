"""The dynamic adjustment of the two subsidies, run by the monthly screening over the snapshot (set-based
SQL over the engine's `person` and `disability` tables; `in_dis_living` / `in_dis_care` are this month's
enrolments). Death is the engine's own `died_dis_living` / `died_dis_care`; this line adds the stop on
leaving dibao, the stop on tekun enrolment, and re-decision when the rule's verdict no longer matches
the enrolment (a new or changed certificate grade). The verdict is `eligibility.subsidy_sql`, the same
SQL the desk runs."""

# SQL text assembled from this module's own constants; policy figures are rendered by the engine.
# ruff: noqa: S608

from __future__ import annotations

from minzheng.programmes.household import figure_column
from minzheng.programmes.screening import Rule, evidence

from . import eligibility as E

SOURCES = ("persons", "deaths", "disability")

# The canonical member facts of the persons enrolled in either subsidy, from the snapshot: the most severe
# certificate's grade (the engine's disability source has no kind yet, so the kind is NULL).
MEMBERS = """
SELECT p.hid, p.pid, 0 AS fig_key, p.alive, CAST(d.grade AS INTEGER) AS disability_grade,
       CAST(NULL AS VARCHAR) AS disability_kind
FROM person p LEFT JOIN disability d ON d.pid = p.pid
WHERE p.in_dis_living OR p.in_dis_care
"""
STATUS = """
SELECT p.hid, p.pid, coalesce(h.dibao, false) AS household_dibao, p.in_tekun AS tekun,
       false AS work_injury_care
FROM person p
LEFT JOIN (SELECT hid, bool_or(in_dibao) AS dibao FROM person GROUP BY hid) h ON h.hid = p.hid
WHERE p.in_dis_living OR p.in_dis_care
"""
# The month's figures, one row (fig_key 0): the subsidies have one city-wide scale per grade.
FIGURES = "SELECT 0 AS fig_key, " + ", ".join(
    f"CAST({{{{{k}}}}} AS DECIMAL(18,4)) AS {figure_column(k)}" for k in E.FIGURE_KEYS
)


def verdicts_sql() -> str:
    """Every person enrolled in either subsidy with this month's verdict of the one rule (NULL columns
    when the person holds no certificate any more)."""
    return f"""
SELECT p.pid, p.hid, p.region, p.alive, p.in_dis_living, p.in_dis_care, p.in_tekun,
       r.grade, coalesce(r.household_dibao, s.household_dibao) AS household_dibao,
       coalesce(r.living_ok, false) AS living_ok, coalesce(r.care_ok, false) AS care_ok,
       coalesce(r.living, 0) AS living, coalesce(r.care, 0) AS care
FROM person p
JOIN ({STATUS}) s ON s.hid = p.hid AND s.pid = p.pid
LEFT JOIN ({E.subsidy_sql(f"({MEMBERS})", f"({STATUS})", f"({FIGURES})")}) r
  ON r.hid = p.hid AND r.pid = p.pid
WHERE p.in_dis_living OR p.in_dis_care
"""


def rules() -> list[Rule]:
    v = verdicts_sql()
    return [
        Rule(
            code="dis_tekun",
            name="残疾人两项补贴对象已纳入特困供养",
            programme="dis_living",
            sources=SOURCES,
            severity="high",
            action="自动停发残疾人生活补贴和护理补贴（特困供养已含）",
            sql=f"""
SELECT pid, hid, region AS region_code,
  {evidence(说明="'已纳入特困人员救助供养'", 残疾等级="grade")} AS evidence
FROM ({v}) v WHERE alive AND in_tekun
""",
            basis="国发〔2015〕52号：特困人员不享受两项补贴",
        ),
        Rule(
            code="dis_left_dibao",
            name="困难残疾人生活补贴对象家庭已退出低保",
            programme="dis_living",
            sources=SOURCES,
            severity="medium",
            action="核实家庭低保状态，停发困难残疾人生活补贴",
            sql=f"""
SELECT pid, hid, region AS region_code,
  {evidence(说明="'家庭本月不再享受低保'", 残疾等级="grade")} AS evidence
FROM ({v}) v WHERE alive AND in_dis_living AND NOT in_tekun AND NOT household_dibao
""",
            basis="国发〔2015〕52号：生活补贴对象为低保家庭中的残疾人",
        ),
        Rule(
            code="dis_redecide",
            name="残疾人证等级变化，两项补贴须重新核定",
            programme="dis_care",
            sources=SOURCES,
            severity="medium",
            action="按新的残疾等级重新核定两项补贴",
            sql=f"""
SELECT pid, hid, region AS region_code,
  {
                evidence(
                    残疾等级="grade",
                    应享生活补贴="living",
                    应享护理补贴="care",
                    说明="'残疾人证等级与在享补贴不一致'",
                )
            } AS evidence
FROM ({v}) v
WHERE alive AND NOT in_tekun
  AND (in_dis_care <> care_ok OR (in_dis_living AND household_dibao AND NOT living_ok)
       OR (NOT in_dis_living AND living_ok))
""",
            basis="国发〔2015〕52号：残疾等级变化的，重新核定",
        ),
    ]
