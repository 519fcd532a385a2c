from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "minzheng.policy"
    verbose_name = "政策参数"

    def ready(self) -> None:
        from minzheng.core.labels import register_policy_labels

        from .selectors import parameter_labels

        register_policy_labels(parameter_labels)
