from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "minzheng.integrity"
    verbose_name = "诚信救助"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel
        from minzheng.programmes.registry import Line, NavEntry, register_intake_check, register_line

        from . import selectors, services

        register_line(
            Line(
                code="integrity",
                name="诚信救助",
                app_label=self.label,
                urls="minzheng.integrity.urls",
                url_prefix="integrity",
                api="minzheng.integrity.api:router",
                api_prefix="integrity",
                nav=(NavEntry("诚信救助", "integrity-list", selectors.READ, order=24),),
                panels=(
                    PersonPanel(
                        title="诚信记录",
                        template="integrity/_person_panel.html",
                        context=selectors.person_panel,
                        order=21,
                    ),
                ),
                todos=(
                    ("integrity.find", selectors.todo_findings),
                    ("integrity.recover_approve", selectors.todo_recoveries),
                    ("integrity.sample", selectors.todo_samples),
                ),
                permissions=(
                    selectors.READ,
                    "integrity.commit",
                    "integrity.find",
                    "integrity.recover_approve",
                ),
            )
        )
        # A household found to have declared falsely waits before it may apply again (the intake asks).
        register_intake_check(services.waiting_period_check)
