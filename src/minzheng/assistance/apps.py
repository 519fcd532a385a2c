from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "minzheng.assistance"
    verbose_name = "社会救助"

    def ready(self) -> None:
        from minzheng.core.labels import register_states
        from minzheng.core.panels import PersonPanel, register_person_panel
        from minzheng.deskjobs.registry import register as register_job
        from minzheng.programmes.registry import (
            Line,
            NavEntry,
            Programme,
            register_line,
            register_nav,
            register_programme,
        )

        from . import workflow  # noqa: F401  registers the dibao, tekun and temporary case workflows
        from .assess import trial
        from .jobs import LETTERS_JOB, decision_letters_job
        from .models import Programme as Code
        from .models import State
        from .panels import applications_panel
        from .todos import referrals_to_handle

        register_states(State.choices)
        register_job(LETTERS_JOB, decision_letters_job)

        register_person_panel(
            PersonPanel(
                title="救助申请",
                template="assistance/_person_panel.html",
                context=applications_panel,
                order=20,
            )
        )
        roles = ("assistance.intake", "assistance.process", "assistance.decide")
        # code, short name, English, unit, frequency, policy keys read
        lines = [
            (Code.DIBAO, "低保", "Dibao (minimum living allowance)", "household", "monthly", ("dibao.",)),
            (Code.TEKUN, "特困供养", "Tekun (extreme poverty support)", "person", "monthly", ("tekun.",)),
            (Code.TEMPORARY, "临时救助", "Temporary assistance", "household", "once", ("temporary.",)),
        ]
        for order, (code, short, name_en, unit, frequency, prefixes) in enumerate(lines, start=1):
            register_programme(
                Programme(
                    code=code.value,
                    name=str(code.label),
                    short_name=short,
                    name_en=name_en,
                    app_label=self.label,
                    unit=unit,
                    payable=True,
                    frequency=frequency,
                    trial=trial,
                    policy_prefixes=prefixes,
                    permissions=roles,
                    api="minzheng.assistance.api:router",
                    api_prefix="assistance",
                    order=order * 10,
                )
            )
        # The line's desk: the worklist of all three programmes.
        register_nav(NavEntry("社会救助", "assistance-worklist", "assistance.read", order=20))
        # 跟踪转介: the receiving office's list and its 首页 to-do.
        register_line(
            Line(
                code="assist_referral",
                name="跟踪转介",
                app_label=self.label,
                nav=(NavEntry("跟踪转介", "referral-list", "assistance.refer", order=21),),
                todos=(("assistance.refer", referrals_to_handle),),
                permissions=("assistance.refer",),
            )
        )
