from django.apps import AppConfig


class FuneralConfig(AppConfig):
    name = "minzheng.funeral"
    verbose_name = "殡葬服务"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors, workflow

        workflow.register()
        register_line(
            Line(
                code="funeral",
                name="殡葬服务",
                app_label=self.label,
                urls="minzheng.funeral.urls",
                url_prefix="funeral",
                api="minzheng.funeral.api:router",
                api_prefix="funeral",
                nav=(NavEntry("殡葬服务", "funeral-cases", "funeral.handle", order=34),),
                panels=(
                    PersonPanel(
                        title="身后一件事",
                        template="funeral/_person_panel.html",
                        context=selectors.funeral_panel,
                        order=40,
                    ),
                ),
                todos=(
                    ("funeral.handle", selectors.open_todo),
                    ("funeral.handle", selectors.overdue_todo),
                    (selectors.DECIDE, selectors.redecide_todo),
                ),
                permissions=("funeral.handle",),
            )
        )
        # The family's read-only pages in 指尖办: under /citizen/, where the resident's cookie is sent.
        register_line(
            Line(
                code="funeral_family",
                name="身后一件事（家属）",
                app_label=self.label,
                urls="minzheng.funeral.urls_family",
                url_prefix="citizen/funeral",
            )
        )
