"""Printable verification report (核对报告) for the paper file."""

from __future__ import annotations

from minzheng.core.pdf import ChineseDocument

from .models import VerificationReport


def report_pdf(report: VerificationReport) -> bytes:
    app = report.application
    doc = ChineseDocument("家庭经济状况核对报告")
    doc.kv(
        [
            ("申请", f"{app.get_programme_display()}申请#{app.pk}（户{app.household.number}）"),
            ("数据月份", f"{report.snapshot_month}（快照 {report.snapshot_sha[:12]}）"),
            ("规则版本", report.rule_version),
            ("核对结论", report.get_conclusion_display()),
            ("困难指数", f"{report.difficulty_index}（{report.difficulty_detail.get('band', '')}）"),
            ("核对时间", f"{report.created_at:%Y-%m-%d %H:%M}"),
        ]
    )
    doc.para("一、政策检验", size=13)
    for t in report.tests:
        doc.para(
            f"【{t['verdict']}】{t['detail']}（数据来源：{'、'.join(t['sources']) or '—'}）{t['note']}",
            size=11,
        )
    doc.para("二、成员核对结果", size=13)
    for m in report.members:
        lines = [
            f"{m['name']}（{m['id_number']}，{m['relation']}）{'已故 ' + m['died'] if m['died'] else ''}",
            f"工资{m['wages']:.2f}元；养老金{m['pension']:.2f}元；失业金{m['unemployment']:.2f}元；"
            f"存款{m['deposits']:.2f}元；证券{m['securities']:.2f}元；保险现金价值{m['insurance']:.2f}元；"
            f"医疗自付{m['medical_oop']:.2f}元",
            f"车辆{len(m['vehicles'])}辆；不动产{len(m['real_estate'])}处；工商登记{len(m['businesses'])}户；"
            f"残疾{(str(m['disability']['grade']) + '级') if m['disability'] else '无'}；"
            f"在校{'、'.join(m['education']) or '无'}",
        ]
        doc.para("\n".join(lines), size=10, height=6)
    doc.para("三、申报与核对比较", size=13)
    for c in report.declared_vs_verified:
        flag = "（申报少于核对结果）" if c["under_declared"] else ""
        doc.para(f"{c['item']}：申报{c['declared']:.2f}元，核对{c['verified']:.2f}元{flag}", size=11)
    if report.missing_sources:
        doc.para("本月未报送的数据源：" + "、".join(report.missing_sources), size=11)
    doc.para("（本报告由民政综合业务平台依据13个部门16项数据生成，仅用于社会救助审核）", size=9)
    return doc.render()
