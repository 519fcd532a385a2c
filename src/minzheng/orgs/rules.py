"""The line's fixed structure: the document checklist of each registration flow (what the regulations
require a clerk to receive) and the grade-evaluation scoring sheet. The figures (section maxima, grade
thresholds, validity) are policy keys read for the evaluation's date and region."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError

from minzheng.policy.selectors import policy_resolve

from .models import CaseKind

# 《社会团体登记管理条例》第十一条、第十八条、第十九条; 《民办非企业单位登记管理暂行条例》第九条、第十五条.
CHECKLISTS: dict[str, tuple[tuple[str, str], ...]] = {
    CaseKind.REGISTER: (
        ("application", "登记申请书"),
        ("supervisor", "业务主管单位的批准文件（社区社会组织为街道乡镇同意备案意见）"),
        ("premises", "住所使用权证明"),
        ("capital", "验资报告或资金来源证明"),
        ("people", "发起人和拟任负责人的基本情况、身份证明"),
        ("charter", "章程草案"),
    ),
    CaseKind.CHANGE: (
        ("application", "变更登记申请书"),
        ("supervisor", "业务主管单位审查同意的文件"),
        ("resolution", "理事会或会员（代表）大会决议"),
        ("proof", "变更事项的证明文件"),
    ),
    CaseKind.CANCEL: (
        ("application", "注销登记申请书"),
        ("supervisor", "业务主管单位审查同意的文件"),
        ("liquidation", "清算报告书"),
        ("certificate", "登记证书正副本及印章"),
    ),
}

# The certificate each kind receives (社区社会组织 are filed, not registered: a filing certificate).
CERTIFICATE_TITLES = {
    "group": "社会团体法人登记证书",
    "service": "民办非企业单位登记证书",
    "foundation": "基金会法人登记证书",
    "community": "社区社会组织备案证明",
}

# What a change registration may change (登记事项), each with how a clerk names it.
CHANGEABLE = {
    "name": "名称",
    "address": "住所",
    "legal_rep_name": "法定代表人",
    "supervisor": "业务主管单位",
    "registered_capital": "注册资金",
    "party_org": "党组织建设",
}

# The scoring sheet: sections of 《社会组织评估管理办法》, each with its maximum as a policy key.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("basic", "基础条件"),
    ("governance", "内部治理"),
    ("performance", "工作绩效"),
    ("reputation", "社会评价"),
)
GRADE_KEYS = (
    (5, "orgs.grade.a5"),
    (4, "orgs.grade.a4"),
    (3, "orgs.grade.a3"),
    (2, "orgs.grade.a2"),
    (1, "orgs.grade.a1"),
)


def sheet(*, on: dt.date, region_code: str) -> list[tuple[str, str, Decimal]]:
    """(code, label, maximum) of each section in force on `on`."""
    p = policy_resolve(on=on, region_code=region_code, hukou_type="")
    return [(code, label, p.get(f"orgs.sheet.{code}")) for code, label in SECTIONS]


def grade(scores: dict[str, Decimal], *, on: dt.date, region_code: str) -> tuple[Decimal, int, int]:
    """(total, grade 0–5, validity in years) of a filled sheet; a section above its maximum is refused."""
    p = policy_resolve(on=on, region_code=region_code, hukou_type="")
    errors: dict[str, list[str]] = {}
    total = Decimal(0)
    for code, label in SECTIONS:
        top = p.get(f"orgs.sheet.{code}")
        value = scores.get(code)
        if value is None or value < 0 or value > top:
            errors[code] = [f"{label}得分应在0至{top.normalize():f}分之间"]
            continue
        total += value
    if errors:
        raise ValidationError(errors)
    level = next((n for n, key in GRADE_KEYS if total >= p.get(key)), 0)
    return total, level, int(p.get("orgs.grade_valid_years"))
