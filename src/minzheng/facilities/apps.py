from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "minzheng.facilities"
    verbose_name = "养老设施"

    def ready(self) -> None:
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors

        register_line(
            Line(
                code="facilities",
                name="养老设施",
                app_label=self.label,
                urls="minzheng.facilities.urls",
                url_prefix="facilities",
                api="minzheng.facilities.api:router",
                api_prefix="facilities",
                nav=(NavEntry("养老设施", "facilities-list", "facilities.read", order=27),),
                todos=(
                    ("facilities.care_record", selectors.outings_todo),
                    ("elderly.facility_manage", selectors.rectification_todo),
                    ("elderly.facility_manage", selectors.licence_todo),
                ),
                permissions=("facilities.read", "facilities.care_record", "elderly.facility_manage"),
                on_death="minzheng.facilities.services:stays_end_on_death",
                activity_after="minzheng.facilities.selectors:activity_after",
            )
        )
