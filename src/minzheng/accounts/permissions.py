"""The one permission matrix: named permissions → roles. Services, views and the API ask `require()` (or
`can()` for showing a control); nothing else compares role strings. A refusal raises `Denied` (a
ValidationError, so desk views show its Chinese message) and is written to the audit log as DENIED after
the refused transaction has rolled back (see `flush_denials`)."""

from __future__ import annotations

import threading
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from minzheng.core.exceptions import Refusal

from .models import Role
from .scoping import M, actor_prefix, in_scope, scope
from .system import SYSTEM_ROLE, require_actor

R = Role
SYSTEM = SYSTEM_ROLE  # the system actor (accounts.system): scheduled and console work, no person
# Everyone who works a case of social assistance in a township or county (worklists, 核查, 转介)
_CASEWORK = frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER})
_READERS = frozenset({R.CITY_OFFICER, R.AUDITOR})
# The new lines' officers and workers who serve people in their region (issues 14–19).
_LINE_STAFF = frozenset(
    {
        R.ELDERLY_OFFICER,
        R.CHILD_WELFARE_OFFICER,
        R.CHILD_SUPERVISOR,
        R.CHILD_DIRECTOR,
        R.SOCIAL_AFFAIRS_OFFICER,
        R.GRID_WORKER,
    }
)
# Each permission: the roles that hold it. Keep names `<object>.<action>`; add a row, never a literal.
PERMISSIONS: dict[str, frozenset[str]] = {
    # 社会救助 case work
    "assistance.intake": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK}),
    "people.transfer": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK}),
    "people.register_unidentified": frozenset(
        {
            R.VILLAGE_ASSISTANT,
            R.TOWNSHIP_CLERK,
            R.COUNTY_OFFICER,
            R.CHILD_DIRECTOR,
            R.CHILD_SUPERVISOR,
            R.CHILD_WELFARE_OFFICER,  # files a protection report for a child without papers
            R.SOCIAL_AFFAIRS_OFFICER,  # the rescue station registers vagrants without papers
        }
    ),
    "people.merge": frozenset({R.TOWNSHIP_CLERK, R.COUNTY_OFFICER, R.SOCIAL_AFFAIRS_OFFICER}),
    "people.merge_approve": frozenset({R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    "assistance.process": frozenset({R.TOWNSHIP_CLERK}),
    "assistance.decide": frozenset({R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    "assistance.escalation_decide": frozenset({R.COUNTY_OFFICER}),
    "assistance.escalation_request": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER}),
    "assistance.objection_resolve": frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    "assistance.decide_county": frozenset({R.COUNTY_OFFICER}),
    "assistance.refer": frozenset(
        {R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}
    ),
    "assistance.review_open": frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    # 核对 report (deposits, pensions): the case's township roles and above, never the village
    "verification.read": frozenset(
        {R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER, R.CITY_OFFICER, R.AUDITOR}
    ),
    # 资金: make (generate) and check (freeze) are different people; only finance takes the bank file
    "payroll.view": frozenset({R.COUNTY_OFFICER, R.COUNTY_FINANCE, R.CITY_OFFICER, R.AUDITOR}),
    "payroll.generate": frozenset({R.COUNTY_OFFICER}),
    "payroll.freeze": frozenset({R.COUNTY_OFFICER, R.COUNTY_FINANCE}),
    "payroll.adjust": frozenset({R.COUNTY_OFFICER}),
    "payroll.bank_file": frozenset({R.COUNTY_FINANCE}),
    "payroll.adjust_approve": frozenset({R.COUNTY_OFFICER, R.COUNTY_FINANCE}),
    # 大学生全程资助 (issue 19): the township enrols and checks each term, the county decides each
    # academic year and a second county person approves the money (make-and-check)
    "students.read": _CASEWORK | _READERS | {R.COUNTY_FINANCE},
    "students.enrol": frozenset({R.TOWNSHIP_CLERK}),
    "students.check": frozenset({R.TOWNSHIP_CLERK, R.COUNTY_OFFICER}),
    "students.decide": frozenset({R.COUNTY_OFFICER}),
    "students.approve": frozenset({R.COUNTY_OFFICER, R.COUNTY_FINANCE}),
    # 诚信救助 (issue 19): commitments at intake, findings from 核对, recovery with make-and-check
    "integrity.read": _CASEWORK | _READERS,
    "integrity.commit": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK}),
    "integrity.find": frozenset({R.TOWNSHIP_CLERK, R.COUNTY_OFFICER}),
    "integrity.recover_approve": frozenset({R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    # 县级抽查 of township dibao/tekun decisions (seed 002: approval delegated, the county checks)
    "integrity.sample": frozenset({R.COUNTY_OFFICER}),
    "payee.set": frozenset({R.TOWNSHIP_CLERK, R.COUNTY_OFFICER}),
    "payee.approve": frozenset({R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    # 政策参数: one city officer proposes, another approves
    "policy.propose": frozenset({R.CITY_OFFICER}),
    "policy.approve": frozenset({R.CITY_OFFICER}),
    # 低保标准与消费支出挂钩: the city sets it, a county officer reads its own county's figures
    "policy.consumption": frozenset({R.CITY_OFFICER, R.COUNTY_OFFICER}),
    # 数据交换 snapshots: the city uploads, the system imports from the console
    "exchange.import": frozenset({R.CITY_OFFICER, SYSTEM}),
    "exchange.view": frozenset({R.CITY_OFFICER}),
    "exchange.upload": frozenset({R.CITY_OFFICER}),
    "people.import": frozenset({SYSTEM}),
    "enrolment.import": frozenset({SYSTEM}),
    # 核对 run on a case: the township clerk and approver, or the county
    "verification.run": frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    # 动态监测: the city (or the scheduled job) runs it; automatic grants and stops only by the system
    "screening.run": frozenset({R.CITY_OFFICER, SYSTEM}),
    "screening.auto_act": frozenset({SYSTEM}),
    "alert.handle": _CASEWORK,
    "alert.refer": _CASEWORK,
    # 决定书、复核结果通知书 printed by the case's people, or generated by the system in bulk
    "letter.print": _CASEWORK | {SYSTEM},
    # 高龄津贴 and 儿童保障 rosters (the lines' own pages; children's records stay above the village)
    "elderly.read": _CASEWORK | {R.ELDERLY_OFFICER, R.CITY_OFFICER, R.AUDITOR},
    "children.read": frozenset(
        {
            R.TOWNSHIP_CLERK,
            R.TOWNSHIP_APPROVER,
            R.COUNTY_OFFICER,
            R.CITY_OFFICER,
            R.AUDITOR,
            R.CHILD_WELFARE_OFFICER,
            R.CHILD_SUPERVISOR,
        }
    ),
    # Reading people, cases and alerts at all: the civil-affairs staff of the region. A carer, a volunteer,
    # an organisation's filer or officer and the system admin read no one's record through these pages.
    "people.read": _CASEWORK | _READERS | _LINE_STAFF | {R.COUNTY_FINANCE, SYSTEM},
    "assistance.read": _CASEWORK | _READERS | {R.COUNTY_FINANCE, SYSTEM},
    "alert.read": _CASEWORK | _READERS | {SYSTEM},
    # 审计日志
    "audit.read": frozenset({R.AUDITOR}),
    # 用户管理 (the admin never reads or changes the audit log); the system provisions from the console
    "users.manage": frozenset({R.SYSADMIN, SYSTEM}),
    # accounts that read the audit log: from the console only, never by the admin
    "users.manage_auditors": frozenset({SYSTEM}),
    # 我的待办: which cards of the home page each role gets
    "todo.drafts": frozenset({R.VILLAGE_ASSISTANT}),
    "todo.village_review": frozenset({R.VILLAGE_ASSISTANT}),
    "todo.public_notice": frozenset({R.VILLAGE_ASSISTANT}),
    "todo.alerts": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK}),
    "todo.submitted": frozenset({R.TOWNSHIP_CLERK}),
    "todo.verifying": frozenset({R.TOWNSHIP_CLERK}),
    "todo.transfers": frozenset({R.TOWNSHIP_CLERK}),
    "todo.reviews": frozenset({R.TOWNSHIP_CLERK, R.COUNTY_OFFICER}),
    "todo.objections": frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER}),
    "todo.to_decide": frozenset({R.TOWNSHIP_APPROVER}),
    "todo.escalations": frozenset({R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    "todo.temporary_county": frozenset({R.COUNTY_OFFICER}),
    "todo.payroll_generate": frozenset({R.COUNTY_OFFICER}),
    "todo.payroll_check": frozenset({R.COUNTY_OFFICER, R.COUNTY_FINANCE}),
    "todo.bank_files": frozenset({R.COUNTY_FINANCE}),
    "todo.policy": frozenset({R.CITY_OFFICER}),
    "todo.alerts_by_county": frozenset({R.CITY_OFFICER}),
    # --- the new lines (issues 14–19); many rows wait for their pages
    # 养老服务 (issue 14)
    "elderly.registry_read": frozenset({R.ELDERLY_OFFICER, R.TOWNSHIP_CLERK, R.CITY_OFFICER}),
    "elderly.assess": frozenset({R.ELDERLY_OFFICER, R.TOWNSHIP_CLERK}),
    "elderly.subsidy_decide": frozenset({R.ELDERLY_OFFICER}),
    "elderly.visit_record": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK, R.VOLUNTEER, R.GRID_WORKER}),
    "elderly.order_take": frozenset({R.ELDERLY_OFFICER, R.TOWNSHIP_CLERK}),
    "elderly.order_serve": frozenset({R.CARER}),
    "elderly.facility_manage": frozenset({R.ELDERLY_OFFICER}),
    "elderly.settle": frozenset({R.ELDERLY_OFFICER, R.COUNTY_FINANCE}),
    # 养老机构 (issue 14 part 4): the registry and residents; carers keep the residents' care records
    "facilities.read": frozenset({R.ELDERLY_OFFICER, R.TOWNSHIP_CLERK, R.CITY_OFFICER, R.AUDITOR, R.CARER}),
    "facilities.care_record": frozenset({R.CARER, R.ELDERLY_OFFICER}),
    "facilities.grant_pay": frozenset({R.COUNTY_FINANCE}),
    "visits.assign": frozenset({R.TOWNSHIP_CLERK}),
    # 儿童福利和未成年人保护 (issue 15): case files only for the assigned worker and supervisors
    "child.registry_read": frozenset({R.CHILD_WELFARE_OFFICER, R.CHILD_SUPERVISOR, R.CHILD_DIRECTOR}),
    "child.category_decide": frozenset({R.CHILD_WELFARE_OFFICER, R.TOWNSHIP_APPROVER}),
    "child.category_intake": frozenset({R.TOWNSHIP_CLERK, R.CHILD_WELFARE_OFFICER}),
    "child.monthly_check": frozenset({R.CHILD_DIRECTOR}),
    "child.case_report": frozenset({R.CHILD_DIRECTOR, R.CHILD_SUPERVISOR, R.CHILD_WELFARE_OFFICER}),
    "child.case_read": frozenset({R.CHILD_DIRECTOR, R.CHILD_SUPERVISOR, R.CHILD_WELFARE_OFFICER}),
    "child.case_handle": frozenset({R.CHILD_SUPERVISOR, R.CHILD_WELFARE_OFFICER}),
    "child.case_supervise": frozenset({R.CHILD_SUPERVISOR, R.CHILD_WELFARE_OFFICER}),
    "child.adoption": frozenset({R.CHILD_WELFARE_OFFICER}),
    "child.case_assign": frozenset({R.CHILD_WELFARE_OFFICER}),
    "child.file_edit": frozenset({R.CHILD_DIRECTOR, R.CHILD_SUPERVISOR, R.CHILD_WELFARE_OFFICER}),
    "child.workforce": frozenset({R.CHILD_WELFARE_OFFICER, R.CHILD_SUPERVISOR}),
    # the charity fund the children's payroll draws from: read (not managed) by who runs and pays it
    "charity.fund_read": frozenset({R.CHILD_WELFARE_OFFICER, R.COUNTY_FINANCE}),
    # 救助资金渠道 (issue 19): county finance keeps the funds (income made and checked by two people), the
    # city reads them; social-assistance services (物质+服务): the township orders, the county settles
    "funds.read": frozenset({R.COUNTY_OFFICER, R.COUNTY_FINANCE, R.CITY_OFFICER, R.AUDITOR}),
    "funds.manage": frozenset({R.COUNTY_OFFICER, R.COUNTY_FINANCE}),
    "assistance.service_order": frozenset({R.TOWNSHIP_CLERK, R.COUNTY_OFFICER}),
    "assistance.service_settle": frozenset({R.COUNTY_OFFICER, R.COUNTY_FINANCE}),
    "disability.subsidy_decide": frozenset({R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    "disability.intake": frozenset({R.TOWNSHIP_CLERK}),
    "disability.read": _CASEWORK | {R.CITY_OFFICER, R.AUDITOR},
    "disability.rehab": _CASEWORK,
    # 特殊困难家庭 (淄博, issue 19) and the tekun file's willingness, insurance and centralisation targets
    "specialfamilies.read": _CASEWORK | _READERS | {R.COUNTY_FINANCE},
    "specialfamilies.record": frozenset({R.TOWNSHIP_CLERK, R.COUNTY_OFFICER}),
    "specialfamilies.grant": frozenset({R.COUNTY_OFFICER}),
    "specialfamilies.care_order": frozenset({R.TOWNSHIP_CLERK, R.COUNTY_OFFICER}),
    "specialfamilies.condolence_prepare": frozenset({R.COUNTY_OFFICER}),
    "specialfamilies.condolence_decide": frozenset({R.COUNTY_OFFICER, R.COUNTY_FINANCE}),
    # 社会事务 (issue 16)
    "vagrant.intake": frozenset({R.SOCIAL_AFFAIRS_OFFICER}),
    "vagrant.tracing": frozenset({R.SOCIAL_AFFAIRS_OFFICER}),
    "vagrant.visit_record": frozenset({R.SOCIAL_AFFAIRS_OFFICER, R.GRID_WORKER, R.VILLAGE_ASSISTANT}),
    "marriage.register": frozenset({R.SOCIAL_AFFAIRS_OFFICER}),
    "funeral.handle": frozenset({R.SOCIAL_AFFAIRS_OFFICER, R.TOWNSHIP_CLERK}),
    "placename.manage": frozenset({R.SOCIAL_AFFAIRS_OFFICER}),
    # 批准 of a naming or renaming: the county's officer, never the one who entered or reviewed it
    "placename.approve": frozenset({R.COUNTY_OFFICER}),
    "placename.read": frozenset(set(R.values) - {R.SYSADMIN}),  # the gazetteer: every staff role
    # 社会组织、慈善、志愿服务 (issue 17): a filer files for its own organisation only
    "org.registry_manage": frozenset({R.ORG_OFFICER}),
    "org.filing_submit": frozenset({R.ORG_FILER}),
    "org.filing_review": frozenset({R.ORG_OFFICER}),
    "org.inspect": frozenset({R.ORG_OFFICER}),
    "charity.manage": frozenset({R.ORG_OFFICER}),
    "volunteer.activity_manage": frozenset({R.ORG_OFFICER, R.ORG_FILER}),
    "volunteer.hours_own": frozenset({R.VOLUNTEER}),
    "volunteer.read": frozenset({R.ORG_OFFICER, R.ORG_FILER, R.COUNTY_OFFICER, R.CITY_OFFICER, R.AUDITOR}),
    "socialwork.manage": frozenset({R.ORG_OFFICER}),
    "socialwork.read": frozenset({R.ORG_OFFICER, R.COUNTY_OFFICER, R.CITY_OFFICER, R.AUDITOR}),
    # 基层治理 (issue 18): a grid worker sees the households of their grid
    "grid.households_read": frozenset({R.GRID_WORKER, R.TOWNSHIP_CLERK}),
    "grid.incident_report": frozenset({R.GRID_WORKER}),
    "grid.incident_handle": frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER}),
    # 基层治理 (issue 18 part 1): grids, community workers, one-window desk, experimental zones
    "governance.read": frozenset(
        {R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER, R.CITY_OFFICER, R.AUDITOR}
    ),
    "governance.grid_manage": frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    "governance.worker_manage": frozenset({R.TOWNSHIP_CLERK, R.COUNTY_OFFICER}),
    "governance.pay_table_manage": frozenset({R.CITY_OFFICER}),
    "governance.window_take": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK}),
    "governance.zone_manage": frozenset({R.COUNTY_OFFICER, R.CITY_OFFICER}),
    "governance.catalogue_manage": frozenset({R.COUNTY_OFFICER, R.CITY_OFFICER}),
    # 村务公开、问题台账、明查暗访、议事协商 (issue 18 part 2): the village publishes and records, the
    # township answers, inspects and reviews; county and city read
    "villageaffairs.read": _CASEWORK | _READERS,
    "villageaffairs.publish": frozenset({R.VILLAGE_ASSISTANT}),
    "villageaffairs.question_record": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK}),
    "villageaffairs.question_handle": frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER}),
    "villageaffairs.inspect": frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER, R.COUNTY_OFFICER}),
    "villageaffairs.rectify": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK}),
    "villageaffairs.deliberate": frozenset({R.VILLAGE_ASSISTANT}),
    "villageaffairs.deliberation_review": frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER}),
    "villageaffairs.cadre_review": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER}),
    "villageaffairs.catalogue_manage": frozenset({R.COUNTY_OFFICER, R.CITY_OFFICER}),
    # 信用积分、信用超市与基金、移风易俗 (issue 18): the village records, another person at the
    # township checks
    "credit.read": frozenset(
        {
            R.VILLAGE_ASSISTANT,
            R.TOWNSHIP_CLERK,
            R.TOWNSHIP_APPROVER,
            R.COUNTY_OFFICER,
            R.CITY_OFFICER,
            R.AUDITOR,
        }
    ),
    "credit.rules": frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER}),
    "credit.rule_adjust": frozenset({R.VILLAGE_ASSISTANT}),
    "credit.record": frozenset({R.VILLAGE_ASSISTANT, R.TOWNSHIP_CLERK}),
    "credit.approve": frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_APPROVER}),
    "credit.store": frozenset({R.VILLAGE_ASSISTANT}),
    "credit.customs": frozenset({R.VILLAGE_ASSISTANT}),
    # 民政驾驶舱 and plan targets (issue 20): leaders read (auditors read-only); the system stores a month's
    # figures, a city officer recomputes one; the city enters the targets the system holds no data for
    "cockpit.read": frozenset({R.CITY_OFFICER, R.COUNTY_OFFICER, R.AUDITOR}),
    "cockpit.compute": frozenset({R.CITY_OFFICER, SYSTEM}),
    "cockpit.target_enter": frozenset({R.CITY_OFFICER}),
    # 统计报表 (issue 20): county and city bureaus generate and file their reports upward; auditors read
    "statistics.read": frozenset({R.CITY_OFFICER, R.COUNTY_OFFICER, R.AUDITOR}),
    "statistics.generate": frozenset({R.CITY_OFFICER, R.COUNTY_OFFICER}),
    "statistics.file": frozenset({R.CITY_OFFICER, R.COUNTY_OFFICER}),
    "mobile.field": frozenset({R.VILLAGE_ASSISTANT, R.CHILD_DIRECTOR, R.CARER, R.GRID_WORKER, R.VOLUNTEER}),
}

