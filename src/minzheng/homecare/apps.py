from django.apps import AppConfig


class HomecareConfig(AppConfig):
    name = "minzheng.homecare"
    verbose_name = "12349居家服务"

    def ready(self) -> None:
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors

        register_line(
            Line(
                code="homecare",
                name="12349居家服务",
                app_label=self.label,
                urls="minzheng.homecare.urls",
                url_prefix="homecare",
                api="minzheng.homecare.api:router",
                api_prefix="homecare",
                nav=(
                    NavEntry("居家服务", "homecare-orders", "elderly.order_take", order=27),
                    NavEntry("居家服务结算", "homecare-settlements", "elderly.settle", order=28),
                    NavEntry("我的上门服务", "homecare-my", "elderly.order_serve", order=29),
                    NavEntry("报警设备", "homecare-devices", "elderly.facility_manage", order=29),
                    NavEntry("服务商与护理员", "homecare-providers", "elderly.facility_manage", order=29),
                    NavEntry(
                        "社会救助服务", "homecare-service-assistance", "assistance.service_order", order=29
                    ),
                ),
                todos=(
                    ("elderly.order_take", selectors.todo_orders),
                    ("elderly.order_take", selectors.todo_alarms),
                    ("elderly.order_serve", selectors.todo_carer),
                ),
                permissions=("elderly.order_take", "elderly.order_serve", "elderly.settle"),
                on_death="minzheng.homecare.services:orders_stop_on_death",
                activity_after="minzheng.homecare.selectors:activity_after",
            )
        )
