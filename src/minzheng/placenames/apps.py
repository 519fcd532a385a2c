from django.apps import AppConfig


class PlacenamesConfig(AppConfig):
    name = "minzheng.placenames"
    verbose_name = "地名"

    def ready(self) -> None:
        from minzheng.programmes.registry import Line, NavEntry, register_line

        from . import selectors

        register_line(
            Line(
                code="placenames",
                name="地名",
                app_label=self.label,
                urls="minzheng.placenames.urls",
                url_prefix="placenames",
                nav=(NavEntry("地名", "placenames-search", "placename.read", order=41),),
                todos=(
                    ("placename.manage", selectors.todo_applications),
                    ("placename.approve", selectors.todo_applications),
                ),
                permissions=("placename.read", "placename.manage", "placename.approve"),
            )
        )
