"""主动告知: the decision notice letter (审批决定通知书) and the review letter. A letter states only what
happened to this case: the steps it actually went through (from its records), the payment form of its
programme (临时救助 once, 低保/特困 monthly), the issuing office by name with its 文号 and seal position,
the appeal route (《行政复议法》60 days, 《行政诉讼法》6 months), and dates in Beijing time. Region-scoped
callers only; the letter shows masked ID numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone, translation

from minzheng.assistance.numbering import document_number_issue
from minzheng.core.labels import amount as yuan
from minzheng.core.labels import humanise, region_name, rule_version_label
from minzheng.core.pdf import ChineseDocument
from minzheng.regions.models import Region

from .models import Decision, Escalation, HomeVisit, Programme, PublicNotice, Review, VillageReview

BEIJING = ZoneInfo("Asia/Shanghai")
MONTHLY = (Programme.DIBAO, Programme.TEKUN)


def beijing_date(moment: dt.datetime) -> dt.date:
    """The calendar date in Beijing: an approval at 20:29 UTC on the 29th is the 30th."""
    return timezone.localtime(moment, BEIJING).date()


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_month(d: dt.date) -> str:
    return f"{d.year}年{d.month}月"


@dataclass(frozen=True)
class Office:
    """The authority that issues a letter: the approving township government / street office, or the
    county civil-affairs bureau."""

    code: str
    name: str
    prefix: str  # of the 文号: 任民救, 王凫政救, 王邹办救
    county_name: str


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise LookupError(f"区划{code}不在区划表中，不能确定发文机关")
    return region


def issuing_office(*, region_code: str, level: str) -> Office:
    county = _region(region_code[:6])
    if level == "county" or len(region_code) < 9:
        return Office(county.code, f"{county.name}民政局", f"{county.name[0]}民救", county.name)
    town = _region(region_code[:9])
    if town.name.endswith("街道"):
        return Office(town.code, f"{town.name}办事处", f"{town.name[:-2]}办救", county.name)
    short = town.name[:-1] if town.name.endswith(("镇", "乡")) else town.name
    return Office(town.code, f"{town.name}人民政府", f"{short}政救", county.name)


def case_steps(decision: Decision) -> list[str]:
    """The procedure this case really went through, in order, from its records — never a stock phrase."""
    app = decision.application
    steps = []
    if app.verifications.filter(created_at__lte=decision.decided_at).exists():
        steps.append("家庭经济状况核对")
    if HomeVisit.objects.filter(application=app).exists():
        steps.append("入户调查")
    if VillageReview.objects.filter(application=app).exists():
        steps.append("民主评议")
    if PublicNotice.objects.filter(application=app).exists():
        steps.append("公示")
    if Escalation.objects.filter(county_decision=decision).exists():
        steps.append("县级提级复审")
    return steps


def _steps_phrase(steps: list[str]) -> str:
    if not steps:
        return "经审核"
    if len(steps) == 1:
        return f"经{steps[0]}"
    return f"经{'、'.join(steps[:-1])}和{steps[-1]}"


def payment_text(decision: Decision) -> str:
    app = decision.application
    if app.programme in MONTHLY:
        start = f"自{cn_month(decision.first_month)}起" if decision.first_month else ""
        if app.programme == Programme.TEKUN:
            parts = decision.result or {}
            detail = ""
            if "basic_living" in parts and "care_standard" in parts:
                detail = (
                    f"（基本生活费{yuan(parts['basic_living'])}、照料护理费{yuan(parts['care_standard'])}）"
                )
            return (
                f"月救助供养金额{yuan(decision.monthly_amount)}{detail}，{start}按月发放。"
                if start
                else f"月救助供养金额{yuan(decision.monthly_amount)}{detail}，按月发放。"
            )
        return (
            f"保障人数{decision.members_covered}人，月保障金额{yuan(decision.monthly_amount)}，"
            f"{start}按月发放。"
        )
    when = f"于{cn_month(decision.first_month)}" if decision.first_month else ""
    return f"给予临时救助金{yuan(decision.monthly_amount)}，{when}一次性发放。"


def appeal_text(office: Office, *, what: str = "本决定") -> str:
    # 《行政复议法》(2023) 第二十条、第二十四条: 60 days; a township government's act goes to the county
    # government one level up, a county department's act to the government of its own level.
    # 《行政诉讼法》第四十六条: 6 months from knowing of the act.
    organ = f"{office.county_name}人民政府"
    return (
        f"如对{what}不服，可以自收到本通知书之日起60日内向{organ}申请行政复议，"
        "也可以自收到本通知书之日起6个月内依法向人民法院提起行政诉讼"
        "（依据《中华人民共和国行政复议法》《中华人民共和国行政诉讼法》）。"
    )


def _override_text(decision: Decision) -> str:
    if not getattr(decision, "verification_override", False):
        return ""
    report = decision.application.verifications.filter(created_at__lte=decision.decided_at).first()
    conclusion = f"“{report.get_conclusion_display()}”" if report else ""
    why = (getattr(decision, "override_reasons", "") or "").strip()
    return (
        f"本决定与家庭经济状况核对结论{conclusion}不一致，系审批机关经复核后作出"
        + (f"，理由：{why}" if why else "")
        + "。"
    )


def decision_letter(decision: Decision, *, actor: Any) -> bytes:
    return decision_letter_document(decision, actor=actor).render()


def decision_letter_document(decision: Decision, *, actor: Any) -> ChineseDocument:
    with translation.override("zh-hans"):
        return _decision_letter(decision, actor)


def _decision_letter(decision: Decision, actor: Any) -> ChineseDocument:
    app = decision.application
    programme = app.get_programme_display()
    granted = decision.outcome == "grant"
    office = issuing_office(region_code=app.region_code, level=decision.level)
    decided_on = beijing_date(decision.decided_at)
    number = document_number_issue(
        actor=actor,
        target=f"decision:{decision.pk}",
        office_code=office.code,
        office_name=office.name,
        prefix=office.prefix,
        year=decided_on.year,
    )
    doc = ChineseDocument(f"{programme}审批决定通知书")
    doc.line_center(number.number, size=12)
    doc.ln(4)
    doc.para(f"{app.applicant.name}（身份证号{app.applicant.id_masked}）：")
    applied = beijing_date(app.submitted_at or app.created_at)
    steps = _steps_phrase(case_steps(decision))
    if granted:
        doc.para(
            f"您于{cn_date(applied)}提出的{programme}申请，{steps}，本机关决定予以批准。{payment_text(decision)}"
        )
    else:
        doc.para(f"您于{cn_date(applied)}提出的{programme}申请，{steps}，本机关决定不予批准。")
    override = _override_text(decision)
    if override:
        doc.para(override)
    doc.para("理由及依据：" + humanise(decision.reasons))
    doc.kv(
        [
            ("审批机关", office.name),
            ("审批日期", cn_date(decided_on)),
            ("受理地", region_name(app.region_code, full=True)),
        ]
    )
    doc.ln(2)
    doc.para(appeal_text(office), size=11)
    if not granted:
        doc.para(
            "对不予批准的决定，也可以向乡镇（街道）社会救助窗口申请提级复审，由县级民政部门复核。", size=11
        )
    doc.para("咨询电话：12345。", size=11)
    doc.seal(office.name, cn_date(decided_on))
    doc.para(f"（此件由民政综合业务平台生成 · {rule_version_label(decision.rule_version)}）", size=8)
    return doc


def review_letter(review: Review, *, actor: Any) -> bytes:
    return review_letter_document(review, actor=actor).render()


def review_letter_document(review: Review, *, actor: Any) -> ChineseDocument:
    with translation.override("zh-hans"):
        return _review_letter(review, actor)


def _review_letter(review: Review, actor: Any) -> ChineseDocument:
    e = review.enrolment
    # The office that decided the review issues its letter: a county officer's stop is the county's.
    decider_region = getattr(getattr(review.decided_by, "region", None), "code", "")
    level = "county" if decider_region and len(decider_region) <= 6 else "township"
    office = issuing_office(region_code=review.region_code, level=level)
    decided_on = beijing_date(review.decided_at or timezone.now())
    number = document_number_issue(
        actor=actor,
        target=f"review:{review.pk}",
        office_code=office.code,
        office_name=office.name,
        prefix=office.prefix,
        year=decided_on.year,
    )
    doc = ChineseDocument("社会救助核查结果告知书")
    doc.line_center(number.number, size=12)
    doc.ln(4)
    doc.para(f"{e.person.name}（身份证号{e.person.id_masked}）：")
    doc.para(
        f"经定期核查，您家庭的{e.get_programme_display()}核查结论为：{review.get_outcome_display()}。"
        + (f"调整后月保障金额{yuan(review.new_amount)}，按月发放。" if review.new_amount else "")
        + (f"待遇发放至{cn_month(e.last_month)}。" if e.last_month else "")
    )
    doc.para("理由：" + humanise(review.reasons))
    doc.para(appeal_text(office, what="本核查结论"), size=11)
    doc.para("对核查结论有异议的，也可以向乡镇（街道）社会救助窗口申请提级复审。", size=11)
    doc.seal(office.name, cn_date(decided_on))
    return doc
