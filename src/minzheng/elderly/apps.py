from django.apps import AppConfig


class ElderlyConfig(AppConfig):
    name = "minzheng.elderly"
    verbose_name = "老年人"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel
        from minzheng.programmes.registry import (
            AutomaticAction,
            Line,
            NavEntry,
            Programme,
            Trial,
            register_line,
            register_programme,
        )

        from . import capability, care_trial, rules, screening, selectors, services, subsidy

        register_programme(
            Programme(
                code=rules.CODE,
                name="高龄津贴",
                name_en="High-age allowance",
                app_label=self.label,
                unit="person",
                payable=True,
                frequency="monthly",
                trial=rules.trial,
                policy_prefixes=("high_age.",),
                screening=screening.rules,
                automatic=(
                    AutomaticAction("high_age_grant", "到龄即享自动纳入高龄津贴", services.high_age_grant),
                    AutomaticAction("high_age_tier", "高龄津贴自动调档", services.high_age_tier_change),
                ),
                panels=(
                    # One 老年人 panel: age, situation, level and overdue flag, the allowance folded in.
                    PersonPanel(
                        title="老年人",
                        template="elderly/_person_panel.html",
                        context=selectors.elderly_panel,
                        order=12,
                    ),
                ),
                nav=(NavEntry("高龄津贴", "elderly-roster", "elderly.read", order=25),),
                urls="minzheng.elderly.urls",
                url_prefix="elderly",
                api="minzheng.elderly.api:router",
                api_prefix="elderly",
                permissions=("elderly.read",),
                order=40,
            )
        )
        # 经济困难高龄、失能老年人补贴 (财社〔2014〕113号): applied for, decided, paid monthly by payroll.
        register_programme(
            Programme(
                code=subsidy.CODE,
                name="经济困难高龄失能老年人补贴",
                short_name="老年人补贴",
                name_en="Subsidy for economically difficult high-age and disabled elders",
                app_label=self.label,
                unit="person",
                payable=True,
                frequency="monthly",
                policy_prefixes=("elder_subsidy.",),
                permissions=("elderly.subsidy_decide",),
                order=41,
            )
        )
        from minzheng.deskjobs.registry import register as register_job

        from .jobs import ELDER_EXPORT_JOB, elder_export_job

        register_job(ELDER_EXPORT_JOB, elder_export_job)
        # Central care's charity top-up is a claim on the charity fund: charity reads it, not our models.
        from minzheng.benefits.funding import register_fund_claim

        register_fund_claim("central_care", selectors.central_care_claims)
        # The elder registry, capability assessments and care shares: not one programme's pages.
        register_line(
            Line(
                code="elderly",
                name="老年人",
                app_label=self.label,
                nav=(NavEntry("老年人", "elderly-registry", "elderly.registry_read", order=24),),
                todos=(
                    ("elderly.assess", selectors.overdue_todo),
                    ("elderly.subsidy_decide", selectors.subsidy_todo),
                ),
                permissions=("elderly.registry_read", "elderly.assess", "elderly.subsidy_decide"),
                on_death="minzheng.elderly.services:elder_close_on_death",
                trials=(
                    Trial(capability.CODE, "老年人能力评估", capability.trial),
                    Trial(care_trial.CODE, "失能老人照护费用分担", care_trial.trial),
                ),
            )
        )
