from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "minzheng.people"
    verbose_name = "人口户籍"
