from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "minzheng.monitoring"
    verbose_name = "低收入人口动态监测"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel, register_person_panel
        from minzheng.programmes.registry import NavEntry, register_nav

        from .panels import alerts_panel

        register_person_panel(
            PersonPanel(
                title="监测预警", template="monitoring/_person_panel.html", context=alerts_panel, order=30
            )
        )
        register_nav(NavEntry("动态监测", "alert-worklist", order=50))