# What a person reads for each permission (audit rows, the auditor's home, refusals).
LABELS: dict[str, str] = {
    "assistance.intake": "救助申请受理",
    "people.transfer": "迁入（转移）申请",
    "people.register_unidentified": "登记无身份人员",
    "people.merge": "提出无身份人员身份合并",
    "people.merge_approve": "复核无身份人员身份合并",
    "assistance.process": "救助申请经办（核对、入户调查）",
    "assistance.decide": "救助审批",
    "assistance.escalation_decide": "提级复审决定",
    "assistance.escalation_request": "申请提级复审",
    "assistance.objection_resolve": "公示异议处理",
    "assistance.decide_county": "县级审批（超过乡镇审批权限的救助）",
    "assistance.refer": "跟踪转介",
    "assistance.review_open": "发起定期核查",
    "verification.read": "查看核对报告",
    "payroll.view": "查看发放名册",
    "payroll.generate": "生成发放名册",
    "payroll.freeze": "审核冻结发放名册",
    "payroll.adjust": "发放更正",
    "payroll.bank_file": "下载银行代发文件",
    "payroll.adjust_approve": "复核发放更正",
    "students.read": "查看大学生全程资助",
    "students.enrol": "大学生全程资助登记",
    "students.check": "大学生学籍学期核查",
    "students.decide": "大学生学年资助决定",
    "students.approve": "复核大学生学年资助",
    "integrity.read": "查看诚信救助记录",
    "integrity.commit": "登记诚信承诺书",
    "integrity.find": "认定虚报、登记追回",
    "integrity.recover_approve": "复核诚信救助追回",
    "integrity.sample": "抽查乡镇低保、特困审批决定",
    "payee.set": "登记收款账户",
    "payee.approve": "复核他人名下收款账户",
    "policy.propose": "提出政策参数调整",
    "policy.approve": "复核政策参数调整",
    "policy.consumption": "查看低保标准与消费支出挂钩测算",
    "exchange.import": "导入数据交换快照",
    "people.read": "查看人员信息",
    "assistance.read": "查看社会救助案件",
    "alert.read": "查看监测预警",
    "elderly.read": "查看高龄津贴名册",
    "children.read": "查看儿童保障名册",
    "audit.read": "查阅审计日志",
    "users.manage": "管理用户与令牌",
    "users.manage_auditors": "管理审计人员账号",
    "exchange.view": "查看数据交换快照",
    "exchange.upload": "上传数据交换快照",
    "people.import": "导入人口信息",
    "enrolment.import": "导入保障对象名册",
    "verification.run": "开展家庭经济状况核对",
    "screening.run": "运行全市动态监测",
    "screening.auto_act": "动态监测自动办理",
    "alert.handle": "办理监测预警",
    "alert.refer": "预警转介与发起核查",
    "letter.print": "生成决定书和通知书",
    "todo.drafts": "待办：草稿申请",
    "todo.village_review": "待办：待村级评议",
    "todo.public_notice": "待办：公示中",
    "todo.alerts": "待办：监测预警",
    "todo.submitted": "待办：待受理",
    "todo.verifying": "待办：核对中",
    "todo.transfers": "待办：迁入申请",
    "todo.reviews": "待办：到期待核查",
    "todo.objections": "待办：公示异议",
    "todo.to_decide": "待办：待审批",
    "todo.escalations": "待办：提级复审",
    "todo.temporary_county": "待办：临时救助待县级审批",
    "todo.payroll_generate": "待办：待生成发放名册",
    "todo.payroll_check": "待办：待审核发放名册",
    "todo.bank_files": "待办：银行代发文件",
    "todo.policy": "待办：政策参数调整",
    "todo.alerts_by_county": "待办：各县预警",
    "elderly.registry_read": "查看老年人数据库",
    "elderly.assess": "老年人能力评估",
    "elderly.subsidy_decide": "养老补贴审批",
    "elderly.visit_record": "登记探访关爱",
    "elderly.order_take": "受理居家服务订单",
    "elderly.order_serve": "居家服务签到签退",
    "elderly.facility_manage": "养老机构管理",
    "elderly.settle": "居家服务结算",
    "facilities.read": "查看养老机构",
    "facilities.care_record": "登记院内照护记录",
    "facilities.grant_pay": "养老项目补助拨付",
    "visits.assign": "指派探访关爱人员",
    "child.registry_read": "查看儿童档案",
    "child.category_decide": "儿童保障类别认定",
    "child.category_intake": "受理儿童保障类别认定申请",
    "child.monthly_check": "儿童月度核查",
    "child.case_report": "登记未成年人保护报告",
    "child.case_read": "查阅未成年人保护个案",
    "child.case_handle": "办理未成年人保护个案",
    "child.case_supervise": "督导未成年人保护个案",
    "child.adoption": "收养登记",
    "child.case_assign": "分派未成年人保护个案",
    "child.file_edit": "维护儿童档案",
    "child.workforce": "管理儿童工作队伍和儿童之家",
    "charity.fund_read": "查看发放名册支取的慈善基金",
    "funds.read": "查看救助资金收支",
    "funds.manage": "管理救助资金（收入登记与复核、默认资金来源）",
    "assistance.service_order": "社会救助服务类派单",
    "assistance.service_settle": "社会救助服务类结算",
    "disability.subsidy_decide": "残疾人两项补贴审批",
    "disability.intake": "残疾人两项补贴受理",
    "disability.read": "查看残疾人两项补贴",
    "disability.rehab": "社区康复与辅具租借",
    "specialfamilies.read": "查看特殊困难家庭",
    "specialfamilies.record": "登记特殊困难家庭、特困人员供养意愿与保险",
    "specialfamilies.grant": "发放特殊困难家庭救助待遇",
    "specialfamilies.care_order": "为特殊困难家庭人员下单照护服务",
    "specialfamilies.condolence_prepare": "编制节日慰问金名单",
    "specialfamilies.condolence_decide": "审定节日慰问金名单",
    "vagrant.intake": "流浪乞讨人员救助登记",
    "vagrant.tracing": "寻亲",
    "vagrant.visit_record": "登记走访（244台账）",
    "marriage.register": "婚姻登记",
    "funeral.handle": "办理身后一件事",
    "placename.manage": "地名管理",
    "placename.approve": "批准地名命名更名",
    "placename.read": "查询地名",
    "org.registry_manage": "社会组织登记管理",
    "org.filing_submit": "填报社会组织年报",
    "org.filing_review": "审核社会组织年报",
    "org.inspect": "社会组织评估与抽查",
    "charity.manage": "慈善组织与募捐管理",
    "volunteer.activity_manage": "管理志愿服务活动",
    "volunteer.hours_own": "查看和使用本人志愿时长",
    "volunteer.read": "查阅志愿者和志愿服务活动",
    "socialwork.manage": "管理社工站、持证社工和社会工作服务记录",
    "socialwork.read": "查阅社会工作",
    "grid.households_read": "查看网格内住户",
    "grid.incident_report": "上报网格事件",
    "grid.incident_handle": "办理网格事件",
    "governance.read": "查看基层治理台账",
    "governance.grid_manage": "管理网格、网格员、楼栋长与住户落格",
    "governance.worker_manage": "管理社区工作者与培训",
    "governance.pay_table_manage": "维护社区工作者“三岗十八级”薪酬表",
    "governance.window_take": "一窗受理登记",
    "governance.zone_manage": "管理社区治理实验区",
    "governance.catalogue_manage": "维护网格事件类别",
    "villageaffairs.read": "查看村务公开与问题台账",
    "villageaffairs.publish": "公开村务事项",
    "villageaffairs.question_record": "登记村民质询问题",
    "villageaffairs.question_handle": "交办、答复和销号村民问题",
    "villageaffairs.inspect": "村务公开明查暗访",
    "villageaffairs.rectify": "登记村务公开整改",
    "villageaffairs.deliberate": "村级议事协商",
    "villageaffairs.deliberation_review": "审查议事协商议题",
    "villageaffairs.cadre_review": "村干部述职评议",
    "villageaffairs.catalogue_manage": "维护村务公开目录",
    "credit.read": "查看信用积分与移风易俗",
    "credit.rules": "制定乡镇积分规则模板",
    "credit.rule_adjust": "调整本村积分规则",
    "credit.record": "登记信用积分",
    "credit.approve": "审核信用积分与信用基金收支",
    "credit.store": "信用超市兑换与基金登记",
    "credit.customs": "红白理事会与红白事报备",
    "cockpit.read": "查看民政驾驶舱与规划目标",
    "cockpit.compute": "汇总民政驾驶舱月度指标",
    "cockpit.target_enter": "登记规划目标数值",
    "statistics.read": "查看统计报表",
    "statistics.generate": "生成统计报表",
    "statistics.file": "报出统计报表",
    "mobile.field": "掌上办：手机底部导航与离线登记",
}

