from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "minzheng.web"
    verbose_name = "界面"
