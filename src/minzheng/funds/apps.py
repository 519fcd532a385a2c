from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "minzheng.funds"
    verbose_name = "救助资金渠道"

    def ready(self) -> None:
        from minzheng.benefits.funding import (
            EVERY_PROGRAMME,
            register_grant_funding,
            register_payroll_funding,
            register_refund_booking,
        )
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors, services

        # Every payment line carries its fund: the roll's lines get theirs when it is checked, a one-off
        # grant is paid from the fund chosen on it (benefits and assistance call us; we name neither).
        register_payroll_funding(EVERY_PROGRAMME, services.payroll_fund)
        register_grant_funding(services.grant_fund, selectors.fund_choices)
        # Money recovered (integrity's 追回) comes back into the fund that paid it, made and checked.
        register_refund_booking(services.recovery_book)
        register_line(
            Line(
                code="funds",
                name="救助资金",
                app_label=self.label,
                urls="minzheng.funds.urls",
                url_prefix="funds",
                nav=(NavEntry("救助资金", "funds-list", "funds.read", order=62),),
                todos=(
                    ("funds.manage", selectors.pending_todo),
                    ("funds.manage", selectors.waiting_todo),
                ),
                permissions=("funds.read", "funds.manage"),
            )
        )
