from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "minzheng.volunteers"
    verbose_name = "志愿服务和社会工作"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors, socialwork

        register_line(
            Line(
                code="volunteers",
                name="志愿服务",
                app_label=self.label,
                urls="minzheng.volunteers.urls",
                url_prefix="volunteers",
                api="minzheng.volunteers.api:router",
                api_prefix="volunteers",
                nav=(
                    NavEntry("志愿服务", "volunteers-activities", "volunteer.read", order=62),
                    NavEntry("志愿服务", "volunteers-mine", "volunteer.hours_own", order=62),
                ),
                todos=(
                    ("volunteer.activity_manage", selectors.confirm_todo),
                    ("volunteer.hours_own", selectors.upcoming_todo),
                    ("volunteer.hours_own", selectors.join_todo),
                    ("volunteer.hours_own", selectors.bank_todo),
                ),
                permissions=("volunteer.read", "volunteer.activity_manage", "volunteer.hours_own"),
            )
        )
        register_line(
            Line(
                code="socialwork",
                name="社会工作",
                app_label=self.label,
                urls="minzheng.volunteers.socialwork_urls",
                url_prefix="socialwork",
                nav=(NavEntry("社会工作", "socialwork-stations", "socialwork.read", order=63),),
                panels=(
                    PersonPanel(
                        title="社会工作服务",
                        template="volunteers/_person_panel.html",
                        context=socialwork.person_panel,
                        order=40,
                    ),
                ),
                permissions=("socialwork.read", "socialwork.manage"),
            )
        )
