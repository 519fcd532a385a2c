"""Scope of the line (its URLs take `pk`, outside the generated matrix): another county's officer gets
404 exactly like a missing record on every page and action; staff without org permissions are refused;
the list's queries are bounded and its export is masked and formula-safe."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from minzheng.accounts.models import Role
from minzheng.audit.models import AuditLog
from minzheng.orgs import services
from tests.conftest import TOWN_A

TODAY = timezone.localdate()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def records(officer, officer2, filer, make_org):
    org = make_org(name="任城区摄影家协会")
    report = services.report_save(
        actor=filer,
        year=TODAY.year - 1,
        income=0,
        spending=0,
        staff=0,
        activities=0,
        activity_summary="",
        party_building="",
    )
    draw = services.inspection_draw(actor=officer, region_code="370811", year=TODAY.year, size=1, seed=3)
    illegal = services.illegal_open(
        actor=officer, region_code=TOWN_A, name="某非法组织", found_on=TODAY, summary="线索四字以上"
    )
    campaign = services.campaign_create(
        actor=officer,
        region_code="370811",
        kind="fee_reduction",
        title="减费让利专项行动",
        target_kind="",
        starts_on=TODAY - dt.timedelta(days=1),
        ends_on=TODAY + dt.timedelta(days=30),
    )
    result = services.campaign_result_file(
        actor=filer, campaign=campaign, beneficiaries=10, amount=Decimal("500"), summary="减免会费十户"
    )
    return {
        "campaign": campaign.pk,
        "result": result.pk,
        "org": org.pk,
        "case": org.cases.get().pk,
        "report": report.pk,
        "draw": draw.pk,
        "inspection": draw.items.get().pk,
        "illegal": illegal.pk,
    }


ROUTES = [
    ("get", "/orgs/{org}/"),
    ("get", "/orgs/{org}/certificate/"),
    ("post", "/orgs/{org}/change/"),
    ("post", "/orgs/{org}/cancel/"),
    ("post", "/orgs/{org}/evaluate/"),
    ("post", "/orgs/{org}/penalty/"),
    ("post", "/orgs/{org}/bind/"),
    ("get", "/orgs/case/{case}/"),
    ("post", "/orgs/case/{case}/approve/"),
    ("post", "/orgs/case/{case}/documents/"),
    ("get", "/orgs/reports/{report}/"),
    ("post", "/orgs/reports/{report}/approve/"),
    ("post", "/orgs/reports/{report}/return/"),
    ("get", "/orgs/inspections/draw/{draw}/"),
    ("get", "/orgs/inspections/{inspection}/"),
    ("post", "/orgs/inspections/{inspection}/record/"),
    ("post", "/orgs/illegal/{illegal}/ban/"),
    ("get", "/api/v1/orgs/organisations/{org}"),
    ("get", "/orgs/campaigns/{campaign}/"),
    ("get", "/orgs/campaigns/{campaign}/?export=xlsx"),
    ("post", "/orgs/campaigns/results/{result}/approve/"),
    ("post", "/orgs/campaigns/results/{result}/return/"),
]


def test_another_countys_officer_gets_404_like_a_missing_record_everywhere(records, outsider):
    c = _client(outsider)
    missing = dict.fromkeys(records, 987654321)
    for verb, route in ROUTES:
        got = getattr(c, verb)(route.format(**records))
        ref = getattr(c, verb)(route.format(**missing))
        assert got.status_code == ref.status_code == 404, route
        assert got.content == ref.content, route


@pytest.mark.parametrize("role", [Role.TOWNSHIP_CLERK, Role.COUNTY_OFFICER, Role.SOCIAL_AFFAIRS_OFFICER])
def test_staff_without_org_permissions_are_refused_and_records_read_as_missing(records, make_user, role):
    c = _client(make_user(role, "370811"))
    for url in (
        "/orgs/",
        "/orgs/reports/",
        "/orgs/inspections/",
        "/orgs/zombies/",
        "/orgs/targets/",
        "/orgs/illegal/",
        "/orgs/campaigns/",
    ):
        assert c.get(url).status_code == 403, url
    for verb, route in ROUTES:
        assert getattr(c, verb)(route.format(**records)).status_code == 404, route


def test_the_list_is_filtered_paged_with_bounded_queries(officer, make_org, django_assert_max_num_queries):
    for i in range(12):
        make_org(name=f"协会{i:02d}", kind="foundation" if i % 3 == 0 else "group")
    c = _client(officer)
    with django_assert_max_num_queries(15):
        r = c.get("/orgs/?kind=foundation")
    html = r.content.decode()
    assert "协会00" in html and "协会01" not in html and "基金会" in html


def test_the_export_neutralises_formulas_and_is_audited(officer, make_org):
    org = make_org(name='=HYPERLINK("http://x")协会')
    r = _client(officer).get("/orgs/?export=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    names = [row[0].value for row in ws.iter_rows(min_row=2)]
    assert names == ["'" + org.name]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert AuditLog.objects.filter(event_type="export", target_type="orgs.export").exists()
