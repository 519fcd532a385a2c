from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "minzheng.programmes"
    verbose_name = "保障项目登记"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system check)
        from .registry import NavEntry, register_nav

        # The ground floor's entries: plain links, not programmes. The floors above register their own.
        for entry in (
            NavEntry("首页", "home", order=0),
            NavEntry("人员检索", "person-search", "people.read", order=10),
            NavEntry("政策参数", "policy-parameters", order=70),
            NavEntry("数据交换", "exchange-snapshots", "exchange.import", order=80),
            NavEntry("审计日志", "audit-log", "audit.read", order=95),
            NavEntry("账号", "user-list", "users.manage", order=99),
        ):
            register_nav(entry)
