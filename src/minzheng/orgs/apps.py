from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "minzheng.orgs"
    verbose_name = "社会组织登记管理"

    def ready(self) -> None:
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors, workflow

        workflow.register()
        register_line(
            Line(
                code="orgs",
                name="社会组织",
                app_label=self.label,
                urls="minzheng.orgs.urls",
                url_prefix="orgs",
                api="minzheng.orgs.api:router",
                api_prefix="orgs",
                nav=(
                    NavEntry("社会组织", "orgs-list", "org.registry_manage", order=60),
                    NavEntry("社会组织年报", "orgs-mine", "org.filing_submit", order=61),
                ),
                todos=(
                    ("org.filing_submit", selectors.filer_todo),
                    ("org.filing_submit", selectors.campaigns_todo),
                    ("org.filing_review", selectors.reports_todo),
                    ("org.filing_review", selectors.campaign_review_todo),
                    ("org.inspect", selectors.rectifications_todo),
                    ("org.registry_manage", selectors.zombies_todo),
                ),
                permissions=("org.registry_manage", "org.filing_submit", "org.filing_review", "org.inspect"),
            )
        )
