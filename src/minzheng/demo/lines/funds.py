"""救助资金 demo data, written through the funds services by the demo county finance (caiwu) and checked by
the county officer (xianji): the county's funds by source (fiscal budget, lottery, social money, and the
charity line's “济时救” fund when it is open), confirmed allocations and donations over the last months, one
income still waiting for its check (the 首页 to-do), and the default fund of each payable programme and of
the social-assistance services, so the next checked payroll and each temporary grant carry their fund."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from minzheng.benefits.models import PayrollLine, PayrollRun, PayrollStatus
from minzheng.funds import services
from minzheng.funds.models import Fund, FundEntry
from minzheng.funds.selectors import SERVICE
from minzheng.programmes.registry import programmes


def seed(*, actor: Any, seed: int) -> str:
    if Fund.objects.exists():
        return "救助资金：演示数据已存在"
    users = get_user_model().objects.select_related("region")
    finance, checker = users.filter(username="caiwu").first(), users.filter(username="xianji").first()
    if finance is None or checker is None or finance.region is None:
        return "救助资金：缺少演示账号caiwu或xianji，跳过"
    county = finance.region.code[:6]
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    today = timezone.localdate()
    plan = [
        (
            "城乡低保和特困供养资金",
            "budget",
            ("中央和省级困难群众救助补助资金", "区级财政配套资金"),
            2_400_000,
        ),
        ("福彩公益金社会救助资金", "lottery", ("福彩公益金分配", "福彩公益金分配"), 300_000),
        ("社会救助社会资金", "social", ("企业捐赠", "爱心人士捐赠"), 80_000),
    ]
    funds = {}
    for name, source, notes, base in plan:
        fund = services.fund_create(actor=finance, name=name, source=source, county_code=county)
        funds[source] = fund
        for back, note in zip((75, 20), notes, strict=True):
            entry = services.income_record(
                actor=finance,
                fund=fund,
                amount=base * rng.randint(90, 110) // 100,
                income_kind="donation" if source == "social" else "allocation",
                booked_on=today - dt.timedelta(days=back),
                note=note,
            )
            services.income_confirm(actor=checker, entry=entry)
    services.income_record(
        actor=finance,
        fund=funds["budget"],
        amount=600_000,
        income_kind="allocation",
        booked_on=today,
        note="第四季度困难群众救助补助资金（待复核）",
    )
    from minzheng.charity.selectors import fund_balance

    if fund_balance(fund_code="jishijiu") is not None:
        funds["charity"] = services.fund_create(
            actor=finance,
            name="“济时救”救助基金",
            source="charity",
            county_code=county,
            charity_fund_code="jishijiu",
        )
    payable = [p.code for p in programmes() if p.payable]
    for code in payable:
        fund = funds["charity"] if code == "temporary" and "charity" in funds else funds["budget"]
        services.fund_default_set(actor=finance, programme_code=code, county_code=county, fund=fund)
    services.fund_default_set(
        actor=finance, programme_code=SERVICE, county_code=county, fund=funds["lottery"]
    )
    # A roll the lines before this one already checked (the elderly demo's month) found no default fund:
    # it is booked now on its programmes' defaults, so the fund's 支出 shows what the cockpit shows paid.
    booked = FundEntry.objects.filter(reference__startswith="payroll:").values("reference")
    frozen = PayrollRun.objects.filter(county_code=county, status=PayrollStatus.FROZEN)
    for run in frozen.exclude(pk__in=[int(r["reference"].split(":")[1]) for r in booked]).order_by("month"):
        services.payroll_fund(actor=finance, run=run, lines=PayrollLine.objects.filter(run=run))
    return f"救助资金：{len(funds)}项资金，{len(payable) + 1}个项目设定默认资金来源，1笔收入待复核"
