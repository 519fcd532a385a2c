from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "minzheng.cockpit"
    verbose_name = "民政驾驶舱"

    def ready(self) -> None:
        from minzheng.programmes.registry import Line, NavEntry, register_line

        register_line(
            Line(
                code="cockpit",
                name="民政驾驶舱",
                app_label=self.label,
                urls="minzheng.cockpit.urls",
                url_prefix="cockpit",
                nav=(
                    NavEntry("民政驾驶舱", "cockpit-home", "cockpit.read", order=3),
                    NavEntry("规划目标", "cockpit-targets", "cockpit.read", order=4),
                    NavEntry("统计报表", "cockpit-reports", "statistics.read", order=5),
                ),
                permissions=(
                    "cockpit.read",
                    "cockpit.compute",
                    "cockpit.target_enter",
                    "statistics.read",
                    "statistics.generate",
                    "statistics.file",
                ),
            )
        )
