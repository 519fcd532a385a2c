from django.apps import AppConfig


class MarriageConfig(AppConfig):
    name = "minzheng.marriage"
    verbose_name = "婚姻登记"

    def ready(self) -> None:
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors

        register_line(
            Line(
                code="marriage",
                name="婚姻登记",
                app_label=self.label,
                urls="minzheng.marriage.urls",
                url_prefix="marriage",
                api="minzheng.marriage.api:router",
                api_prefix="marriage",
                nav=(NavEntry("婚姻登记", "marriage-appointments", "marriage.register", order=40),),
                todos=(
                    ("marriage.register", selectors.todo_today),
                    ("marriage.register", selectors.todo_cooling),
                    ("people.transfer", selectors.todo_household),
                ),
                permissions=("marriage.register", "people.transfer"),
                activity_after="minzheng.marriage.selectors:activity_after",
            )
        )
