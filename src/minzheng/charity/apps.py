from django.apps import AppConfig


class CharityConfig(AppConfig):
    name = "minzheng.charity"
    verbose_name = "慈善与福彩公益金"

    def ready(self) -> None:
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors

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
                todos=(("charity.manage", selectors.lottery_acceptance_todo),),
                permissions=("charity.manage",),
            )
        )
