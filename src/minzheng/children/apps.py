from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "minzheng.children"
    verbose_name = "儿童福利"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel
        from minzheng.programmes.registry import (
            AutomaticAction,
            NavEntry,
            Programme,
            TrialField,
            register_programme,
        )

        from . import (
            rules,
            screening,
            selectors,
            services,
            workflow,  # noqa: F401  registers the category case workflow
        )

        register_programme(
            Programme(
                code=rules.CODE,
                name="儿童基本生活保障",
                name_en="Child basic living allowance",
                app_label=self.label,
                unit="person",
                payable=True,
                frequency="monthly",
                trial=rules.trial,
                trial_fields=(TrialField(rules.CATEGORY, "儿童类别", rules.CHILD_LABELS),),
                policy_prefixes=("child.",),
                screening=screening.rules,
                automatic=(AutomaticAction("child_end", "儿童保障到龄终止", services.child_allowance_end),),
                panels=(
                    PersonPanel(
                        title="儿童基本生活保障",
                        template="children/_person_panel.html",
                        context=selectors.child_panel,
                        order=13,
                    ),
                ),
                nav=(NavEntry("儿童基本生活保障", "children-roster", "children.read", order=27),),
                urls="minzheng.children.urls",
                url_prefix="children",
                api="minzheng.children.api:router",
                api_prefix="children",
                permissions=("children.read",),
                order=50,
                short_name="儿童保障",
            )
        )
