"""The line's lists through the API and as Excel: the same permission and scope as the pages (another
township's child is not there, a role without the page gets 403), masked IDs and names, never codes; an
export is one audited row and formula-looking text stays text."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.benefits.services import enrolment_create
from minzheng.children import services as svc
from tests.conftest import TOWN_A, VILLAGE_A, VILLAGE_B

MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def filed(make_user, make_person):
    director = make_user("child_director", VILLAGE_A)
    out = []
    for village, name in ((VILLAGE_A, '=HYPERLINK("x")小红'), (VILLAGE_B, "外县儿童")):
        p = make_person(village=village, birth=dt.date(2014, 4, 4), name=name, hukou_type="rural")
        enrolment_create(
            actor=None, programme="child", person=p, household=None, amount=1540, first_month=MONTH
        )
        out.append(p)
    f = svc.child_file_open(actor=director, person=out[0], left_behind=True, in_difficulty=True)
    svc.child_file_update(
        actor=director, file=f, values={"guardian_name": "王秀兰", "guardian_relation": "grandparent"}
    )
    svc.children_home_create(
        actor=make_user("child_welfare_officer", VILLAGE_A[:6]),
        name="明正社区儿童之家",
        region_code=VILLAGE_A,
        address="村委会院内",
        opened_on=dt.date(2023, 6, 1),
    )
    return out


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_lists_api_answers_as_the_pages_do_masked_and_scoped(
    make_user, filed, django_assert_max_num_queries
):
    c = _client(make_user("child_supervisor", TOWN_A))
    with django_assert_max_num_queries(10):
        files = c.get("/api/v1/children/files").json()
    assert files["count"] == 1
    row = files["items"][0]
    assert row["id_number"] == filed[0].id_masked and row["kinds"] == "困境儿童、农村留守儿童"
    assert row["guardian"] == "王秀兰" and row["guardian_relation"] == "祖父母/外祖父母"
    assert not row["region"].isdigit() and row["region"] != "未知区划"
    homes = c.get("/api/v1/children/homes").json()
    assert [h["name"] for h in homes["items"]] == ["明正社区儿童之家"]
    assert c.get("/api/v1/children/checks").status_code == 403  # the director's list
    director = _client(make_user("child_director", VILLAGE_A))
    checks = director.get("/api/v1/children/checks?limit=1000").json()
    assert checks["count"] == 1 and checks["items"][0]["checked"] == "未核查"
    assert director.get("/api/v1/children/workforce").status_code == 403
    assert _client(make_user("township_clerk", TOWN_A)).get("/api/v1/children/files").status_code == 403
    assert (
        _client(make_user("child_supervisor", VILLAGE_B[:9])).get("/api/v1/children/files").json()["count"]
        == 0
    )


def test_a_list_is_exported_masked_with_formulas_as_text_and_audited(make_user, filed):
    c = _client(make_user("child_supervisor", TOWN_A))
    r = c.post(reverse("children-export", args=["files"]))
    assert r.status_code == 200 and "children-files-" in r["Content-Disposition"]
    cells = [
        [x.value for x in row] for row in openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows()
    ]
    assert cells[0][:3] == ["姓名", "身份证号", "村(社区)"]
    assert len(cells) == 2 and not str(cells[1][0]).startswith("=") and cells[1][1] == filed[0].id_masked
    assert filed[0].id_number not in r.content.decode("latin-1")
    log = AuditLog.objects.get(event_type="export", target_type="children.files")
    assert "1条" in log.detail
    assert c.post(reverse("children-export", args=["nothing"])).status_code == 404
    assert (
        _client(make_user("township_clerk", TOWN_A))
        .post(reverse("children-export", args=["files"]))
        .status_code
        == 403
    )
    assert AuditLog.objects.filter(event_type="export").count() == 1


def test_every_list_page_offers_its_export(make_user, filed):
    officer = _client(make_user("child_welfare_officer", VILLAGE_A[:6]))
    for name, which in (
        ("children-files", "files"),
        ("children-workforce", "workforce"),
        ("children-homes", "homes"),
        ("children-redecisions", "redecisions"),
    ):
        assert f'id="export-{which}"' in officer.get(reverse(name)).content.decode()
        assert officer.post(reverse("children-export", args=[which])).status_code == 200
    director = _client(make_user("child_director", VILLAGE_A))
    assert 'id="export-checks"' in director.get(reverse("children-checks")).content.decode()
