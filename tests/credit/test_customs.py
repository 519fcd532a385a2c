"""移风易俗: the village's council and norms, filings checked against the norm in force, the council's
advice, the link to the funeral line's case, and the per-township statistics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from minzheng.credit import services as svc
from minzheng.credit.selectors import customs_stats, todo_filings
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B


def _norm(actor, village=VILLAGE_A, kind="wedding", tables=10, on=dt.date(2020, 1, 1)):
    return svc.norm_set(
        actor=actor,
        village_code=village,
        kind=kind,
        effective_from=on,
        max_tables=tables,
        max_guests=100,
        max_spending=Decimal("20000"),
        max_gift=Decimal("100"),
        source="村规民约",
    )


def _file(actor, village=VILLAGE_A, kind="wedding", tables=8, spending="15000", **kw):
    return svc.filing_create(
        actor=actor,
        village_code=village,
        kind=kind,
        family="王家",
        event_date=kw.pop("on", dt.date(2026, 5, 1)),
        tables=tables,
        guests=kw.pop("guests", 80),
        spending=Decimal(spending),
        gift=Decimal("100"),
        **kw,
    )


def test_a_filing_without_the_villages_own_norm_is_refused_no_city_figure_is_assumed(make_user):
    cadre = make_user("village_assistant", VILLAGE_A)
    with pytest.raises(ValidationError, match="本村尚未制定婚事办理标准"):
        _file(cadre)


def test_a_filing_is_checked_against_the_norm_in_force_on_its_day_and_flagged_over_it(make_user):
    cadre = make_user("village_assistant", VILLAGE_A)
    _norm(cadre, tables=10)
    _norm(cadre, tables=6, on=dt.date(2026, 1, 1))
    old = _file(cadre, on=dt.date(2025, 6, 1))
    new = _file(cadre, on=dt.date(2026, 6, 1), spending="30000")
    assert not old.over_norm and old.over_items == []
    assert new.over_norm
    assert new.over_items == ["宴席8桌，超过标准6桌", "花费30000元，超过标准20000.00元"]


def test_the_council_records_its_advice_and_the_filing_leaves_the_to_do(make_user):
    cadre = make_user("village_assistant", VILLAGE_A)
    svc.council_set(
        actor=cadre,
        village_code=VILLAGE_A,
        chair="王德顺",
        members=[{"name": "李桂兰", "duty": "副会长"}, {"name": "", "duty": ""}],
        established_on=dt.date(2019, 3, 1),
    )
    _norm(cadre)
    filing = _file(cadre, tables=12)
    assert todo_filings(cadre, dt.date(2026, 5, 1)).count == 1
    c = Client()
    c.force_login(cadre)
    assert c.post(f"/credit/customs/filings/{filing.pk}/", {"advice": ""}).status_code == 302
    c.post(f"/credit/customs/filings/{filing.pk}/", {"advice": "劝导压减至10桌"})
    filing.refresh_from_db()
    assert filing.status == "advised" and filing.advice == "劝导压减至10桌"
    assert todo_filings(cadre, dt.date(2026, 5, 1)).count == 0
    page = c.get("/credit/customs/").content.decode()
    assert "王德顺" in page and "李桂兰" in page


def test_a_funeral_filing_links_the_funeral_lines_case_for_that_person(make_user, make_household):
    from minzheng.funeral.services import funeral_case_open

    cadre = make_user("village_assistant", VILLAGE_A)
    clerk = make_user("township_clerk", TOWN_A)
    _norm(cadre, kind="funeral")
    hh = make_household(size=2)
    dead = hh.memberships.get(relation="head").person
    case = funeral_case_open(
        actor=clerk,
        person=dead,
        death_date=dt.date(2026, 4, 28),
        death_place="家中",
        certificate_number="J370811202600999",
        family_name="王小二",
        family_relation="儿子",
    )
    filing = _file(cadre, kind="funeral", household=hh, person=dead, simplified=True)
    assert filing.funeral_case_id == case.pk and filing.simplified
    c = Client()
    c.force_login(clerk)
    assert f"/funeral/{case.pk}/" in c.get(f"/credit/customs/filings/{filing.pk}/").content.decode()
    c.force_login(cadre)  # the village assistant may not read the funeral case: no link
    assert f"/funeral/{case.pk}/" not in c.get(f"/credit/customs/filings/{filing.pk}/").content.decode()


def test_the_township_statistics_count_events_over_norm_share_and_simplified_funerals(make_user):
    a = make_user("village_assistant", VILLAGE_A)
    b = make_user("village_assistant", VILLAGE_B)
    for cadre, village in ((a, VILLAGE_A), (b, VILLAGE_B)):
        _norm(cadre, village=village)
        _norm(cadre, village=village, kind="funeral")
    _file(a, tables=8)
    _file(a, tables=20)
    _file(a, kind="funeral", tables=2, simplified=True)
    _file(a, kind="funeral", tables=2)
    _file(b, village=VILLAGE_B, tables=30)
    city = make_user("city_officer", "370800")
    rows = {r["town"]: r for r in customs_stats(actor=city, year=2026)}
    assert (rows[TOWN_A]["events"], rows[TOWN_A]["over"], rows[TOWN_A]["over_share"]) == (4, 1, 25)
    assert rows[TOWN_A]["simplified"] == 1
    assert (rows[TOWN_B]["events"], rows[TOWN_B]["over_share"]) == (1, 100)
    clerk = make_user("township_clerk", TOWN_A)
    assert [r["town"] for r in customs_stats(actor=clerk, year=2026)] == [TOWN_A]
    c = Client()
    c.force_login(city)
    assert c.get("/credit/customs/stats/?year=2026").status_code == 200
    assert c.get("/credit/customs/stats/?year=abc").status_code == 200


def test_the_filing_page_answers_bad_input_in_chinese_and_keeps_nothing(make_user):
    cadre = make_user("village_assistant", VILLAGE_A)
    _norm(cadre)
    c = Client()
    c.force_login(cadre)
    r = c.post(
        "/credit/customs/filings/",
        {
            "village": VILLAGE_A,
            "kind": "wedding",
            "family": "李家",
            "event_date": "2026-05-01",
            "tables": "十",
            "guests": "50",
            "spending": "1000",
        },
        follow=True,
    )
    assert "宴席桌数应为整数" in r.content.decode()
    from minzheng.credit.models import Filing

    assert not Filing.objects.exists()
    ok = c.post(
        "/credit/customs/filings/",
        {
            "village": VILLAGE_A,
            "kind": "wedding",
            "family": "李家",
            "event_date": "2026-05-01",
            "tables": "12",
            "guests": "50",
            "spending": "1000",
        },
        follow=True,
    )
    assert "超出本村标准" in ok.content.decode()
