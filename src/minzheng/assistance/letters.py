"""主动告知: the decision notice letter (审批决定通知书) — decision, amount, reasons and how to ask for
re-review (提级复审, seed 003). Region-scoped callers only; the letter shows masked ID numbers."""

from __future__ import annotations

from minzheng.core.pdf import ChineseDocument

from .models import Decision, Review


def decision_letter(decision: Decision) -> bytes:
    app = decision.application
    programme = app.get_programme_display()
    granted = decision.outcome == "grant"
    doc = ChineseDocument(f"{programme}审批决定通知书")
    doc.para(f"{app.applicant.name}（身份证号{app.applicant.id_masked}）：")
    if granted:
        start = f"{decision.first_month:%Y年%m月}" if decision.first_month else ""
        doc.para(
            f"您于{app.created_at:%Y年%m月%d日}提出的{programme}申请，经家庭经济状况核对、入户调查、民主评议和公示，"
            f"决定予以批准。保障人数{decision.members_covered}人，月保障金额{decision.monthly_amount}元，"
            f"自{start}起按月发放。"
        )
    else:
        doc.para(f"您于{app.created_at:%Y年%m月%d日}提出的{programme}申请，经审核，决定不予批准。")
    doc.para("理由及依据：" + decision.reasons)
    doc.kv(
        [
            ("审批层级", "县级民政部门" if decision.level == "county" else "乡镇人民政府（街道办事处）"),
            ("审批日期", f"{decision.decided_at:%Y年%m月%d日}"),
            ("规则版本", decision.rule_version),
            ("受理地", app.household.region.full_name),
        ]
    )
    doc.para(
        "如对本决定有异议，可自收到本通知之日起向乡镇（街道）社会救助窗口申请提级复审，由县级民政部门复核；"
        "也可依法申请行政复议或提起行政诉讼。咨询电话：12345。",
        size=11,
    )
    doc.para("（此件由民政综合业务平台生成）", size=9)
    return doc.render()


def review_letter(review: Review) -> bytes:
    e = review.enrolment
    doc = ChineseDocument("社会救助核查结果告知书")
    doc.para(f"{e.person.name}（身份证号{e.person.id_masked}）：")
    doc.para(
        f"经定期核查，您家庭的{e.get_programme_display()}核查结论为：{review.get_outcome_display()}。"
        + (f"调整后月保障金额{review.new_amount}元。" if review.new_amount else "")
        + (f"待遇发放至{e.last_month:%Y年%m月}。" if e.last_month else "")
    )
    doc.para("理由：" + review.reasons)
    doc.para("如对核查结论有异议，可向乡镇（街道）社会救助窗口申请提级复审。", size=11)
    return doc.render()
