from django.apps import AppConfig


class MobileConfig(AppConfig):
    name = "minzheng.mobile"
    verbose_name = "掌上办"

    def ready(self) -> None:
        from minzheng.programmes.registry import Line, register_line

        # No navigation entry of its own: the phone's bottom bar is built from the other lines' entries.
        register_line(
            Line(
                code="mobile",
                name="掌上办",
                app_label=self.label,
                urls="minzheng.mobile.urls",
                url_prefix="mobile",
                api="minzheng.mobile.api:router",
                api_prefix="mobile",
                permissions=("mobile.field",),
            )
        )
