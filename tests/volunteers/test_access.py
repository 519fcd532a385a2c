"""Scope of the line (its URLs take `pk`, outside the generated matrix): another county's organiser and
another county's volunteer get 404 exactly like a missing record on every page and action; staff without
the line's permissions are refused; the lists' queries are bounded and the export is masked and
formula-safe."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from minzheng.accounts.models import Role
from minzheng.audit.models import AuditLog
from minzheng.volunteers import services
from tests.conftest import VILLAGE_B
from tests.volunteers.conftest import fresh_id


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def records(earned, make_item, make_activity, make_volunteer):
    a = make_activity()
    s = services.activity_signup(actor=make_volunteer(name="丙").user, activity=a)
    return {"volunteer": earned.pk, "activity": a.pk, "signup": s.pk, "item": make_item().pk}


ROUTES = [
    ("get", "/volunteers/registry/{volunteer}/"),
    ("get", "/volunteers/registry/{volunteer}/certificate/"),
    ("post", "/volunteers/registry/{volunteer}/bind/"),
    ("post", "/volunteers/registry/{volunteer}/update/"),
    ("get", "/volunteers/activities/{activity}/"),
    ("post", "/volunteers/activities/{activity}/signup/"),
    ("post", "/volunteers/activities/{activity}/checkin/"),
    ("post", "/volunteers/activities/{activity}/confirm_all/"),
    ("post", "/volunteers/activities/{activity}/cancel/"),
    ("post", "/volunteers/signups/{signup}/confirm/"),
    ("post", "/volunteers/signups/{signup}/absent/"),
    ("post", "/volunteers/store/{item}/redeem/"),
    ("get", "/api/v1/volunteers/activities/{activity}"),
]


@pytest.fixture
def other_volunteer(make_user):
    officer = make_user(Role.ORG_OFFICER, "370812")
    v = services.volunteer_register(
        actor=officer, id_number=fresh_id("370812"), name="外县", region_code=VILLAGE_B
    )
    services.volunteer_bind_user(actor=officer, volunteer=v, user=make_user(Role.VOLUNTEER, VILLAGE_B))
    v.refresh_from_db()
    return v.user


@pytest.mark.parametrize("who", ["outsider", "other_volunteer"])
def test_another_countys_organiser_or_volunteer_gets_404_like_a_missing_record_everywhere(
    records, who, request
):
    c = _client(request.getfixturevalue(who))
    missing = dict.fromkeys(records, 987654321)
    for verb, route in ROUTES:
        got = getattr(c, verb)(route.format(**records))
        ref = getattr(c, verb)(route.format(**missing))
        assert got.status_code == ref.status_code == 404, route
        assert got.content == ref.content, route


@pytest.mark.parametrize("role", [Role.TOWNSHIP_CLERK, Role.SOCIAL_AFFAIRS_OFFICER, Role.CARER])
def test_staff_without_the_lines_permissions_are_refused_and_records_read_as_missing(
    records, make_user, role
):
    c = _client(make_user(role, "370811001" if role == Role.CARER else "370811"))
    for url in (
        "/volunteers/",
        "/volunteers/registry/",
        "/volunteers/teams/",
        "/volunteers/targets/",
        "/volunteers/me/",
    ):
        assert c.get(url).status_code == 403, url
    for verb, route in ROUTES:
        assert getattr(c, verb)(route.format(**records)).status_code == 404, route


def test_a_volunteer_reads_only_their_own_record_not_the_registry(records, earned):
    c = _client(earned.user)
    assert c.get("/volunteers/registry/").status_code == 403
    assert c.get(f"/volunteers/registry/{earned.pk}/").status_code == 404
    assert c.get("/volunteers/me/").status_code == 200


def test_a_county_officer_reads_but_cannot_manage(records, make_user):
    c = _client(make_user(Role.COUNTY_OFFICER, "370811"))
    assert c.get("/volunteers/").status_code == 200
    assert c.get(f"/volunteers/activities/{records['activity']}/").status_code == 200
    assert c.get("/volunteers/activities/new/").status_code == 403
    assert c.post(f"/volunteers/signups/{records['signup']}/confirm/").status_code == 404


def test_the_lists_are_paged_with_bounded_queries(
    organiser, make_volunteer, make_activity, django_assert_max_num_queries
):
    for i in range(12):
        make_volunteer(name=f"志愿者{i:02d}", login=False, skills=["legal"] if i % 3 == 0 else ["elderly"])
        make_activity()
    c = _client(organiser)
    with django_assert_max_num_queries(15):
        r = c.get("/volunteers/registry/?skill=legal")
    html = r.content.decode()
    assert "志愿者00" in html and "志愿者01" not in html and "法律咨询" in html
    with django_assert_max_num_queries(15):
        assert c.get("/volunteers/").status_code == 200


def test_the_export_is_masked_formula_safe_and_audited(organiser, make_volunteer):
    number = fresh_id()
    v = make_volunteer(name='=HYPERLINK("x")张', id_number=number, login=False)
    r = _client(organiser).get("/volunteers/registry/?export=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    row = [c.value for c in next(ws.iter_rows(min_row=2))]
    assert row[1] == "'" + v.name and number not in str(row) and row[2].endswith(number[-4:])
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert AuditLog.objects.filter(event_type="export", target_type="volunteers.export").exists()
