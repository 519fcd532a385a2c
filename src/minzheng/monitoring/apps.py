from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "minzheng.monitoring"
    verbose_name = "低收入人口动态监测"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel, register_person_panel
        from minzheng.exchange.hooks import on_snapshot_accepted, on_upload_accepted
        from minzheng.programmes.registry import NavEntry, register_nav

        from .hooks import facts_prepare, month_screen
        from .panels import alerts_panel

        on_snapshot_accepted(facts_prepare)
        on_upload_accepted(month_screen)

        register_person_panel(
            PersonPanel(
                title="监测预警", template="monitoring/_person_panel.html", context=alerts_panel, order=30
            )
        )
        register_nav(NavEntry("动态监测", "alert-worklist", "alert.read", order=50))
