"""年报: a filer files for its own organisation only; the bureau returns with a reason or approves; the
report rate by county and the non-filers are set-based over the registry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.orgs import selectors, services
from minzheng.orgs.models import AnnualReport
from tests.conftest import TOWN_B

LAST = timezone.localdate().year - 1


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _file(user, year=LAST, submit=True):
    r = services.report_save(
        actor=user,
        year=year,
        income=Decimal("120000.00"),
        spending=Decimal("98000.50"),
        staff=3,
        activities=12,
        activity_summary="开展助老志愿服务12次",
        party_building="联合党支部开展主题党日4次",
    )
    return services.report_submit(actor=user, report=r) if submit else r


def test_a_report_is_filed_returned_resubmitted_and_approved(filer, officer):
    r = _file(filer)
    assert r.state == "submitted"
    services.report_review(actor=officer, report=r, approve=False, reason="支出明细与财务报表不符")
    r.refresh_from_db()
    assert (r.state, r.return_reason) == ("returned", "支出明细与财务报表不符")
    r = _file(filer)
    services.report_review(actor=officer, report=r, approve=True)
    r.refresh_from_db()
    assert (r.state, r.return_reason) == ("approved", "")
    with pytest.raises(ValidationError, match="不能修改"):
        _file(filer)


def test_a_return_needs_a_reason(filer, officer):
    r = _file(filer)
    with pytest.raises(ValidationError, match="退回须写明原因"):
        services.report_review(actor=officer, report=r, approve=False, reason="")


def test_a_filer_sees_only_its_own_organisations_report(filer, make_user, make_org, officer):
    mine = _file(filer)
    other_org = make_org(name="兖州区书法协会", registered_on=dt.date(LAST - 2, 1, 1))
    other = make_user(Role.ORG_FILER, "370811")
    services.filer_bind(actor=officer, user=other, org=other_org)
    theirs = _file(other)
    c = _client(filer)
    assert c.get(f"/orgs/reports/{mine.pk}/").status_code == 200
    assert c.get(f"/orgs/reports/{theirs.pk}/").status_code == 404
    assert c.get("/orgs/reports/999999/").status_code == 404
    assert c.post(f"/orgs/reports/{theirs.pk}/submit/").status_code == 404
    with pytest.raises(ValidationError):
        services.report_submit(actor=filer, report=theirs)
    # and none of the bureau's pages
    for url in ("/orgs/", "/orgs/reports/", "/orgs/inspections/", f"/orgs/{other_org.pk}/"):
        assert c.get(url).status_code in (403, 404), url


def test_an_unbound_filer_is_told_to_ask_the_bureau(make_user):
    user = make_user(Role.ORG_FILER, "370811")
    r = _client(user).get("/orgs/mine/")
    assert r.status_code == 403 and "尚未绑定" in r.content.decode()


def test_the_filer_files_through_the_pages_and_bad_figures_are_refused(filer):
    c = _client(filer)
    assert f"/orgs/mine/{LAST}/" in c.get("/orgs/mine/").content.decode()
    r = c.post(f"/orgs/mine/{LAST}/", {"income": "NaN", "spending": "1", "staff": "1", "activities": "1"})
    assert "本年收入应为数字" in r.content.decode() and not AnnualReport.objects.exists()
    r = c.post(f"/orgs/mine/{LAST}/", {"income": "1e3", "spending": "1", "staff": "1", "activities": "1"})
    assert "本年收入应为数字" in r.content.decode() and not AnnualReport.objects.exists()
    r = c.post(
        f"/orgs/mine/{LAST}/",
        {
            "income": "5000",
            "spending": "4000",
            "staff": "2",
            "activities": "6",
            "activity_summary": "社区文艺演出6场",
            "submit": "1",
        },
    )
    assert r.status_code == 302 and AnnualReport.objects.get().state == "submitted"


def test_a_filer_cannot_file_a_year_before_registration_or_the_current_year(filer):
    for year in (LAST - 10, LAST + 1):
        with pytest.raises(ValidationError, match="只能报送"):
            _file(filer, year=year)


def test_the_report_rate_by_county_counts_filed_over_owing_organisations(
    filer, make_org, outsider, make_user
):
    # 任城区: the filer's org (files) + two more (do not); one registered this year owes nothing yet.
    _file(filer)
    make_org(name="甲协会", registered_on=dt.date(LAST - 1, 5, 1))
    make_org(name="乙协会", registered_on=dt.date(LAST, 12, 31))
    make_org(name="今年新成立的协会")
    # 兖州区 (another county): one organisation that filed.
    yz = make_org(
        name="兖州区某协会", region_code=TOWN_B, registered_on=dt.date(LAST - 1, 1, 1), actor=outsider
    )
    yz_filer = make_user(Role.ORG_FILER, "370812")
    services.filer_bind(actor=outsider, user=yz_filer, org=yz)
    _file(yz_filer)
    city = make_user(Role.ORG_OFFICER, "370800")
    rates = {r["county"]: r for r in selectors.report_rate(actor=city, year=LAST)}
    assert (rates["370811"]["due"], rates["370811"]["done"], rates["370811"]["rate"]) == (
        3,
        1,
        Decimal("33.33"),
    )
    assert (rates["370812"]["due"], rates["370812"]["done"], rates["370812"]["rate"]) == (
        1,
        1,
        Decimal("100.00"),
    )
    county = make_user(Role.ORG_OFFICER, "370811")
    assert [r["county"] for r in selectors.report_rate(actor=county, year=LAST)] == ["370811"]
    assert sorted(o.name for o in selectors.non_filers(actor=county, year=LAST)) == ["乙协会", "甲协会"]


def test_the_review_page_lists_reports_with_a_bounded_number_of_queries(
    filer, officer, make_org, django_assert_max_num_queries
):
    _file(filer)
    for i in range(6):
        make_org(name=f"协会{i}", registered_on=dt.date(LAST - 1, 1, 1))
    c = _client(officer)
    with django_assert_max_num_queries(20):
        r = c.get("/orgs/reports/")
    html = r.content.decode()
    assert "任城区老年协会" in html and "协会5" in html


def test_the_home_page_shows_the_reports_waiting_for_review(filer, officer):
    _file(filer)
    html = _client(officer).get("/").content.decode()
    assert "社会组织年报待审核" in html and "任城区老年协会" in html


def test_the_filers_home_page_lists_its_unfiled_years_until_they_are_filed(filer):
    # Registered three years ago: last year and the two before it are owed; a draft is still owed.
    _file(filer, year=LAST, submit=False)
    html = _client(filer).get("/").content.decode()
    assert "本组织年度报告待报送" in html
    assert f"{LAST}年度报告" in html and f"{LAST - 2}年度报告" in html
    for year in (LAST, LAST - 1, LAST - 2):
        _file(filer, year=year)
    html = _client(filer).get("/").content.decode()
    assert "本组织年度报告待报送" in html and f"{LAST}年度报告" not in html


def test_the_filers_to_do_costs_two_queries_and_an_unbound_filer_is_told_to_ask(
    filer, make_user, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        todo = selectors.filer_todo(filer, timezone.localdate())
    assert todo.count == 3
    lonely = make_user(Role.ORG_FILER, "370811")
    assert selectors.filer_todo(lonely, timezone.localdate()).count == 0
    assert "尚未绑定" in selectors.filer_todo(lonely, timezone.localdate()).empty


def test_the_inspection_draw_and_the_organisation_page_show_names_not_usernames(officer, make_user, make_org):
    org = make_org()
    inspector = make_user(Role.ORG_OFFICER, "370811")
    inspector.display_name = "孙检查"
    inspector.save(update_fields=["display_name"])
    officer.display_name = "周科长"
    officer.save(update_fields=["display_name"])
    login = make_user(Role.ORG_FILER, "370811")
    login.display_name = "钱填报"
    login.save(update_fields=["display_name"])
    services.filer_bind(actor=officer, user=login, org=org)
    draw = services.inspection_draw(actor=officer, region_code="370811", year=LAST, size=1)
    c = _client(officer)
    page = c.get(f"/orgs/inspections/draw/{draw.pk}/").content.decode()
    names = {u.display_name for u in draw.items.get().inspectors.all()}
    assert names and all(n in page for n in names)
    assert officer.username not in page and inspector.username not in page
    detail = c.get(f"/orgs/{org.pk}/").content.decode()
    assert "钱填报" in detail and login.username not in detail
