from django.apps import AppConfig


class ElderlyConfig(AppConfig):
    name = "minzheng.elderly"
    verbose_name = "高龄津贴"

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

        from . import capability, care_trial, rules, screening, selectors, services

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
                    PersonPanel(
                        title="高龄津贴",
                        template="elderly/_person_panel.html",
                        context=selectors.high_age_panel,
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
        # The elder registry, capability assessments and care shares: not one programme's pages.
        register_line(
            Line(
                code="elderly",
                name="老年人",
                app_label=self.label,
                trials=(
                    Trial(capability.CODE, "老年人能力评估", capability.trial),
                    Trial(care_trial.CODE, "失能老人照护费用分担", care_trial.trial),
                ),
            )
        )
