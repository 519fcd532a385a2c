from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "minzheng.students"
    verbose_name = "大学生全程资助"

    def ready(self) -> None:
        from minzheng.core.panels import PersonPanel
        from minzheng.programmes.registry import Line, NavEntry, Programme, register_line, register_programme

        from . import selectors

        # Paid once per academic year (like temporary aid): an approved year is a one-month enrolment.
        register_programme(
            Programme(
                code="students",
                name="大学生全程资助",
                short_name="大学生资助",
                name_en="Whole-course aid for university students",
                app_label=self.label,
                unit="person",
                payable=True,
                frequency="once",
                policy_prefixes=("students.",),
                panels=(
                    PersonPanel(
                        title="大学生全程资助",
                        template="students/_person_panel.html",
                        context=selectors.person_panel,
                        order=22,
                    ),
                ),
                nav=(NavEntry("大学生资助", "students-list", selectors.READ, order=23),),
                urls="minzheng.students.urls",
                url_prefix="students",
                api="minzheng.students.api:router",
                api_prefix="students",
                permissions=(
                    selectors.READ,
                    "students.enrol",
                    "students.check",
                    "students.decide",
                    "students.approve",
                ),
                order=45,
            )
        )
        # The 首页 to-dos: the township's terms not checked, the county's years to decide and to approve.
        register_line(
            Line(
                code="students_desk",
                name="大学生全程资助",
                app_label=self.label,
                todos=(
                    ("students.check", selectors.todo_unchecked),
                    ("students.decide", selectors.todo_undecided),
                    ("students.approve", selectors.todo_to_approve),
                ),
                permissions=("students.check", "students.decide", "students.approve"),
            )
        )
