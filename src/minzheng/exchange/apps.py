from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "minzheng.exchange"
    verbose_name = "数据交换"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the startup checks
