from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "minzheng.assistance"
    verbose_name = "社会救助"

    def ready(self) -> None:
        from minzheng.core.labels import register_states
        from minzheng.core.panels import PersonPanel, register_person_panel

        from .models import State
        from .panels import applications_panel

        register_states(State.choices)

        register_person_panel(
            PersonPanel(
                title="救助申请",
                template="assistance/_person_panel.html",
                context=applications_panel,
                order=20,
            )
        )
