from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "minzheng.casework"
    verbose_name = "案件办理流程"
