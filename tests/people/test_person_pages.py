from django.test import Client

from minzheng.audit.models import AuditLog
from minzheng.core.idnumber import is_valid_id_number
from tests.conftest import TOWN_A


def _login(make_user, role="township_clerk", region=TOWN_A):
    c = Client()
    c.force_login(make_user(role, region))
    return c


def test_person_page_shows_the_masked_id_and_never_the_full_one(make_household, make_user):
    hh = make_household(size=2)
    person = hh.memberships.first().person
    body = _login(make_user).get(f"/people/{person.pk}/").content.decode()
    assert person.id_masked in body
    assert person.id_number not in body
    assert f"/households/{hh.pk}/" in body


def test_revealing_the_full_id_writes_exactly_one_audit_row_without_the_value(make_household, make_user):
    person = make_household(size=1).memberships.first().person
    c = _login(make_user)
    before = AuditLog.objects.count()
    response = c.post(f"/people/{person.pk}/reveal/")
    assert response.status_code == 200
    assert person.id_number in response.content.decode()
    rows = list(AuditLog.objects.order_by("seq")[before:])
    assert [(r.event_type, r.target_type, r.target_id) for r in rows] == [
        ("reveal", "person.id_number", str(person.pk))
    ]
    flat = str(rows[0].__dict__)
    assert person.id_number not in flat


def test_reveal_by_get_is_not_allowed(make_household, make_user):
    person = make_household(size=1).memberships.first().person
    assert _login(make_user).get(f"/people/{person.pk}/reveal/").status_code == 405


def test_the_search_list_masks_ids_and_runs_in_a_fixed_number_of_queries(
    make_household, make_user, django_assert_max_num_queries
):
    for _ in range(5):
        make_household(size=3)
    c = _login(make_user)
    with django_assert_max_num_queries(8):
        body = c.get("/people/").content.decode()
    assert body.count("370811********") == 15
    assert not any(is_valid_id_number(tok) for tok in body.replace("<", " ").replace(">", " ").split())


def test_household_page_lists_current_members_with_relation(make_household, make_user):
    hh = make_household(size=3)
    body = _login(make_user).get(f"/households/{hh.pk}/").content.decode()
    assert "户主" in body and body.count("子女") == 2


def test_anonymous_users_are_sent_to_the_login_page_in_chinese(db):
    c = Client()
    response = c.get("/people/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    page = c.get("/login/").content.decode()
    assert "用户登录" in page and 'lang="zh-hans"' in page


def test_pages_carry_a_csp_without_inline_script(db):
    response = Client().get("/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in response.content.decode()


def test_english_is_available_through_i18n(db):
    c = Client()
    c.cookies["django_language"] = "en"
    page = c.get("/login/").content.decode()
    assert "Sign in" in page and "用户登录" not in page


def test_a_new_family_is_registered_at_the_window_or_nothing_is_saved(make_user):
    import datetime as dt

    from minzheng.core.idnumber import make_id_number
    from minzheng.people.models import Household, Person

    c = Client()
    c.force_login(make_user("township_clerk", TOWN_A))
    head = make_id_number("370811", dt.date(1970, 3, 3), 41, "M")
    data = {
        "number": "NEW001",
        "region_code": "370811001001",
        "hukou_type": "rural",
        "name_1": "曾凡",
        "id_number_1": head,
        "relation_1": "head",
        "name_2": "曾小",
        "id_number_2": head[:-1] + ("0" if head[-1] != "0" else "1"),
        "relation_2": "child",
    }
    page = c.post("/households/new/", data).content.decode()
    assert "第2位成员" in page and "校验位" in page
    assert Person.objects.count() == 0 and Household.objects.count() == 0
    data["id_number_2"] = make_id_number("370811", dt.date(2001, 4, 4), 42, "F")
    r = c.post("/households/new/", data)
    hh = Household.objects.get(number="NEW001")
    assert r.status_code == 302 and hh.memberships.count() == 2


def test_the_household_page_is_headed_by_its_heads_name_and_village_not_the_bare_number(
    make_household, make_user
):
    """The walk read the title 户3708110000000021 on the household page: people know a family by its head."""
    hh = make_household(size=2)
    head = hh.memberships.get(relation="head").person
    page = _login(make_user).get(f"/households/{hh.pk}/").content.decode()
    title = page.split("<title>")[1].split("</title>")[0]
    assert head.name in title and hh.number not in title
    assert f"{head.name}户（{hh.region.name}）" in page.split("<h1>")[1].split("</h1>")[0]
