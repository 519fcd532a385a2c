from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "minzheng.accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login audit hooks)
