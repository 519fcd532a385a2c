from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from minzheng.audit.models import AuditLog
from minzheng.visits import selectors as sel
from minzheng.visits import services as svc
from minzheng.visits.models import Raise, Visit, VisitorAssignment
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B

TODAY = timezone.localdate()


def _visit(actor, elder, **kw):
    args = {
        "visited_on": TODAY,
        "mode": "home",
        "health": "good",
        "safety": "safe",
        "needs": ["none"],
    }
    args.update(kw)
    return svc.visit_record(actor=actor, elder=elder, **args)


def _jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_special_elder_without_a_visitor_is_the_clerks_to_do_until_assigned(make_elder, make_user, clerk):
    elder = make_elder()
    make_elder(situation="with_family")  # not special
    make_elder(birth=dt.date(1990, 1, 1))  # too young
    assert [p.person_id for p in sel.unassigned(actor=clerk, on=TODAY)] == [elder.pk]
    cadre = make_user("village_assistant", VILLAGE_A)
    svc.visitor_assign(actor=clerk, elder=elder, kind="village_cadre", visitor=cadre)
    assert not sel.unassigned(actor=clerk, on=TODAY).exists()


def test_bulk_assignment_by_village_gives_every_unassigned_special_elder_the_visitor(
    make_elder, make_user, clerk
):
    elders = [make_elder(name=f"老人{i}") for i in range(3)]
    volunteer = make_user("volunteer", VILLAGE_A)
    assert (
        svc.visitor_assign_village(actor=clerk, village_code=VILLAGE_A, kind="helper", visitor=volunteer) == 3
    )
    assert set(VisitorAssignment.objects.filter(visitor=volunteer).values_list("elder_id", flat=True)) == {
        e.pk for e in elders
    }


def test_a_social_worker_without_an_account_is_a_name_and_a_masked_phone(make_elder, clerk):
    elder = make_elder()
    a = svc.visitor_assign(
        actor=clerk, elder=elder, kind="social_worker", visitor_name="李社工", visitor_phone="13912345678"
    )
    assert a.display_name == "李社工" and a.phone_masked == "139****5678"
    assert "13912345678" not in a.visitor_phone_enc
    with pytest.raises(ValidationError, match="须选择系统账号"):
        svc.visitor_assign(actor=clerk, elder=elder, kind="helper", visitor_name="张三", visitor_phone="1391")


def test_only_the_assigned_visitor_or_township_staff_may_record_a_visit(make_elder, make_user, clerk):
    elder = make_elder()
    mine, other = make_user("village_assistant", VILLAGE_A), make_user("volunteer", VILLAGE_A)
    svc.visitor_assign(actor=clerk, elder=elder, kind="village_cadre", visitor=mine)
    with pytest.raises(ValidationError, match="只有该老年人的探访人员"):
        _visit(other, elder)
    _visit(mine, elder)
    _visit(clerk, elder)
    assert Visit.objects.filter(elder=elder).count() == 2


def test_bad_visit_input_gets_a_chinese_message_and_saves_nothing(make_elder, clerk):
    elder = make_elder()
    for kw, msg in [
        ({"mode": "fax"}, "探访方式"),
        ({"visited_on": TODAY + dt.timedelta(days=1)}, "晚于今天"),
        ({"needs": []}, "需求"),
        ({"needs": ["none", "meals"]}, "暂无需求"),
        ({"photo": SimpleUploadedFile("a.jpg", b"GIF89a....")}, "JPG或PNG"),
    ]:
        with pytest.raises(ValidationError, match=msg):
            _visit(clerk, elder, **kw)
    assert not Visit.objects.exists()


def test_a_safety_risk_always_raises_an_alert_to_the_township_and_a_referral_keeps_its_target(
    make_elder, clerk
):
    elder = make_elder()
    _visit(clerk, elder, safety="risk", raises=["dibao"], raise_note="收入骤降")
    kinds = sorted(Raise.objects.values_list("kind", flat=True))
    assert kinds == ["dibao", "safety_alert"]
    assert sel.open_raises(actor=clerk).count() == 2
    svc.raise_set_status(actor=clerk, item=Raise.objects.get(kind="dibao"), status="closed")
    assert sel.open_raises(actor=clerk).count() == 1


def test_the_photo_is_stripped_of_exif_and_served_only_within_the_elders_region(make_elder, make_user, clerk):
    elder = make_elder()
    raw = _jpeg_with_exif()
    assert b"PhoneMaker" in raw
    visit = _visit(clerk, elder, photo=SimpleUploadedFile("x.jpg", raw, content_type="image/jpeg"))
    stored = visit.photo.read()
    assert stored.startswith(b"\xff\xd8\xff") and b"PhoneMaker" not in stored
    c = Client()
    c.force_login(clerk)
    url = f"/visits/elder/{elder.pk}/photo/?visit={visit.pk}"
    assert c.get(url).status_code == 200
    assert AuditLog.objects.filter(target_type="visits.photo", event_type="reveal").exists()
    c.force_login(make_user("township_clerk", TOWN_B))
    assert c.get(url).status_code == 404


def test_the_visit_rate_counts_visited_special_elders_per_township_in_a_couple_of_queries(
    make_elder, make_user, clerk, django_assert_max_num_queries
):
    county = make_user("elderly_officer", "370811")
    elders = [make_elder(name=f"老人{i}") for i in range(4)]
    _visit(clerk, elders[0])
    _visit(clerk, elders[1])
    _visit(clerk, elders[1], visited_on=TODAY.replace(day=1))  # two visits still count one elder
    with django_assert_max_num_queries(3):
        report = sel.visit_rate(actor=county, month=TODAY)
    [c] = report.counties
    [t] = c.townships
    assert (t.code, t.total, t.visited, str(t.rate)) == (TOWN_A, 4, 2, "0.5000")
    assert report.target == 1 and not t.met
    assert {p.person_id for p in sel.not_visited(actor=county, month=TODAY)} == {elders[2].pk, elders[3].pk}