_pending = threading.local()


class Denied(Refusal):
    """A refusal by the matrix or by region scope; carries what the audit row needs."""

    def __init__(self, message: str, *, permission: str, region_code: str, target: str) -> None:
        super().__init__(message)
        self.permission = permission
        self.region_code = region_code
        self.target = target


def roles_for(permission: str) -> frozenset[str]:
    try:
        return PERMISSIONS[permission]
    except KeyError:  # a typo must not silently grant or deny
        raise LookupError(f"未定义的权限：{permission}") from None


def can(actor: Any, permission: str, *, region_code: str | None = None) -> bool:
    """Whether `actor` holds `permission` (and, given a region, has it in scope). No audit: for showing."""
    roles = roles_for(permission)
    if actor_prefix(actor) is None or getattr(actor, "role", "") not in roles:
        return False
    return region_code is None or in_scope(actor, region_code)


def require(actor: Any, permission: str, *, region_code: str | None = None, target: str = "") -> None:
    """Refuse unless `actor` holds `permission` in `region_code`; the refusal is audited as DENIED."""
    require_actor(actor)  # nobody is not the system: automatic work passes `system_actor(purpose=...)`
    if can(actor, permission, region_code=region_code):
        return
    roles = roles_for(permission)
    if actor_prefix(actor) is not None and getattr(actor, "role", "") in roles:
        message = "该事项不在您的管辖范围内"
    else:
        labels = "、".join(str(Role(r).label) if r in Role.values else "系统" for r in sorted(roles))
        message = f"只有{labels}可以办理此事项"
    denial = Denied(message, permission=permission, region_code=region_code or "", target=target)
    _record(actor, denial)
    raise denial


