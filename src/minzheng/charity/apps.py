from django.apps import AppConfig


class CharityConfig(AppConfig):
    name = "minzheng.charity"
    verbose_name = "慈善与福彩公益金"

    def ready(self) -> None:
        from minzheng.benefits.funding import register_payroll_funding
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors, services
        from .rules import PAYROLL_FUNDS

        # The funds pay their share of a programme's payroll when the roll is checked (benefits calls us).
        for programme, _tier in PAYROLL_FUNDS:
            register_payroll_funding(programme, services.payroll_fund_draw)
        register_line(
            Line(
                code="charity",
                name="慈善",
                app_label=self.label,
                urls="minzheng.charity.urls",
                url_prefix="charity",
                api="minzheng.charity.api:router",
                api_prefix="charity",
                nav=(
                    NavEntry("慈善", "charity-projects", "charity.manage", order=60),
                    NavEntry("福彩公益金", "charity-lottery", "charity.manage", order=61),
                ),
                todos=(
                    ("charity.manage", selectors.lottery_acceptance_todo),
                    ("charity.fund_read", selectors.payroll_funds_todo),
                ),
                permissions=("charity.manage",),
            )
        )
