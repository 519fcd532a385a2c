from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "minzheng.regions"
    verbose_name = "行政区划"

    def ready(self) -> None:
        from minzheng.core.labels import register_region_names

        from .selectors import region_labels

        register_region_names(region_labels)
