"""The desk pages: scoped under funeral.handle (another county's case reads as missing, 404, like a
missing one), bad input answers in Chinese and changes nothing, the family receipt and the letters print."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from minzheng.funeral.models import Burial, Facility, FuneralCase
from minzheng.funeral.services import facility_create
from tests.conftest import VILLAGE_A, VILLAGE_B

from .conftest import DEATH, open_case, through_subsidy


def _box(page: str) -> str:
    """The page's message box (the flash messages' list)."""
    start = page.index('<ul class="messages"')
    return page[start : page.index("</ul>", start)]


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def other_case(make_user, make_person) -> FuneralCase:
    clerk_b = make_user("township_clerk", VILLAGE_B[:9])
    return open_case(clerk_b, make_person(village=VILLAGE_B, birth=dt.date(1941, 1, 1), name="兖州老人"))


ROUTES = [
    ("get", "/funeral/{pk}/"),
    ("get", "/funeral/{pk}/letter/receipt/"),
    ("get", "/funeral/{pk}/letter/hukou/"),
    ("post", "/funeral/{pk}/cremation/"),
    ("post", "/funeral/{pk}/stop/"),
    ("get", "/api/v1/funeral/cases/{pk}"),
]


@pytest.mark.parametrize(("verb", "route"), ROUTES)
def test_another_countys_case_answers_exactly_like_a_missing_one(clerk, other_case, verb, route):
    c = _client(clerk)
    got = getattr(c, verb)(route.format(pk=other_case.pk))
    missing = getattr(c, verb)(route.format(pk=987654321))
    assert got.status_code == missing.status_code == 404
    assert got.content == missing.content
    other_case.refresh_from_db()
    assert other_case.state == "certified"


@pytest.mark.parametrize("role", ["village_assistant", "elderly_officer", "child_director"])
def test_staff_without_the_funeral_permission_are_refused_every_page(make_user, role, elder, clerk):
    case = open_case(clerk, elder)
    c = _client(make_user(role, VILLAGE_A if role != "elderly_officer" else VILLAGE_A[:6]))
    for url in ("/funeral/", "/funeral/new/", "/funeral/facilities/", "/funeral/burials/", "/funeral/eco/"):
        assert c.get(url).status_code == 403, url
    assert c.get(f"/funeral/{case.pk}/").status_code == 403
    assert c.get("/api/v1/funeral/cases").status_code == 403


def test_lists_and_the_export_hold_no_out_of_scope_cases(clerk, elder, other_case):
    open_case(clerk, elder)
    c = _client(clerk)
    page = c.get("/funeral/").content.decode()
    assert "王老汉" in page and "兖州老人" not in page
    assert [x["person"] for x in c.get("/api/v1/funeral/cases").json()] == ["王老汉"]
    export = c.get("/funeral/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_the_case_list_costs_a_fixed_number_of_queries(clerk, make_person, django_assert_max_num_queries):
    for i in range(12):
        open_case(clerk, make_person(birth=dt.date(1940, 1, 1 + i), name=f"逝者{i}"))
    c = _client(clerk)
    with django_assert_max_num_queries(10):
        assert c.get("/funeral/").status_code == 200


def test_the_one_form_opens_the_case_from_the_desk(clerk, elder):
    c = _client(clerk)
    assert "王老汉" in c.get("/funeral/new/", {"q": "王老汉"}).content.decode()
    r = c.post(
        "/funeral/new/",
        {
            "person": elder.pk,
            "death_date": DEATH.isoformat(),
            "death_place": "济宁市第一人民医院",
            "certificate_number": "J1",
            "family_name": "王小二",
            "family_relation": "儿子",
            "family_phone": "13912345678",
        },
    )
    case = FuneralCase.objects.get(person=elder)
    assert r.status_code == 302 and r["Location"] == f"/funeral/{case.pk}/"
    page = c.get(r["Location"]).content.decode()
    assert "13912345678" not in page and "已登记死亡" in page


@pytest.mark.parametrize("death_date", ["abc", "9999-01-01", "", "2026-13-01"])
def test_a_bad_death_date_gets_a_chinese_message_and_writes_nothing(clerk, elder, death_date):
    r = _client(clerk).post(
        "/funeral/new/",
        {
            "person": elder.pk,
            "death_date": death_date,
            "death_place": "家中",
            "certificate_number": "J1",
            "family_name": "王小二",
            "family_relation": "儿子",
        },
    )
    assert r.status_code == 200 and "死亡日期" in r.content.decode()
    elder.refresh_from_db()
    assert elder.is_alive and not FuneralCase.objects.exists()


@pytest.mark.parametrize("price", ["abc", "NaN", "99999999999999999999", "-5", "1e3", "50"])
def test_a_bad_urn_price_is_refused_in_chinese_and_the_step_stays(clerk, elder, home, price):
    from minzheng.funeral import services

    case = open_case(clerk, elder)
    case = services.funeral_cremation_record(actor=clerk, case=case, funeral_home=home, cremated_on=DEATH)
    case = services.funeral_hukou_notice(actor=clerk, case=case)
    c = _client(clerk)
    r = c.post(f"/funeral/{case.pk}/subsidy/", {"urn_price": price}, follow=True)
    page = r.content.decode()
    assert r.status_code == 200 and "骨灰盒价格" in page
    # every refusal names the policy's range (100–2700 yuan from the policy table), inside the message box
    assert "100元至2700元" in _box(page) and "最低100元，最高2700元" in _box(page)
    case.refresh_from_db()
    assert case.state == "hukou"


def test_the_done_message_of_a_step_is_shown_inside_the_message_box(clerk, elder, home):
    case = open_case(clerk, elder)
    r = _client(clerk).post(
        f"/funeral/{case.pk}/cremation/",
        {"funeral_home": home.pk, "cremated_on": DEATH.isoformat()},
        follow=True,
    )
    page = r.content.decode()
    assert '<li class="success">已办理' in _box(page)


@pytest.mark.parametrize(
    ("field", "value"),
    [("family_name", '=HYPERLINK("http://x","王")'), ("family_relation", "+儿子"), ("death_place", "@家中")],
)
def test_a_formula_like_name_on_the_one_form_is_refused_in_chinese_and_nothing_is_written(
    clerk, elder, field, value
):
    form = {
        "person": elder.pk,
        "death_date": DEATH.isoformat(),
        "death_place": "家中",
        "certificate_number": "J1",
        "family_name": "王小二",
        "family_relation": "儿子",
    }
    r = _client(clerk).post("/funeral/new/", form | {field: value})
    assert r.status_code == 200 and "不能以“=”“+”“-”“@”开头" in r.content.decode()
    elder.refresh_from_db()
    assert elder.is_alive and not FuneralCase.objects.exists()


def test_an_action_not_open_in_this_step_is_refused_without_change(clerk, elder):
    case = open_case(clerk, elder)
    r = _client(clerk).post(f"/funeral/{case.pk}/stop/", follow=True)
    assert "当前环节不能办理该事项" in r.content.decode()
    case.refresh_from_db()
    assert case.state == "certified"


def test_the_family_receipt_lists_every_step_with_its_status_and_what_to_bring(clerk, elder, home, paid):
    from minzheng.funeral import services

    paid()
    case = services.funeral_benefits_stop(
        actor=clerk, case=through_subsidy(clerk, open_case(clerk, elder), home)
    )
    html = _client(clerk).get(f"/funeral/{case.pk}/letter/receipt/").content.decode()
    for text in (
        "身后一件事办理回执",
        "死亡证明",
        "遗体接运与火化",
        "户口注销",
        "丧葬补助",
        "停发各项待遇",
        "需携带材料",
    ):
        assert text in html, text
    assert "特困人员救助供养" in html and "高龄津贴" in html and "2000" in html
    assert "任城区民政局" in html and "（盖章）" in html and "行政复议" in html and "css/document.css" in html


def test_the_settlement_notices_print_once_the_case_is_closed(clerk, elder, home):
    from minzheng.funeral import services

    case = services.funeral_benefits_stop(
        actor=clerk, case=through_subsidy(clerk, open_case(clerk, elder), home)
    )
    case = services.funeral_notices_issue(actor=clerk, case=case)
    c = _client(clerk)
    medical = c.get(f"/funeral/{case.pk}/letter/medical/").content.decode()
    pension = c.get(f"/funeral/{case.pk}/letter/pension/").content.decode()
    assert "医疗保险待遇清算告知书" in medical and "养老保险待遇清算告知书" in pension
    assert elder.id_number not in medical and c.get(f"/funeral/{case.pk}/letter/other/").status_code == 404


def test_the_person_page_shows_the_case(clerk, elder):
    case = open_case(clerk, elder)
    html = _client(clerk).get(f"/people/{elder.pk}/").content.decode()
    assert f"/funeral/{case.pk}/" in html


def test_facilities_plots_and_a_burial_from_the_desk(officer, clerk, elder):
    cemetery = facility_create(
        actor=officer, name="安居村公益性公墓", kind="public_cemetery", level="village", region_code=VILLAGE_A
    )
    c = _client(officer)
    r = c.post(
        f"/funeral/facilities/{cemetery.pk}/",
        {"prefix": "A", "count": "3", "plot_type": "public", "form": "tree"},
    )
    assert r.status_code == 302 and cemetery.plots.count() == 3
    bad = c.post(
        f"/funeral/facilities/{cemetery.pk}/", {"prefix": "B", "count": "abc", "plot_type": "public"}
    )
    assert "墓位数量应为整数" in bad.content.decode() and cemetery.plots.count() == 3
    open_case(clerk, elder)
    plot = cemetery.plots.first()
    r = c.post("/funeral/burials/", {"person": elder.pk, "plot": plot.pk, "buried_on": "2026-08-15"})
    assert r.status_code == 302
    burial = Burial.objects.get(person=elder)
    assert burial.eco and burial.form == "tree"
    assert "安居村公益性公墓" in c.get("/funeral/burials/").content.decode()
    assert Facility.objects.count() == 1
