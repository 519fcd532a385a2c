from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "minzheng.web"
    verbose_name = "界面"

    def ready(self) -> None:
        from minzheng.deskjobs.registry import register

        from .jobs import PERSON_EXPORT_JOB, person_export_job

        register(PERSON_EXPORT_JOB, person_export_job)
