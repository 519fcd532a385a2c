from django.apps import AppConfig


class DisabilityConfig(AppConfig):
    name = "minzheng.disability"
    verbose_name = "残疾人两项补贴"

    def ready(self) -> None:
        from minzheng.programmes.registry import (
            AutomaticAction,
            Line,
            NavEntry,
            OnlineOffer,
            Programme,
            Trial,
            register_line,
            register_online_offer,
            register_programme,
        )

        from . import online, rules, screening, selectors, services

        # Two payable monthly programmes (an enrolment and a payroll line each); one decision grants both.
        common = {
            "app_label": self.label,
            "unit": "person",
            "payable": True,
            "frequency": "monthly",
            "policy_prefixes": ("disability.",),
            "permissions": ("disability.read", "disability.intake", "disability.subsidy_decide"),
        }
        register_programme(
            Programme(
                code=rules.LIVING,
                name="困难残疾人生活补贴",
                name_en="Living subsidy for disabled people in hardship",
                short_name="残疾人生活补贴",
                order=60,
                screening=screening.rules,
                automatic=(
                    AutomaticAction(
                        "died_dis_living", "残疾人生活补贴死亡自动停发", services.subsidy_stop_on_death
                    ),
                    AutomaticAction(
                        "dis_tekun", "纳入特困自动停发残疾人两项补贴", services.subsidy_stop_on_tekun
                    ),
                ),
                **common,  # type: ignore[arg-type]
            )
        )
        register_programme(
            Programme(
                code=rules.CARE,
                name="重度残疾人护理补贴",
                name_en="Care subsidy for severely disabled people",
                short_name="残疾人护理补贴",
                order=61,
                automatic=(
                    AutomaticAction(
                        "died_dis_care", "残疾人护理补贴死亡自动停发", services.subsidy_stop_on_death
                    ),
                ),
                **common,  # type: ignore[arg-type]
            )
        )
        # 指尖办: a resident applies for both subsidies online; the clerk's acceptance is this line's intake.
        register_online_offer(
            OnlineOffer(
                rules.LIVING,
                "minzheng.disability.online:online_accept",
                "disability.intake",
                order=30,
                name="残疾人两项补贴（困难残疾人生活补贴、重度残疾人护理补贴）",
                form="disability/online_fields.html",
                fields=online.FIELDS,
                check="minzheng.disability.online:online_check",
                describe="minzheng.disability.online:online_describe",
                open_case="minzheng.disability.online:online_open_case",
            )
        )
        register_line(
            Line(
                code="disability",
                name="残疾人两项补贴",
                app_label=self.label,
                permissions=("disability.read", "disability.rehab"),
                todos=(("disability.rehab", selectors.overdue_todo),),
                urls="minzheng.disability.urls",
                url_prefix="disability",
                nav=(
                    NavEntry("残疾人两项补贴", "disability-list", "disability.read", order=29),
                    NavEntry("康复与辅具", "disability-rehab", "disability.rehab", order=30),
                ),
                api="minzheng.disability.api:router",
                api_prefix="disability",
                trials=(Trial(rules.TRIAL, "残疾人两项补贴", rules.trial),),
            )
        )
