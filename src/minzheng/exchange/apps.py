from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "minzheng.exchange"
    verbose_name = "数据交换"
