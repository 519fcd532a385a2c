from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "minzheng.visits"
    verbose_name = "探访关爱"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors, todos

        register_line(
            Line(
                code="visits",
                name="探访关爱",
                app_label=self.label,
                urls="minzheng.visits.urls",
                url_prefix="visits",
                nav=(
                    NavEntry("探访关爱", "visits-mine", "elderly.visit_record", order=27),
                    NavEntry("月探访率", "visits-rate", "elderly.registry_read", order=28),
                ),
                panels=(
                    PersonPanel(
                        title="探访关爱",
                        template="visits/_person_panel.html",
                        context=selectors.visits_panel,
                        order=13,
                    ),
                ),
                todos=(
                    ("visits.assign", todos.unassigned),
                    ("visits.assign", todos.raised),
                    ("elderly.visit_record", todos.my_month),
                    ("elderly.visit_record", todos.silent_pairs),
                    ("elderly.registry_read", todos.missing),
                ),
                permissions=("elderly.visit_record", "elderly.registry_read", "visits.assign"),
                on_death="minzheng.visits.services:visits_stop_on_death",
                activity_after="minzheng.visits.selectors:activity_after",
            )
        )
