"""Issue 16, the walker's findings: anyone searches the approved standard names without a login (and no
internal note or pending name shows); staff read the whole city's gazetteer but edit only their own; the
administrative units of the regions registry are found as 行政区划; the 首页 to-do lists only what the
actor may act on."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minzheng.accounts.models import Role
from minzheng.placenames import selectors, services
from minzheng.placenames.models import NamingApplication, PlaceName
from tests.conftest import TOWN_A, TOWN_B


def _approved(officers, app, no="任政字〔2026〕12号"):
    services.application_review(actor=officers["reviewer"], application=app, note="内部意见：与崇文街相近")
    return services.application_decide(
        actor=officers["approver"], application=app, approve=True, decision_no=no, note="内部决定备注"
    )


def _public(params: dict[str, str]) -> str:
    """The results part of the public page (the form echoes what was typed)."""
    r = Client().get("/placenames/public/", params)
    assert r.status_code == 200
    html = r.content.decode()
    return html.split('id="public-results"', 1)[1] if 'id="public-results"' in html else ""


def test_anyone_finds_an_approved_name_by_chinese_or_toneless_pinyin_without_a_login(officers, naming):
    _approved(officers, naming(name="崇文路", pinyin="Chóngwén Lù"))
    naming(name="明德街", pinyin="Míngdé Jiē")  # pending: never public
    services.reserve_add(
        actor=officers["clerk"], name="绿荫路", pinyin="Lǜyìn Lù", category="road", region_code=TOWN_A
    )
    for typed in ({"q": "崇文"}, {"q": "chongwenlu"}, {"q": "chóngwén"}, {"category": "road"}):
        page = _public(typed)
        assert "崇文路" in page and "任政字〔2026〕12号" in page and "任城区" in page, typed
        assert "取崇尚文化之意" in page  # the meaning
        assert "明德街" not in page and "绿荫路" not in page, typed
        assert "内部意见" not in page and "内部决定备注" not in page
    assert "崇文路" not in _public({"q": "崇文", "county": TOWN_B[:6]})
    assert "崇文路" not in _public({"q": "崇文", "category": "natural"})
    assert "崇文路" not in _public({})  # nothing is listed until asked for


def test_the_public_search_is_refused_with_a_chinese_message_when_one_address_asks_too_often(settings, db):
    settings.PLACENAMES_PUBLIC_PER_MINUTE = 2
    c = Client(REMOTE_ADDR="10.9.9.9")
    assert [c.get("/placenames/public/", {"q": "路"}).status_code for _ in range(2)] == [200, 200]
    refused = c.get("/placenames/public/", {"q": "路"})
    assert refused.status_code == 429 and "查询过于频繁" in refused.content.decode()
    assert Client(REMOTE_ADDR="10.9.9.8").get("/placenames/public/", {"q": "路"}).status_code == 200


def test_the_administrative_units_of_the_regions_registry_are_searched_as_standard_names(make_user):
    from minzheng.regions.models import Region

    county = Region.objects.get(code=TOWN_A[:6])
    town = Region.objects.get(code=TOWN_A)
    page = _public({"q": town.name})
    assert town.name in page and "行政区划" in page
    assert county.name in _public({"q": county.name, "category": "admin"})
    assert town.name not in _public({"q": town.name, "category": "road"})
    c = Client()
    c.force_login(make_user(Role.GRID_WORKER, TOWN_B))
    staff = c.get("/placenames/", {"q": town.name, "category": "admin"}).content.decode()
    assert town.name in staff and "行政区划" in staff


def test_the_search_pages_take_the_same_number_of_queries_for_one_name_or_many(officers, naming, make_user):
    _approved(officers, naming(name="崇文路", pinyin="Chóngwén Lù"))
    c = Client()
    c.force_login(make_user(Role.GRID_WORKER, TOWN_A))
    with CaptureQueriesContext(connection) as one:
        assert c.get("/placenames/", {"county": TOWN_A[:6]}).status_code == 200
    _approved(officers, naming(name="明德街", pinyin="Míngdé Jiē"), no="任政字〔2026〕13号")
    _approved(officers, naming(name="至善路", pinyin="Zhìshàn Lù"), no="任政字〔2026〕14号")
    with CaptureQueriesContext(connection) as three:
        html = c.get("/placenames/", {"county": TOWN_A[:6]}).content.decode()
    assert "明德街" in html and "至善路" in html
    assert len(three) == len(one)
    with CaptureQueriesContext(connection) as public:
        assert "至善路" in _public({"county": TOWN_A[:6]})
    assert len(public) <= 6


def test_staff_read_the_whole_citys_gazetteer_but_rename_only_in_their_county(officers, naming, make_user):
    _approved(officers, naming(name="崇文路", pinyin="Chóngwén Lù"))
    place = PlaceName.objects.get()
    reserve = services.reserve_add(
        actor=officers["clerk"], name="绿荫路", pinyin="Lǜyìn Lù", category="road", region_code=TOWN_A
    )
    c = Client()
    c.force_login(make_user(Role.TOWNSHIP_CLERK, TOWN_B))
    assert "崇文路" in c.get("/placenames/", {"q": "崇文"}).content.decode()
    page = c.get(f"/placenames/{place.pk}/")
    assert page.status_code == 200 and "申请更名" not in page.content.decode()
    assert c.get(f"/placenames/{reserve.pk}/").status_code == 404  # the reserve stays in its region
    other_officer = make_user(Role.SOCIAL_AFFAIRS_OFFICER, TOWN_B[:6])
    c.force_login(other_officer)
    assert c.get("/placenames/applications/", {"rename": place.pk}).status_code == 404
    form = {"place": place.pk, "proposed_name": "崇德路", "pinyin": "Chóngdé Lù", "reason": "改名以示崇德"}
    assert c.post("/placenames/applications/", form).status_code == 404
    assert not NamingApplication.objects.filter(proposed_name="崇德路").exists()
    assert [p.name for p in selectors.gazetteer(actor=other_officer, status="reserve")] == []


def test_the_to_do_lists_only_applications_whose_next_step_the_actor_may_take(officers, naming, make_user):
    from django.utils import timezone

    mine = naming(name="崇文路", pinyin="Chóngwén Lù")  # applied by the clerk
    reviewed = naming(name="明德街", pinyin="Míngdé Jiē")
    services.application_review(actor=officers["reviewer"], application=reviewed, note="同意")
    today = timezone.localdate()
    second_county_officer = make_user(Role.COUNTY_OFFICER, TOWN_A[:6])
    services.application_review(
        actor=second_county_officer, application=naming(name="至善路", pinyin="Zhìshàn Lù"), note="同意"
    )
    expected = {
        "clerk": set(),  # its own applications wait for someone else
        "reviewer": {"崇文路"},  # it may review the clerk's; 明德街 and 至善路 wait for approval
        "approver": {"崇文路", "明德街", "至善路"},
    }
    for who, names in expected.items():
        actor = officers[who]
        todo = selectors.todo_applications(actor, today)
        assert {i.label for i in todo.items} == names and todo.count == len(names), who
        for app in NamingApplication.objects.filter(status__in=["applied", "reviewed"]):
            acts = selectors.application_actions(actor=actor, application=app)
            assert bool(acts) == (app.proposed_name in names), (who, app.proposed_name)
    # the county officer who reviewed 至善路 may not approve it
    assert {i.label for i in selectors.todo_applications(second_county_officer, today).items} == {
        "崇文路",
        "明德街",
    }
    assert mine.status == "applied"


def test_the_public_search_finds_administrative_units_by_their_toneless_pinyin(db):
    for typed in ("rencheng", "RenChengQu", "rènchéng"):
        page = _public({"q": typed})
        assert "任城区" in page and "Rènchéngqū" in page, typed
    assert "王邹街道" in _public({"q": "wangzou"})
    assert "王邹街道" not in _public({"q": "wangzhou"})
