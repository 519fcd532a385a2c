"""What the place and application pages show people: the region by its name (never its code) and the
coordinates as written (35.41, not the column's 35.410000)."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from minzheng.placenames import services
from minzheng.placenames.models import PlaceName
from tests.conftest import TOWN_A


def _html(user, url: str) -> str:
    c = Client()
    c.force_login(user)
    r = c.get(url)
    assert r.status_code == 200, url
    return r.content.decode()


def test_a_place_reads_its_region_by_name_and_its_coordinates_without_padding_zeros(officers, naming):
    app = naming(latitude=Decimal("35.41"), longitude=Decimal("116.5837"))
    services.application_review(actor=officers["reviewer"], application=app, note="名称规范，无重名")
    services.application_decide(
        actor=officers["approver"], application=app, approve=True, decision_no="任政字〔2026〕12号"
    )
    place = PlaceName.objects.get(name="崇文路")
    html = _html(officers["clerk"], f"/placenames/{place.pk}/")
    assert "北纬35.41，东经116.5837" in html and "35.410000" not in html
    assert "任城区" in html and TOWN_A not in html
    application = _html(officers["clerk"], f"/placenames/applications/{app.pk}/")
    assert "北纬35.41，东经116.5837" in application and "任城区" in application and TOWN_A not in application
