"""Providers and carers from the desk: the elderly officer lists, registers and edits providers, edits a
carer's certificate and service area (an inactive carer leaves dispatch) and registers a carer account;
bad input answers in Chinese and changes nothing; another county's provider reads as missing."""

from __future__ import annotations

from typing import Any

from django.test import Client

from minzheng.homecare import selectors
from minzheng.homecare.models import Carer, Provider
from tests.conftest import TOWN_A


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_officer_registers_a_provider_and_edits_it(officer: Any) -> None:
    c = _client(officer)
    r = c.post(
        "/homecare/providers/",
        {"name": "安康护理站", "latitude": "35.4", "longitude": "116.6", "region_code": TOWN_A},
    )
    p = Provider.objects.get(name="安康护理站")
    assert r.status_code == 302 and p.region_code == TOWN_A
    c.post(
        f"/homecare/providers/{p.pk}/",
        {
            "what": "provider",
            "name": "安康护理站（新）",
            "address": "建设路1号",
            "credit_code": "",
            "latitude": "35.5",
            "longitude": "116.6",
        },
    )
    p.refresh_from_db()
    assert (p.name, p.address, str(p.latitude), p.active) == (
        "安康护理站（新）",
        "建设路1号",
        "35.500000",
        False,
    )
    assert "安康护理站（新）" in c.get("/homecare/providers/").content.decode()


def test_a_bad_coordinate_is_refused_in_chinese_and_nothing_is_saved(officer: Any) -> None:
    r = _client(officer).post(
        "/homecare/providers/", {"name": "坏坐标", "latitude": "abc", "longitude": "116.6"}, follow=True
    )
    assert "纬度" in r.content.decode()
    assert not Provider.objects.filter(name="坏坐标").exists()


def test_a_carer_set_off_duty_is_no_longer_proposed_for_dispatch(
    officer: Any, make_carer: Any, take: Any
) -> None:
    carer = make_carer()
    order = take()
    assert carer in selectors.dispatch_candidates(order=order)
    _client(officer).post(
        f"/homecare/providers/{carer.provider_id}/",
        {
            "what": "carer_edit",
            "carer_pk": carer.pk,
            "certificate": "养老护理员（三级）",
            "certificate_no": "HL9",
            "certificate_valid_to": "2027-06-30",
            "region_code": TOWN_A,
            "latitude": str(carer.latitude),
            "longitude": str(carer.longitude),
        },
    )
    carer.refresh_from_db()
    assert (carer.certificate, str(carer.certificate_valid_to), carer.active) == (
        "养老护理员（三级）",
        "2027-06-30",
        False,
    )
    assert carer not in selectors.dispatch_candidates(order=order)


def test_a_carer_account_is_registered_under_the_provider(
    officer: Any, provider: Any, make_user: Any
) -> None:
    account = make_user("carer", TOWN_A)
    c = _client(officer)
    assert str(account) in c.get(f"/homecare/providers/{provider.pk}/").content.decode()
    c.post(
        f"/homecare/providers/{provider.pk}/",
        {
            "what": "new_carer",
            "user": account.pk,
            "name": "李护理",
            "certificate": "养老护理员（四级）",
            "certificate_no": "HL5",
            "latitude": "35.41",
            "longitude": "116.58",
        },
    )
    assert Carer.objects.get(user=account).provider == provider


def test_a_carer_without_a_certificate_number_is_refused_and_unchanged(officer: Any, make_carer: Any) -> None:
    carer = make_carer()
    r = _client(officer).post(
        f"/homecare/providers/{carer.provider_id}/",
        {
            "what": "carer_edit",
            "carer_pk": carer.pk,
            "certificate": "养老护理员",
            "certificate_no": "",
            "latitude": "35.4",
            "longitude": "116.5",
            "active": "1",
        },
        follow=True,
    )
    assert "请填写护理员资格证书及编号" in r.content.decode()
    carer.refresh_from_db()
    assert carer.certificate_no == "HL2021001"


def test_another_countys_officer_gets_404_and_a_clerk_is_refused(
    officer: Any, provider: Any, make_user: Any, clerk: Any
) -> None:
    other = _client(make_user("elderly_officer", "370812"))
    assert other.get(f"/homecare/providers/{provider.pk}/").status_code == 404
    assert (
        other.post(f"/homecare/providers/{provider.pk}/", {"what": "provider", "name": "x"}).status_code
        == 404
    )
    assert _client(clerk).get("/homecare/providers/").status_code == 403


def test_the_provider_list_costs_a_fixed_number_of_queries(
    officer: Any, django_assert_max_num_queries: Any
) -> None:
    c = _client(officer)
    for i in range(10):
        c.post(
            "/homecare/providers/",
            {"name": f"服务商{i}", "latitude": "35.4", "longitude": "116.6", "region_code": TOWN_A},
        )
    with django_assert_max_num_queries(10):
        assert c.get("/homecare/providers/").status_code == 200


def test_a_formula_as_a_provider_or_carer_name_is_refused_and_nothing_is_saved(
    officer: Any, provider: Any, make_user: Any
) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    from minzheng.homecare import services

    with pytest.raises(ValidationError, match="服务商名称不能以"):
        services.provider_create(
            actor=officer,
            name='=HYPERLINK("http://evil.example","康乐")',
            region_code=TOWN_A,
            latitude="35.41",
            longitude="116.58",
        )
    account = make_user("carer", TOWN_A)
    page = _client(officer).post(
        f"/homecare/providers/{provider.pk}/",
        {
            "what": "new_carer",
            "user": account.pk,
            "name": "+86王护理",
            "certificate": "养老护理员（四级）",
            "certificate_no": "HL6",
            "latitude": "35.41",
            "longitude": "116.58",
        },
        follow=True,
    )
    assert "护理员姓名不能以" in page.content.decode()
    assert Provider.objects.count() == 1 and not Carer.objects.filter(user=account).exists()


def test_the_provider_device_and_carer_forms_choose_a_region_from_the_cascade_not_a_typed_code(
    officer: Any, provider: Any
) -> None:
    c = _client(officer)
    for url in ("/homecare/providers/", "/homecare/devices/", f"/homecare/providers/{provider.pk}/"):
        body = c.get(url).content.decode()
        assert 'name="place_township"' in body, url
        assert 'name="region_code" inputmode="numeric"' not in body, url
