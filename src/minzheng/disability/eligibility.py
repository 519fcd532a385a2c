"""困难残疾人生活补贴 and 重度残疾人护理补贴, written once, as SQL.

One query over the canonical member facts (`programmes/household.py`: `members` with
disability_grade/disability_kind and a `figures` table keyed by fig_key) and a `status` relation of the
facts the two subsidies add — (hid, pid, household_dibao, tekun, work_injury_care). The desk fills them
for one applicant from a `Case` (`disability/desk.py`: 试算, the decision); the monthly screening fills
them from the snapshot and this month's enrolments (`disability/screening.py`).

Sources: 《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》(国发〔2015〕52号);
鲁政发〔2015〕27号 (the figures' own sources are in policy/fixtures/policy_default.json).
"""

# The SQL is assembled from this module's text and relation names given by the callers, never from input.
# ruff: noqa: S608

from __future__ import annotations

from minzheng.programmes.household import figure_column as _f

LIVING_GRADES = (1, 2, 3, 4)
CARE_GRADES = (1, 2)
LIVING_KEYS = tuple(f"disability.living.grade{g}" for g in LIVING_GRADES)
CARE_KEYS = tuple(f"disability.care.grade{g}" for g in CARE_GRADES)
FIGURE_KEYS: tuple[str, ...] = LIVING_KEYS + CARE_KEYS


def _by_grade(keys: tuple[str, ...], grades: tuple[int, ...]) -> str:
    whens = " ".join(f"WHEN {g} THEN f.{_f(k)}" for g, k in zip(grades, keys, strict=True))
    return f"CASE m.disability_grade {whens} END"


def subsidy_sql(members: str, status: str, figures: str) -> str:
    """One row per member alive with a disability grade: the tests and amounts of both subsidies.

    Columns: hid, pid, grade, kind, household_dibao, tekun, work_injury_care, living_ok, care_ok,
    living (whole yuan, 0 when not eligible), care (likewise), monthly_amount (their sum), eligible."""
    return f"""
WITH
a AS (
  SELECT m.hid, m.pid, m.disability_grade AS grade, m.disability_kind AS kind,
    coalesce(s.household_dibao, false) AS household_dibao,
    coalesce(s.tekun, false) AS tekun,
    coalesce(s.work_injury_care, false) AS work_injury_care,
    {_by_grade(LIVING_KEYS, LIVING_GRADES)} AS living_std,
    {_by_grade(CARE_KEYS, CARE_GRADES)} AS care_std
  FROM {members} m
  LEFT JOIN {status} s ON s.hid = m.hid AND s.pid = m.pid
  JOIN {figures} f ON f.fig_key = m.fig_key
  WHERE m.alive AND m.disability_grade IN (1, 2, 3, 4)),
t AS (
  SELECT a.*,
    household_dibao AND NOT tekun AS living_ok,
    grade IN (1, 2) AND NOT tekun AND NOT work_injury_care AS care_ok
  FROM a)
SELECT t.hid, t.pid, t.grade, t.kind, t.household_dibao, t.tekun, t.work_injury_care, t.living_ok, t.care_ok,
  CASE WHEN living_ok THEN CAST(round(living_std, 0) AS BIGINT) ELSE 0 END AS living,
  CASE WHEN care_ok THEN CAST(round(care_std, 0) AS BIGINT) ELSE 0 END AS care,
  CASE WHEN living_ok THEN CAST(round(living_std, 0) AS BIGINT) ELSE 0 END
    + CASE WHEN care_ok THEN CAST(round(care_std, 0) AS BIGINT) ELSE 0 END AS monthly_amount,
  living_ok OR care_ok AS eligible
FROM t
"""
