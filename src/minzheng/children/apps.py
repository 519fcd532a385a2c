from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "minzheng.children"
    verbose_name = "儿童福利"

    def ready(self) -> None:
        from minzheng.core.labels import register_tier_labels
        from minzheng.core.panels import PersonPanel
        from minzheng.programmes.registry import (
            AutomaticAction,
            Line,
            NavEntry,
            Programme,
            TrialField,
            register_line,
            register_programme,
        )

        from . import (
            rules,
            screening,
            selectors,
            services,
            todos,
            workflow,  # noqa: F401  registers the category case workflow
        )

        register_tier_labels(rules.CODE, rules.CHILD_LABELS)  # its enrolments' tier is the category code
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
                nav=(
                    NavEntry("儿童基本生活保障", "children-roster", "children.read", order=27),
                    NavEntry("儿童类别认定", "children-cases", "children.read", order=28),
                    NavEntry("儿童月度核查", "children-checks", "child.monthly_check", order=28),
                    NavEntry("儿童档案", "children-files", "child.registry_read", order=28),
                    NavEntry("儿童工作队伍", "children-workforce", "child.workforce", order=28),
                ),
                urls="minzheng.children.urls",
                url_prefix="children",
                api="minzheng.children.api:router",
                api_prefix="children",
                permissions=("children.read",),
                order=50,
                short_name="儿童保障",
            )
        )
        # The child welfare desk that is not the allowance itself: the monthly check and the category
        # cases on each role's 首页 (pages are the programme's, under /children/).
        register_line(
            Line(
                code="child_care",
                name="儿童福利",
                app_label=self.label,
                todos=(
                    ("child.monthly_check", todos.missing_checks),
                    ("child.workforce", todos.check_findings),
                    ("child.category_intake", todos.cases_to_verify),
                    ("child.category_decide", todos.cases_to_decide),
                    ("child.category_intake", todos.referrals_due),
                    ("child.category_intake", todos.redecisions_due),
                    ("child.file_edit", todos.follow_ups_due),
                ),
                permissions=(
                    "child.monthly_check",
                    "child.category_intake",
                    "child.category_decide",
                    "child.registry_read",
                    "child.file_edit",
                    "child.workforce",
                ),
            )
        )
