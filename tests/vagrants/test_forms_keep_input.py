"""A refused form of the line shows a Chinese message naming the field and the form again with what the
worker typed (dates included), and changes nothing."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from minzheng.vagrants import services
from minzheng.vagrants.models import Patrol, Tracing
from tests.conftest import VILLAGE_A


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_a_refused_care_entry_keeps_the_note_and_names_the_date(staff, unknown_intake):
    stay = unknown_intake()
    r = _client(staff["officer"]).post(
        f"/vagrants/stay/{stay.pk}/care/", {"kind": "medical", "on": "2026-13-40", "note": "高血压复诊"}
    )
    html = r.content.decode()
    assert r.status_code == 200 and "救助日期" in html
    assert 'value="高血压复诊"' in html and 'value="medical" selected' in html
    assert not stay.care.exists()


def test_a_refused_tracing_keeps_the_clues_typed(staff, unknown_intake):
    stay = unknown_intake()
    r = _client(staff["officer"]).post(
        f"/vagrants/stay/{stay.pk}/tracing/", {"claimed_name": "=熊军辉", "details": "口音像兖州，左手腕有疤"}
    )
    html = r.content.decode()
    assert r.status_code == 200 and "自报姓名" in html
    assert "口音像兖州，左手腕有疤</textarea>" in html and 'value="=熊军辉"' in html
    assert not Tracing.objects.exists()


def test_a_refused_exit_keeps_the_date_and_note(staff, unknown_intake):
    stay = unknown_intake(days_ago=3)
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    r = _client(staff["officer"]).post(
        f"/vagrants/stay/{stay.pk}/exit/", {"kind": "returned", "on": day, "note": "护送至兖州"}
    )
    html = r.content.decode()
    assert r.status_code == 200 and "身份尚未确认" in html
    assert f'value="{day}"' in html and 'value="护送至兖州"' in html
    stay.refresh_from_db()
    assert stay.state == "in_station"


def test_a_refused_visit_keeps_the_typed_date(staff, make_person):
    person = make_person(village=VILLAGE_A, birth=dt.date(1950, 1, 1), name="孙大爷")
    entry = services.ledger_add(actor=staff["officer"], person=person, kind="at_risk", risk="dementia")
    day = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    r = _client(staff["village"]).post(
        f"/vagrants/ledger/{entry.pk}/visit/", {"visited_on": day, "at_home": ""}
    )
    html = r.content.decode()
    assert r.status_code == 200 and "请选择是否在家" in html and f'value="{day}"' in html
    assert not entry.visits.exists()


def test_a_refused_patrol_keeps_the_route_and_the_day(staff):
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    r = _client(staff["officer"]).post(
        "/vagrants/patrols/",
        {"route": "火车站—运河", "day": day, "start": "25:99", "end": "10:00", "persons_met": "3"},
    )
    html = r.content.decode()
    assert r.status_code == 200 and "时间格式" in html
    assert 'value="火车站—运河"' in html and f'value="{day}"' in html
    assert not Patrol.objects.exists()


def test_a_refused_exit_date_is_kept_with_the_error_next_to_the_form(staff, unknown_intake):
    stay = unknown_intake(days_ago=3)
    bad = (timezone.localdate() - dt.timedelta(days=30)).isoformat()  # before the intake
    r = _client(staff["officer"]).post(
        f"/vagrants/stay/{stay.pk}/exit/", {"kind": "left", "on": bad, "note": "自行离站"}
    )
    html = r.content.decode()
    assert r.status_code == 200
    form = html[html.index('id="exit-error"') : html.index("</form>", html.index('id="exit-form"'))]
    assert "离站日期应在入站之日至今天之间" in form
    assert f'value="{bad}"' in form and 'value="自行离站"' in form and 'value="left" selected' in form
    assert 'aria-invalid="true"' in form
    stay.refresh_from_db()
    assert stay.state == "in_station"
