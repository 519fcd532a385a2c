from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "minzheng.governance"
    verbose_name = "基层治理"

    def ready(self) -> None:
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors, workflow

        workflow.register()
        register_line(
            Line(
                code="governance",
                name="基层治理",
                app_label=self.label,
                urls="minzheng.governance.urls",
                url_prefix="governance",
                api="minzheng.governance.api:router",
                api_prefix="governance",
                nav=(
                    NavEntry("网格", "governance-grid", "grid.households_read", order=36),
                    NavEntry("基层治理", "governance-home", "governance.read", order=37),
                ),
                todos=(
                    ("grid.incident_handle", selectors.to_accept_todo),
                    ("grid.incident_handle", selectors.overdue_todo),
                    ("grid.incident_report", selectors.reported_todo),
                ),
                permissions=(
                    "grid.households_read",
                    "grid.incident_report",
                    "grid.incident_handle",
                    "governance.read",
                    "governance.grid_manage",
                    "governance.worker_manage",
                    "governance.pay_table_manage",
                    "governance.window_take",
                    "governance.zone_manage",
                    "governance.catalogue_manage",
                ),
            )
        )