def test_the_rate_page_and_its_masked_export_answer_the_clerk(
    make_elder, clerk, django_assert_max_num_queries
):
    for i in range(5):
        make_elder(name=f"老人{i}")
    c = Client()
    c.force_login(clerk)
    with django_assert_max_num_queries(20):
        r = c.get("/visits/rate/")
    assert r.status_code == 200 and "老人0" in r.content.decode()
    x = c.get("/visits/rate/?export=xlsx")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxml")
    assert AuditLog.objects.filter(target_type="visits.not_visited", event_type="export").exists()


def test_the_visitors_month_lists_unvisited_elders_first_and_its_todo_counts_them(
    make_elder, make_user, clerk
):
    from minzheng.visits import todos

    cadre = make_user("village_assistant", VILLAGE_A)
    a, b = make_elder(name="甲"), make_elder(name="乙")
    for e in (a, b):
        svc.visitor_assign(actor=clerk, elder=e, kind="village_cadre", visitor=cadre)
    _visit(cadre, a)
    assert [p.person_id for p in sel.my_month(actor=cadre, month=TODAY)] == [b.pk, a.pk]
    assert todos.my_month(cadre, TODAY).count == 1


def test_a_pair_without_a_checkin_for_the_policy_days_is_a_village_to_do(make_elder, make_user, clerk):
    cadre = make_user("village_assistant", VILLAGE_A)
    elder = make_elder()
    pair = svc.pair_create(
        actor=cadre,
        elder=elder,
        frequency="daily",
        helper_name="邻居刘",
        started_on=TODAY - dt.timedelta(days=10),
    )
    days = sel.missed_days(on=TODAY)
    assert [p.pk for p in sel.pairs_silent(actor=cadre, on=TODAY)] == [pair.pk]
    svc.checkin_record(actor=cadre, pair=pair, on=TODAY - dt.timedelta(days=days))
    assert sel.pairs_silent(actor=cadre, on=TODAY).exists()  # exactly N days ago is still too long
    svc.checkin_record(actor=cadre, pair=pair)
    assert not sel.pairs_silent(actor=cadre, on=TODAY).exists()


def test_another_townships_elder_answers_404_on_every_visits_page(make_elder, make_user, clerk):
    other_clerk = make_user("township_clerk", TOWN_B)
    elder = make_elder(village=VILLAGE_B, situation="alone", actor=other_clerk)
    c = Client()
    c.force_login(clerk)
    for url in ("", "assign/", "pair/", "checkin/"):
        assert c.post(f"/visits/elder/{elder.pk}/{url}").status_code == 404
    for url in ("", "photo/?visit=1"):
        assert c.get(f"/visits/elder/{elder.pk}/{url}").status_code == 404


def test_the_visit_form_posts_on_a_phone_and_bad_input_shows_a_message(make_elder, make_user, clerk):
    cadre = make_user("village_assistant", VILLAGE_A)
    elder = make_elder()
    svc.visitor_assign(actor=clerk, elder=elder, kind="village_cadre", visitor=cadre)
    c = Client()
    c.force_login(cadre)
    bad = c.post(f"/visits/elder/{elder.pk}/", {"visited_on": "x", "mode": "home"})
    assert bad.status_code == 400 and "探访日期格式应为年-月-日" in bad.content.decode()
    ok = c.post(
        f"/visits/elder/{elder.pk}/",
        {
            "visited_on": TODAY.isoformat(),
            "mode": "phone",
            "health": "fair",
            "safety": "safe",
            "needs": ["meals"],
        },
    )
    assert ok.status_code == 302 and Visit.objects.get().mode == "phone"


def test_the_person_page_shows_the_visits_panel(make_elder, clerk):
    elder = make_elder()
    _visit(clerk, elder, note="腿脚不便")
    c = Client()
    c.force_login(clerk)
    body = c.get(f"/people/{elder.pk}/").content.decode()
    assert "探访关爱" in body and "腿脚不便" in body


def test_the_clerk_assigns_a_whole_village_from_the_page_and_others_are_refused(make_elder, make_user, clerk):
    make_elder(name="甲")
    cadre = make_user("village_assistant", VILLAGE_A)
    c = Client()
    c.force_login(clerk)
    assert "甲" in c.get("/visits/assign/").content.decode()
    r = c.post("/visits/assign/", {"village": VILLAGE_A, "kind": "village_cadre", "visitor": cadre.pk})
    assert r.status_code == 302 and VisitorAssignment.objects.get().visitor == cadre
    c.force_login(cadre)
    assert c.get("/visits/assign/").status_code == 403
    assert c.get("/visits/rate/").status_code == 403


def test_the_morning_tap_on_the_pairs_page_records_a_checkin(make_elder, make_user):
    cadre = make_user("village_assistant", VILLAGE_A)
    elder = make_elder()
    svc.pair_create(actor=cadre, elder=elder, frequency="daily", helper_name="邻居刘")
    c = Client()
    c.force_login(cadre)
    assert "邻居刘" in c.get("/visits/pairs/").content.decode()
    assert c.post(f"/visits/elder/{elder.pk}/checkin/", {"safe": "1"}).status_code == 302
    assert "今日已报平安" in c.get("/visits/pairs/").content.decode()
