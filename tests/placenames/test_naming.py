"""The gazetteer: naming and renaming go 申请 → 审核 → 批准/驳回 with a 文号 and separated duties; the
reserve feeds new names; every staff role searches the whole city's standard names, read-only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from minzheng.accounts.models import Role
from minzheng.accounts.permissions import Denied
from minzheng.placenames import services
from minzheng.placenames.models import NamingApplication, PlaceName
from minzheng.placenames.selectors import gazetteer
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A


def _approved(officers, app, no="任政字〔2026〕12号"):
    services.application_review(actor=officers["reviewer"], application=app, note="名称规范，无重名")
    return services.application_decide(
        actor=officers["approver"], application=app, approve=True, decision_no=no
    )


def test_a_naming_is_applied_reviewed_and_approved_with_its_document_number(officers, naming):
    app = naming(latitude=Decimal("35.41"), longitude=Decimal("116.58"))
    _approved(officers, app)
    place = PlaceName.objects.get(name="崇文路")
    assert place.status == "standard" and place.approval_no == "任政字〔2026〕12号"
    assert place.pinyin == "Chóngwén Lù" and place.latitude == Decimal("35.410000")


def test_the_applicant_does_not_review_and_the_reviewer_does_not_approve(officers, naming):
    app = naming()
    with pytest.raises(ValidationError, match="不能审核"):
        services.application_review(actor=officers["clerk"], application=app, note="同意")
    services.application_review(actor=officers["reviewer"], application=app, note="同意")
    with pytest.raises(Denied):  # the 社会事务科 enters and reviews; it does not approve
        services.application_decide(
            actor=officers["reviewer"], application=app, approve=True, decision_no="任政字〔2026〕1号"
        )
    assert NamingApplication.objects.get().status == "reviewed"


def test_a_county_officer_who_reviewed_an_application_does_not_also_approve_it(officers, naming, make_user):
    app = naming()
    county = make_user(Role.COUNTY_OFFICER, TOWN_A[:6])
    services.application_review(actor=county, application=app, note="同意报批")
    with pytest.raises(ValidationError, match="不能批准"):
        services.application_decide(
            actor=county, application=app, approve=True, decision_no="任政字〔2026〕3号"
        )
    services.application_decide(
        actor=officers["approver"], application=app, approve=True, decision_no="任政字〔2026〕3号"
    )
    assert PlaceName.objects.get(name="崇文路").approval_no == "任政字〔2026〕3号"


def test_the_county_officer_sees_and_approves_but_cannot_enter_an_application(officers, naming, client):
    app = naming()
    services.application_review(actor=officers["reviewer"], application=app, note="同意报批")
    client.force_login(officers["approver"])
    listing = client.get("/placenames/applications/").content.decode()
    assert "崇文路" in listing and "application-form" not in listing
    assert client.post("/placenames/applications/", {"proposed_name": "某路"}).status_code == 403
    page = client.get(f"/placenames/applications/{app.pk}/").content.decode()
    assert "act-approve" in page
    client.post(
        f"/placenames/applications/{app.pk}/",
        {"action": "approve", "decision_no": "任政字〔2026〕41号", "note": ""},
    )
    assert PlaceName.objects.get(name="崇文路").status == "standard"


def test_a_rejection_needs_a_reason_and_creates_no_name(officers, naming):
    app = naming()
    services.application_review(actor=officers["reviewer"], application=app, note="报批")
    with pytest.raises(ValidationError, match="理由"):
        services.application_decide(
            actor=officers["approver"], application=app, approve=False, decision_no="任政字〔2026〕2号"
        )
    services.application_decide(
        actor=officers["approver"],
        application=app,
        approve=False,
        decision_no="任政字〔2026〕2号",
        note="与规划不符",
    )
    assert NamingApplication.objects.get().status == "rejected"
    assert not PlaceName.objects.exists()


def test_a_renaming_keeps_the_former_name_in_the_history(officers, naming):
    _approved(officers, naming())
    place = PlaceName.objects.get()
    app = naming(name="文华路", pinyin="Wénhuá Lù", kind="renaming", place=place)
    _approved(officers, app, no="任政字〔2026〕30号")
    place.refresh_from_db()
    assert place.name == "文华路" and place.former_names == "崇文路"
    assert "由“崇文路”更名（任政字〔2026〕30号）" in place.history


def test_a_duplicate_name_in_the_county_and_bad_pinyin_or_coordinates_are_refused(officers, naming):
    _approved(officers, naming())
    with pytest.raises(ValidationError, match="不得重名"):
        naming()
    with pytest.raises(ValidationError, match="汉语拼音"):
        naming(name="新华路", pinyin="新华路")
    with pytest.raises(ValidationError, match="坐标"):
        naming(name="新华路", pinyin="Xīnhuá Lù", latitude=Decimal(0), longitude=Decimal(0))
    assert NamingApplication.objects.count() == 1


def test_a_name_from_the_reserve_becomes_standard_when_approved(officers, naming):
    services.reserve_add(
        actor=officers["clerk"], name="明德街", pinyin="Míngdé Jiē", category="road", region_code=TOWN_A
    )
    _approved(officers, naming(name="明德街", pinyin="Míngdé Jiē"))
    assert PlaceName.objects.get(name="明德街").status == "standard"
    assert PlaceName.objects.count() == 1


def test_every_staff_role_searches_the_whole_citys_gazetteer_read_only(officers, naming, make_user):
    _approved(officers, naming())
    village = make_user(Role.GRID_WORKER, TOWN_A)
    other = make_user(Role.TOWNSHIP_CLERK, TOWN_B)
    place = PlaceName.objects.get()
    c = Client()
    c.force_login(village)
    page = c.get("/placenames/", {"q": "崇文"}).content.decode()
    assert "崇文路" in page and "命名更名申请" not in page
    assert c.get(f"/placenames/{place.pk}/").status_code == 200
    assert c.get("/placenames/applications/").status_code == 403
    # issue 16: standard names are read city-wide (reading, not editing)
    c.force_login(other)
    assert "崇文路" in c.get("/placenames/", {"q": "崇文"}).content.decode()
    assert c.get(f"/placenames/{place.pk}/").status_code == 200
    c.force_login(make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A))
    assert c.get(f"/placenames/{place.pk}/").status_code == 200
    c.force_login(make_user(Role.SYSADMIN, TOWN_A))  # no place-name permission at all
    assert c.get("/placenames/").status_code == 403
    assert c.get(f"/placenames/{place.pk}/").status_code == 404


def test_the_desk_takes_an_application_through_to_approval(officers, client):
    form = {
        "place_county": TOWN_A[:6],
        "place_township": TOWN_A,
        "category": "residential",
        "proposed_name": "翰林苑",
        "pinyin": "Hànlín Yuàn",
        "reason": "取翰墨书香之意",
        "applicant_unit": "任城区某置业公司",
    }
    client.force_login(officers["clerk"])
    bad = client.post("/placenames/applications/", {**form, "latitude": "abc", "longitude": "116.5"})
    assert bad.status_code == 200 and "纬度" in bad.content.decode()
    assert not NamingApplication.objects.exists()
    assert client.post("/placenames/applications/", form).status_code == 302
    app = NamingApplication.objects.get()
    assert app.region_code == TOWN_A
    page = client.get(f"/placenames/applications/{app.pk}/").content.decode()
    assert "act-review" not in page  # the applicant is offered no review
    client.force_login(officers["reviewer"])
    client.post(f"/placenames/applications/{app.pk}/", {"action": "review", "note": "同意报批"})
    client.force_login(officers["approver"])
    client.post(
        f"/placenames/applications/{app.pk}/",
        {"action": "approve", "decision_no": "任政字〔2026〕40号", "note": ""},
    )
    assert PlaceName.objects.get().name == "翰林苑"


def test_the_demo_seeds_standard_names_the_reserve_and_an_application_the_county_officer_approves(
    make_user, client
):
    from minzheng.accounts.system import system_actor
    from minzheng.demo.lines import placenames as demo

    make_user(Role.SOCIAL_AFFAIRS_OFFICER, TOWN_A[:6], username="shehui")
    make_user(Role.COUNTY_OFFICER, TOWN_A[:6], username="xianji2")
    xianji = make_user(Role.COUNTY_OFFICER, TOWN_A[:6], username="xianji")
    line = demo.seed(actor=system_actor(purpose="测试"), seed=1)
    assert "4条标准地名" in line
    assert PlaceName.objects.filter(status="standard").exclude(approval_no="").count() == 4
    assert PlaceName.objects.filter(status="reserve").count() == 3
    statuses = dict(NamingApplication.objects.values_list("proposed_name", "status"))
    assert statuses == {"崇文街": "reviewed", "致远路": "applied"}
    road = NamingApplication.objects.get(proposed_name="崇文街")
    client.force_login(xianji)
    client.post(
        f"/placenames/applications/{road.pk}/",
        {"action": "approve", "decision_no": "任政字〔2026〕50号", "note": ""},
    )
    assert PlaceName.objects.get(name="崇文街").status == "standard"


def test_the_gazetteer_finds_a_name_by_pinyin_typed_without_tones_or_spaces(officers, naming, make_user):
    _approved(officers, naming(name="崇文街", pinyin="Chóngwén Jiē"))
    services.reserve_add(
        actor=officers["clerk"], name="绿荫路", pinyin="Lǜyìn Lù", category="road", region_code=TOWN_A
    )
    assert PlaceName.objects.get(name="崇文街").pinyin_key == "chongwenjie"
    c = Client()
    c.force_login(make_user(Role.GRID_WORKER, TOWN_A))
    for typed in ("chongwen", "Chongwen Jie", "chóngwén", "CHONGWENJIE"):
        assert "崇文街" in c.get("/placenames/", {"q": typed}).content.decode(), typed
    assert "崇文街" not in c.get("/placenames/", {"q": "chongwu"}).content.decode()
    assert PlaceName.objects.get(name="绿荫路").pinyin_key == "luyinlu"
    found = gazetteer(actor=officers["clerk"], q="lvyin", status="reserve")
    assert [p.name for p in found] == ["绿荫路"]


def test_the_migration_backfills_the_pinyin_key_of_names_entered_before_it(officers, naming):
    import importlib

    from django.apps import apps

    _approved(officers, naming(name="崇文街", pinyin="Chóngwén Jiē"))
    PlaceName.objects.update(pinyin_key="")  # as a row entered before 0002 stands
    migration = importlib.import_module("minzheng.placenames.migrations.0002_placename_pinyin_key")
    migration.backfill(apps, None)
    assert list(PlaceName.objects.values_list("pinyin_key", flat=True)) == ["chongwenjie"]
