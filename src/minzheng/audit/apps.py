from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "minzheng.audit"
    verbose_name = "审计日志"
