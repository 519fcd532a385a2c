"""Printable verification report (核对报告) for the paper file: every label in Chinese, amounts as people
write them, the household's region by name."""

from __future__ import annotations

from django.utils import timezone, translation

from minzheng.assistance.letters import BEIJING
from minzheng.core.labels import number, region_name, rule_version_label
from minzheng.core.pdf import ChineseDocument

from .display import report_display
from .models import VerificationReport


def report_document(report: VerificationReport) -> ChineseDocument:
    with translation.override("zh-hans"):
        return _report_document(report)


def report_pdf(report: VerificationReport) -> bytes:
    return report_document(report).render()


def _report_document(report: VerificationReport) -> ChineseDocument:
    app = report.application
    view = report_display(report)
    doc = ChineseDocument("家庭经济状况核对报告")
    created = timezone.localtime(report.created_at, BEIJING)
    doc.kv(
        [
            ("申请", f"{app.get_programme_display()}申请第{app.pk}号（户号{app.household.number}）"),
            ("受理地", region_name(app.region_code, full=True)),
            ("数据月份", f"{report.snapshot_month[:4]}年{int(report.snapshot_month[5:7])}月"),
            ("核对结论", report.get_conclusion_display()),
            ("困难指数", f"{report.difficulty_index}（{view['band']}）"),
            ("核对时间", f"{created:%Y年%m月%d日 %H:%M}（北京时间）"),
        ]
    )
    for w in view["warnings"]:
        doc.para(f"提示：{w}", size=11)
    doc.para("一、政策检验", size=13)
    for t in view["tests"]:
        sources = "、".join(t["sources"]) or "—"
        note = f"（{t['note']}）" if t["note"] else ""
        doc.para(f"【{t['label']}：{t['verdict']}】{t['detail']}{note}（数据来源：{sources}）", size=11)
    if view["points"]:
        doc.para(
            "困难指数构成：" + "；".join(f"{label}{number(v)}分" for label, v in view["points"]), size=10
        )
    doc.para("二、成员核对结果", size=13)
    for m in view["members"]:
        died = f" 已故（{m['died']}）" if m["died"] else ""
        lines = [
            f"{m['name']}（{m['relation']}，身份证号{m['id_number']}）{died}",
            f"工资{m['wages']}；养老金{m['pension']}；失业金{m['unemployment']}；存款{m['deposits']}；"
            f"证券{m['securities']}；保险现金价值{m['insurance']}；医疗自付{m['medical_oop']}",
            f"车辆{m['vehicles']}辆；不动产{m['real_estate']}处；工商登记{m['businesses']}户；"
            f"残疾：{m['disability']}；在校：{m['education']}",
        ]
        doc.para("\n".join(lines), size=10, height=6)
    doc.para("三、申报与核对比较", size=13)
    for c in view["comparisons"]:
        flag = "（申报少于核对结果）" if c["under_declared"] else ""
        doc.para(f"{c['item']}：申报{c['declared']}，核对{c['verified']}{flag}", size=11)
    if view["missing_sources"]:
        doc.para("本月未报送的数据源：" + "、".join(view["missing_sources"]), size=11)
    doc.para(
        "（本报告由民政综合业务平台依据13个部门16项数据生成，仅用于社会救助审核 · "
        f"{rule_version_label(report.rule_version)}）",
        size=9,
    )
    return doc
