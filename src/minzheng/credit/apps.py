from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "minzheng.credit"
    verbose_name = "信用积分与移风易俗"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors

        register_line(
            Line(
                code="credit",
                name="信用积分",
                app_label=self.label,
                urls="minzheng.credit.urls",
                url_prefix="credit",
                api="minzheng.credit.api:router",
                api_prefix="credit",
                nav=(
                    NavEntry("信用积分", "credit-home", selectors.READ, order=60),
                    NavEntry("移风易俗", "credit-customs", selectors.READ, order=61),
                ),
                panels=(
                    PersonPanel(
                        title="信用积分",
                        template="credit/_person_panel.html",
                        context=selectors.person_panel,
                        order=40,
                    ),
                ),
                todos=(
                    (selectors.APPROVE, selectors.todo_points),
                    (selectors.APPROVE, selectors.todo_fund),
                    (selectors.CUSTOMS, selectors.todo_filings),
                ),
                permissions=(
                    selectors.READ,
                    selectors.RULES,
                    selectors.RULE_ADJUST,
                    selectors.RECORD,
                    selectors.APPROVE,
                    selectors.STORE,
                    selectors.CUSTOMS,
                ),
            )
        )
