from __future__ import annotations

from minzheng.accounts.models import Role
from minzheng.accounts.system import system_actor
from minzheng.demo.lines import integrity as integrity_demo
from minzheng.demo.lines import students as demo
from minzheng.integrity.models import Commitment
from minzheng.students.models import Student, YearAward
from tests.conftest import TOWN_A, VILLAGE_A


def test_the_demo_enrols_students_of_dibao_families_and_decides_some_years(make_user, dibao_student):
    make_user(Role.TOWNSHIP_CLERK, TOWN_A, username="xiangzhen")
    make_user(Role.COUNTY_OFFICER, "370811", username="xianji")
    make_user(Role.COUNTY_FINANCE, "370811", username="caiwu")
    make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A, username="cunxieli")
    dibao_student.birth_date = dibao_student.birth_date.replace(year=2006)
    dibao_student.save(update_fields=["birth_date"])
    line = demo.seed(actor=system_actor(purpose="测试"), seed=7)
    assert (
        f"登记学生{Student.objects.count()}人" in line
        and Student.objects.filter(person=dibao_student).exists()
    )
    assert YearAward.objects.filter(status="approved").count() == 1
    line = integrity_demo.seed(actor=system_actor(purpose="测试"), seed=7)
    assert "诚信承诺书" in line and Commitment.objects.exists()
