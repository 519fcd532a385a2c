"""社会工作: stations (one per township, coverage by county against the target), certified social workers
against the 10,000 target, service records linked to the persons served and shown on the person page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.volunteers import socialwork as sw
from minzheng.volunteers.models import ServiceRecord, Station
from tests.conftest import TOWN_A, TOWN_B

OPENED = dt.date(2023, 6, 1)


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def station(organiser):
    return sw.station_create(
        actor=organiser, region_code=TOWN_A, name="王府街道社会工作站", opened_on=OPENED, services=["elderly"]
    )


def test_a_township_gets_one_station_and_coverage_counts_it_against_the_target(organiser, station, make_user):
    with pytest.raises(ValidationError, match="已建有"):
        sw.station_create(
            actor=organiser, region_code=TOWN_A, name="又一个", opened_on=OPENED, services=["elderly"]
        )
    with pytest.raises(ValidationError, match="乡镇"):
        sw.station_create(
            actor=organiser, region_code="370811", name="县站", opened_on=OPENED, services=["elderly"]
        )
    with pytest.raises(ValidationError, match="管辖范围"):
        sw.station_create(
            actor=organiser, region_code=TOWN_B, name="外县站", opened_on=OPENED, services=["elderly"]
        )
    row = sw.coverage(actor=organiser, on=timezone.localdate())[0]
    assert row["county"] == "370811" and row["stations"] == 1 and row["towns"] > 1
    assert not row["met"] and row["pct"] == f"{100 / row['towns']:.1f}"
    assert sw.coverage(actor=organiser, on=OPENED - dt.timedelta(days=1))[0]["stations"] == 0


def test_social_workers_count_against_the_target_by_level(organiser, station):
    today = timezone.localdate()
    sw.worker_create(
        actor=organiser,
        name="陈社工",
        level="intermediate",
        certificate_no="s-2020-001",
        certified_on=today - dt.timedelta(days=800),
        employer="阳光社工中心",
        region_code="370811",
        station=station,
    )
    sw.worker_create(
        actor=organiser,
        name="刘社工",
        level="assistant",
        certificate_no="S2025002",
        certified_on=today - dt.timedelta(days=30),
        employer="阳光社工中心",
        region_code=TOWN_A,
    )
    with pytest.raises(ValidationError, match="已登记"):
        sw.worker_create(
            actor=organiser,
            name="重复",
            level="assistant",
            certificate_no="S-2020-001",
            certified_on=today,
            employer="甲",
            region_code="370811",
        )
    with pytest.raises(ValidationError, match="证书等级"):
        sw.worker_create(
            actor=organiser,
            name="无级",
            level="expert",
            certificate_no="X1",
            certified_on=today,
            employer="甲",
            region_code="370811",
        )
    t = sw.worker_target(actor=organiser, on=today)
    assert (t["now"], t["before"], t["added"], t["target"], t["increase_target"]) == (2, 1, 1, 10000, 1000)
    assert (t["assistant"], t["intermediate"], t["senior"]) == (1, 1, 0) and not t["increase_met"]


def test_a_service_record_links_the_person_and_shows_on_their_page(
    organiser, station, make_person, make_user
):
    elder = make_person(name="孙大娘", birth=dt.date(1945, 1, 1), sex="F")
    worker = sw.worker_create(
        actor=organiser,
        name="陈社工",
        level="senior",
        certificate_no="S1",
        certified_on=OPENED,
        employer="站",
        region_code=TOWN_A,
        station=station,
    )
    r = _client(organiser).post(
        f"/socialwork/stations/{station.pk}/",
        {
            "id_number": elder.id_number,
            "served_on": str(timezone.localdate()),
            "kind": "visit",
            "summary": "上门探访，链接助餐服务",
            "worker": worker.pk,
        },
    )
    assert r.status_code == 302
    record = ServiceRecord.objects.get()
    assert record.person == elder and record.worker == worker and record.region_code == elder.region_code
    officer = make_user(Role.COUNTY_OFFICER, "370811")
    page = _client(officer).get(f"/people/{elder.pk}/").content.decode()
    assert "社会工作服务" in page and "链接助餐服务" in page
    other = make_person(village="370812001001", name="外县人")
    r = _client(organiser).post(
        f"/socialwork/stations/{station.pk}/",
        {
            "id_number": other.id_number,
            "served_on": str(timezone.localdate()),
            "kind": "visit",
            "summary": "x",
        },
    )
    assert "未在本乡镇" in r.content.decode() and ServiceRecord.objects.count() == 1


def test_social_work_pages_are_scoped_and_refused_without_the_permission(station, outsider, make_user):
    assert _client(outsider).get(f"/socialwork/stations/{station.pk}/").status_code == 404
    assert _client(outsider).get("/socialwork/stations/987654/").status_code == 404
    clerk = _client(make_user(Role.TOWNSHIP_CLERK, TOWN_A))
    for url in ("/socialwork/", "/socialwork/workers/"):
        assert clerk.get(url).status_code == 403
    assert clerk.get(f"/socialwork/stations/{station.pk}/").status_code == 404
    city = _client(make_user(Role.CITY_OFFICER, "370800"))
    assert "王府街道社会工作站" in city.get("/socialwork/").content.decode()
    assert city.post("/socialwork/", {"name": "x"}).status_code == 403
    assert Station.objects.count() == 1


def test_the_targets_on_the_pages_are_read_from_the_policy_table(organiser, station):
    from decimal import Decimal

    from minzheng.policy.models import PolicyParameter

    PolicyParameter.objects.filter(key="socialwork.target.station_coverage").update(value=Decimal("0.9"))
    PolicyParameter.objects.filter(key="socialwork.target.workers").update(value=Decimal(12000))
    c = _client(organiser)
    stations = c.get("/socialwork/").content.decode()
    assert "覆盖率（目标90%）" in stations and "目标100%" not in stations
    workers = c.get("/socialwork/workers/").content.decode()
    assert "全市目标 12000" in workers and "达到10000人" in workers  # the cited plan, not a figure of ours
