from django.apps import AppConfig


class VagrantsConfig(AppConfig):
    name = "minzheng.vagrants"
    verbose_name = "流浪乞讨人员救助"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors, workflow

        workflow.register()
        register_line(
            Line(
                code="vagrants",
                name="流浪救助",
                app_label=self.label,
                urls="minzheng.vagrants.urls",
                url_prefix="vagrants",
                api="minzheng.vagrants.api:router",
                api_prefix="vagrants",
                nav=(
                    NavEntry("流浪救助", "vagrants-stays", "vagrant.intake", order=31),
                    NavEntry("244台账", "vagrants-ledger", "vagrant.visit_record", order=32),
                ),
                panels=(
                    PersonPanel(
                        title="流浪乞讨救助",
                        template="vagrants/_person_panel.html",
                        context=selectors.person_panel,
                        order=31,
                    ),
                ),
                todos=(
                    ("vagrant.intake", selectors.alerts_todo),
                    ("vagrant.visit_record", selectors.visits_todo),
                ),
                permissions=("vagrant.intake", "vagrant.tracing", "vagrant.visit_record"),
                on_death="minzheng.vagrants.services:ledger_close_on_death",
                activity_after="minzheng.vagrants.selectors:activity_after",
            )
        )
