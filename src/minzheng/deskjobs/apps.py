from django.apps import AppConfig


class DeskJobsConfig(AppConfig):
    name = "minzheng.deskjobs"
    verbose_name = "我的任务"
