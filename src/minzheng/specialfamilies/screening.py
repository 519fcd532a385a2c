"""The special-difficulty families' screening rule (seed 001, 淄博): a member of a dibao household whose
first disability certificate was issued this month belongs to category 1 (低保家庭失能人员) but is not
yet on the roll the web database identifies (categories.py reads the certificate from the disability
subsidy desk): the township is alerted to record the certificate and tell the family of the four
entitlements. Set-based SQL over the engine's `person` and `disability` tables; a person already on
the roll through the disability subsidies or one of this line's entitlements is not reported, nor a
tekun person (category 2 already)."""

# SQL text assembled from this module's own constants.
# ruff: noqa: S608

from __future__ import annotations

from minzheng.programmes.screening import Rule, evidence

# Enrolments that mean the person's certificate is already known to the web database's roll: the two
# disability subsidies (their desk records the certificate) and this line's three entitlements.
ON_ROLL = ("dis_living", "dis_care", "sf_student", "sf_medical", "sf_festival")

NEW_DISABILITY_SQL = f"""
SELECT p.pid, p.hid, p.region AS region_code,
  {
    evidence(
        残疾等级="CAST(d.grade AS INTEGER)",
        发证日期="CAST(d.first_issued AS VARCHAR)",
        说明="'低保家庭成员本月首次取得残疾证，尚未纳入特殊困难家庭名册'",
    )
}
  AS evidence
FROM person p
JOIN disability d ON d.pid = p.pid
JOIN (SELECT hid FROM person GROUP BY hid HAVING bool_or(in_dibao)) h ON h.hid = p.hid
WHERE p.alive AND d.first_new AND NOT p.in_tekun
  AND NOT ({" OR ".join(f"p.in_{code}" for code in ON_ROLL)})
"""


def rules() -> list[Rule]:
    return [
        Rule(
            code="sf_new_disability",
            name="低保家庭成员新取得残疾证（特殊困难家庭待纳入）",
            programme="sf_medical",
            sources=("persons", "deaths", "disability"),
            severity="medium",
            action="核实残疾证并登记，纳入特殊困难家庭名册，告知护理服务、教育、医疗救助和节日慰问待遇",
            sql=NEW_DISABILITY_SQL,
            basis="seed 001 淄博特殊困难家庭第一类（低保家庭失能人员）；issue 19",
        )
    ]
