from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "minzheng.assistance"
    verbose_name = "社会救助"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel, register_person_panel

        from . import workflow  # noqa: F401  registers the dibao, tekun and temporary case workflows
        from .panels import applications_panel

        register_person_panel(
            PersonPanel(
                title="救助申请",
                template="assistance/_person_panel.html",
                context=applications_panel,
                order=20,
            )
        )