def _record(actor: Any, denial: Denied) -> None:
    entry = (actor, denial.permission, denial.region_code, denial.target)
    # Written now, in whatever transaction is open; if that transaction rolls back with the refusal, the
    # row goes with it, so it is remembered and `flush_denials` writes it again once the rollback is over.
    row = _write(entry)
    if connection.in_atomic_block:
        if not hasattr(_pending, "rows"):
            _pending.rows = []
        _pending.rows.append((entry, row.pk, row.hash))


def flush_denials() -> int:
    """Write again the DENIED rows that a refused transaction rolled back. Called by the middleware after
    each request (and by tests); returns how many rows were written."""
    from minzheng.audit.models import AuditLog

    kept = getattr(_pending, "rows", [])
    _pending.rows = []
    # (pk, hash): on SQLite a rolled-back row's pk is reused by the next insert; its chain hash is not.
    present = set(AuditLog.objects.filter(pk__in=[pk for _, pk, _ in kept]).values_list("pk", "hash"))
    lost = [entry for entry, pk, digest in kept if (pk, digest) not in present]
    for entry in lost:
        _write(entry)
    return len(lost)


def _write(entry: tuple[Any, str, str, str]) -> Any:
    from minzheng.audit.models import AuditEvent
    from minzheng.audit.services import audit_record

    actor, permission, region_code, target = entry
    return audit_record(
        actor=actor,
        event_type=AuditEvent.DENIED,
        target_type=permission,
        target_id=target,
        region_code=region_code,
        outcome="denied",
        detail=f"拒绝：{permission}",
    )


class DenialAuditMiddleware:
    """Writes the DENIED rows of a request once its transactions are over (a refused service rolls back)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        _pending.rows = []
        response = self.get_response(request)
        flush_denials()
        return response


def scoped(permission: str, qs: QuerySet[M], actor: Any, *, field: str = "region_code") -> QuerySet[M]:
    """The region scope of an object type that is read under a permission: nothing at all for an actor
    without it (its pages then answer like an empty region; a record reads as missing, 404)."""
    return scope(qs, actor, field=field) if can(actor, permission) else qs.none()
