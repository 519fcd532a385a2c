from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "minzheng.protection"
    verbose_name = "未成年人保护与收养"

    def ready(self) -> None:
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors, workflow

        workflow.register()
        register_line(
            Line(
                code="protection",
                name="未成年人保护",
                app_label=self.label,
                urls="minzheng.protection.urls",
                url_prefix="protection",
                api="minzheng.protection.api:router",
                api_prefix="protection",
                nav=(
                    NavEntry("未成年人保护", "protection-cases", "child.case_read", order=28),
                    NavEntry("收养登记", "protection-adoptions", "child.adoption", order=29),
                ),
                todos=(("child.case_read", selectors.protection_todo),),
                permissions=("child.case_read", "child.case_report", "child.adoption", "child.case_assign"),
            )
        )
