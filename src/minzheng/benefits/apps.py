from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "minzheng.benefits"
    verbose_name = "待遇与发放"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel, register_person_panel
        from minzheng.programmes.registry import NavEntry, register_nav

        from .selectors import enrolment_panel_context, payee_panel_context

        register_person_panel(
            PersonPanel(
                title="保障待遇",
                template="benefits/_person_panel.html",
                context=enrolment_panel_context,
                order=10,
            )
        )
        register_person_panel(
            PersonPanel(
                title="收款账户",
                template="benefits/_payee_panel.html",
                context=payee_panel_context,
                order=15,
            )
        )
        register_nav(NavEntry("资金发放", "payroll-list", "payroll.view", order=85))

        from minzheng.deskjobs.registry import register

        from .services import PAYROLL_JOB, payroll_generate_job

        register(PAYROLL_JOB, payroll_generate_job)

        from minzheng.policy.hooks import register_closed_month

        from .selectors import last_frozen_payroll_month

        # A policy change never takes effect in a month whose payroll is already closed.
        register_closed_month(last_frozen_payroll_month)
