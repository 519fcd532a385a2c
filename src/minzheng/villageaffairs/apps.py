from django.apps import AppConfig


class VillageAffairsConfig(AppConfig):
    name = "minzheng.villageaffairs"
    verbose_name = "村务公开与议事协商"

    def ready(self) -> None:
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors, workflow

        workflow.register()

        register_line(
            Line(
                code="villageaffairs",
                name="村务公开",
                app_label=self.label,
                urls="minzheng.villageaffairs.urls",
                url_prefix="villageaffairs",
                api="minzheng.villageaffairs.api:router",
                api_prefix="villageaffairs",
                nav=(
                    NavEntry("村务公开", "villageaffairs-home", "villageaffairs.read", order=70),
                    NavEntry("议事协商", "villageaffairs-matters", "villageaffairs.read", order=71),
                ),
                todos=(
                    ("villageaffairs.publish", selectors.disclosure_todo),
                    ("villageaffairs.question_handle", selectors.questions_todo),
                ),
                permissions=(
                    "villageaffairs.read",
                    "villageaffairs.publish",
                    "villageaffairs.question_record",
                    "villageaffairs.question_handle",
                    "villageaffairs.inspect",
                    "villageaffairs.rectify",
                    "villageaffairs.deliberate",
                    "villageaffairs.deliberation_review",
                    "villageaffairs.cadre_review",
                    "villageaffairs.catalogue_manage",
                ),
            )
        )
