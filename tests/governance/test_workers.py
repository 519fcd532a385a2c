from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from minzheng.accounts.models import Role
from minzheng.governance import selectors, services
from minzheng.governance.models import PayGrade, Training
from minzheng.policy.selectors import policy_resolve
from tests.conftest import TOWN_A, VILLAGE_A

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)
SOURCE = "《济宁市城市社区工作者薪酬待遇管理办法》"


@pytest.fixture
def county(make_user):
    return make_user(Role.COUNTY_OFFICER, "370811")


@pytest.fixture
def city(make_user):
    return make_user(Role.CITY_OFFICER, "370800")


def _worker(actor: Any, post: str = "staff", grade: int = 3, village: str = VILLAGE_A) -> Any:
    return services.worker_create(
        actor=actor, name="李社工", region_code=village, post=post, grade=grade, hired_on=dt.date(2020, 1, 1)
    )


def _cell(city: Any, post: str, grade: int, pay: str, region: str = "370800") -> PayGrade:
    return services.pay_grade_set(
        actor=city,
        region_code=region,
        post=post,
        grade=grade,
        annual_pay=Decimal(pay),
        source=SOURCE,
        effective_from=dt.date(2025, 1, 1),
    )


def test_with_no_figure_entered_the_pay_is_shown_as_not_set(county):
    w = _worker(county)
    summary = selectors.pay_summary(actor=county, on=DAY)
    assert summary.average is None and summary.unpriced == 1
    c = Client()
    c.force_login(county)
    body = c.get(reverse("governance-worker", args=[w.pk])).content.decode()
    assert "未设定" in body
    assert "未设定" in c.get(reverse("governance-paygrades")).content.decode()


def test_pay_is_computed_from_the_grade_table_and_averaged_against_the_target(county, city):
    _cell(city, "staff", 3, "60000")
    _cell(city, "head", 12, "90000")
    _worker(county, "staff", 3)
    _worker(county, "head", 12)
    summary = selectors.pay_summary(actor=county, on=DAY)
    target = policy_resolve(on=DAY, region_code="370811", hukou_type="").get("governance.worker_pay_min")
    assert summary.average == Decimal("75000.00")
    assert summary.target == target
    assert summary.meets is (Decimal("75000") >= target)
    assert "《" in summary.target_source


def test_a_countys_own_cell_overrides_the_citys(county, city):
    _cell(city, "staff", 3, "60000")
    _cell(city, "staff", 3, "66000", region="370811")
    w = _worker(county, "staff", 3)
    ((_, cell),) = selectors.worker_rows([w], on=DAY)
    assert cell.annual_pay == Decimal("66000")


def test_a_cell_needs_a_cited_document_and_only_the_city_enters_it(county, city):
    with pytest.raises(ValidationError, match="《》"):
        services.pay_grade_set(
            actor=city,
            region_code="370800",
            post="staff",
            grade=1,
            annual_pay=Decimal("50000"),
            source="听说的",
            effective_from=dt.date(2025, 1, 1),
        )
    with pytest.raises(ValidationError):
        _cell(county, "staff", 1, "50000")
    with pytest.raises(ValidationError, match="1至18级"):
        _cell(city, "staff", 19, "50000")
    assert not PayGrade.objects.exists()


def test_a_training_is_recorded_and_a_bad_one_is_refused(county):
    w = _worker(county)
    services.training_record(actor=county, worker=w, held_on=DAY, title="全科服务培训", hours=Decimal("8"))
    with pytest.raises(ValidationError, match="学时"):
        services.training_record(actor=county, worker=w, held_on=DAY, title="x", hours=Decimal("0"))
    assert Training.objects.count() == 1


def test_the_worker_page_takes_a_training_and_reports_bad_input_in_chinese(county):
    w = _worker(county)
    c = Client()
    c.force_login(county)
    r = c.post(
        reverse("governance-worker", args=[w.pk]),
        {"held_on": "2026-13-01", "title": "x", "hours": "4"},
        follow=True,
    )
    assert "培训日期" in r.content.decode()
    assert not Training.objects.exists()
    r = c.post(
        reverse("governance-worker", args=[w.pk]),
        {"held_on": "2026-03-01", "title": "调解技巧", "hours": "4"},
    )
    assert r.status_code == 302 and Training.objects.get().title == "调解技巧"


def test_another_countys_officer_does_not_see_the_worker(county, make_user):
    w = _worker(county)
    other = make_user(Role.COUNTY_OFFICER, "370812")
    c = Client()
    c.force_login(other)
    assert c.get(reverse("governance-worker", args=[w.pk])).status_code == 404
    assert selectors.pay_summary(actor=other, on=DAY).workers == 0


def test_the_worker_list_is_a_fixed_number_of_queries(county, city, django_assert_max_num_queries):
    _cell(city, "staff", 3, "60000")
    for _ in range(8):
        _worker(county)
    c = Client()
    c.force_login(county)
    with django_assert_max_num_queries(16):
        assert c.get(reverse("governance-workers")).status_code == 200
    assert TOWN_A.startswith("370811")


def _table_post(c: Client, region: str = "370800", **cells: str) -> Any:
    data = {"region": region, "source": SOURCE, "effective_from": "2025-01-01"}
    data.update({f"pay-{k.replace('_', '-')}": v for k, v in cells.items()})
    return c.post(reverse("governance-paygrades"), data, follow=True)


def test_the_city_enters_the_whole_table_in_one_form_audited_as_one_change(city, county):
    from minzheng.audit.models import AuditLog

    c = Client()
    c.force_login(city)
    cells = {
        f"{post}_{g}": str(40000 + g * 1000 + i * 10000)
        for i, post in enumerate(("staff", "deputy", "head"))
        for g in range(1, 19)
    }
    body = _table_post(c, **cells).content.decode()
    assert "改动54格" in body
    assert PayGrade.objects.count() == 54
    (row,) = AuditLog.objects.filter(target_type="governance.pay_table")
    assert row.target_id == "370800" and row.new["head-18"] == "78000.00"
    w = _worker(county, "deputy", 5)
    ((_, cell),) = selectors.worker_rows([w], on=DAY)
    assert cell.annual_pay == Decimal("55000")
    # the form starts from the table in force; changing two cells writes two, audited as one more row
    form = c.get(reverse("governance-paygrades")).content.decode()
    assert 'name="pay-head-18" value="78000.00"' in form
    cells.update(staff_1="41500", head_2="62500")
    assert "改动2格" in _table_post(c, **cells).content.decode()
    assert PayGrade.objects.count() == 54
    assert AuditLog.objects.filter(target_type="governance.pay_table").count() == 2


def test_one_bad_cell_names_itself_in_chinese_and_saves_nothing(city):
    c = Client()
    c.force_login(city)
    body = _table_post(c, staff_1="50000", head_12="九万").content.decode()
    assert "社区正职12级应为数字" in body
    body = _table_post(c, staff_1="50000", deputy_3="0").content.decode()
    assert "社区副职3级：年薪酬应大于0" in body
    assert "请至少填写一格年薪酬" in _table_post(c).content.decode()
    assert not PayGrade.objects.exists()


def test_a_county_officer_may_not_post_the_table(county):
    c = Client()
    c.force_login(county)
    r = c.post(
        reverse("governance-paygrades"),
        {"region": "370811", "source": SOURCE, "effective_from": "2025-01-01", "pay-staff-1": "50000"},
    )
    assert r.status_code in (403, 302)
    assert not PayGrade.objects.exists()
