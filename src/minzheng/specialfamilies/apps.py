from django.apps import AppConfig


class SpecialFamiliesConfig(AppConfig):
    name = "minzheng.specialfamilies"
    verbose_name = "特殊困难家庭"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel
        from minzheng.programmes.registry import Line, NavEntry, Programme, register_line, register_programme

        from . import screening, selectors

        # The three money entitlements of seed 001 (淄博): each a one-off payment, enrolled by this line's
        # services and paid by the county's monthly payroll. Care services are homecare's orders.
        for order, (code, name, name_en) in enumerate(
            (
                (
                    "sf_student",
                    "特殊困难家庭在校生教育补助",
                    "School aid for students of special-difficulty families",
                ),
                (
                    "sf_medical",
                    "特殊困难家庭住院医疗费用救助",
                    "Hospital out-of-pocket aid for special-difficulty families",
                ),
                (
                    "sf_festival",
                    "特殊困难家庭节日慰问金",
                    "Festival condolence money for special-difficulty families",
                ),
            ),
            start=1,
        ):
            register_programme(
                Programme(
                    code=code,
                    name=name,
                    name_en=name_en,
                    app_label=self.label,
                    unit="person",
                    payable=True,
                    frequency="once",
                    policy_prefixes=("specialfamilies.",),
                    permissions=("specialfamilies.grant",),
                    order=90 + order,
                )
            )
        register_line(
            Line(
                code="specialfamilies",
                name="特殊困难家庭",
                app_label=self.label,
                urls="minzheng.specialfamilies.urls",
                url_prefix="specialfamilies",
                nav=(
                    NavEntry("特殊困难家庭", "specialfamilies-list", "specialfamilies.read", order=26),
                    NavEntry("特困集中供养", "specialfamilies-tekun", "specialfamilies.read", order=26),
                ),
                panels=(
                    PersonPanel(
                        title="特殊困难家庭",
                        template="specialfamilies/_person_panel.html",
                        context=selectors.panel,
                        order=21,
                    ),
                ),
                todos=(("specialfamilies.condolence_decide", selectors.condolence_todo),),
                screening=screening.rules,
                permissions=(
                    "specialfamilies.read",
                    "specialfamilies.record",
                    "specialfamilies.grant",
                    "specialfamilies.care_order",
                    "specialfamilies.condolence_prepare",
                    "specialfamilies.condolence_decide",
                ),
            )
        )
