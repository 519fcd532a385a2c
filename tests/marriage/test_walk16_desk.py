"""Issue 16, the second walk at the marriage desk: a grade form without a grade says so and keeps the date;
the residence-permit field says what it holds; a re-issue is not made twice by a second press or a double
submit; the office's slot table reaches the special dates (5·20) further ahead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.marriage import services
from minzheng.marriage.models import Registration, RegistrationKind, RegistryOffice

TODAY = timezone.localdate()


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _married(clerk, office, couple, i: int = 0) -> Registration:
    a, b = couple(i)
    appt = services.appointment_book(
        actor=clerk, office=office, date=TODAY, kind="marriage", party_a=a, party_b=b
    )
    return services.marriage_register(actor=clerk, appointment=appt)


def _reissues(reg: Registration) -> list[str]:
    return list(
        Registration.objects.filter(reissue_of=reg).order_by("id").values_list("certificate_no", flat=True)
    )


# ---------------------------------------------------------------- 1. the grade form
@pytest.mark.parametrize("date", ["", "2026-13-45", "2099-01-01"])
def test_a_grade_form_without_a_grade_says_choose_a_grade_first_whatever_the_date(clerk, office, date):
    r = _client(clerk).post(f"/marriage/offices/{office.pk}/", {"do": "grade", "graded_on": date})
    errors = [str(m) for m in r.context["messages"]]
    assert errors[0].startswith("请选择等级")
    assert RegistryOffice.objects.get(pk=office.pk).grade == ""


def test_a_refused_grade_form_comes_back_with_the_date_as_typed(clerk, office):
    typed = (TODAY - dt.timedelta(days=3)).isoformat()
    r = _client(clerk).post(f"/marriage/offices/{office.pk}/", {"do": "grade", "graded_on": typed})
    html = r.content.decode()
    assert r.status_code == 200 and "请选择等级" in html
    assert f'name="graded_on" value="{typed}"' in html
    assert not AuditLog.objects.filter(detail="婚姻登记机关等级评定").exists()


def test_a_refused_quota_form_keeps_the_weekday_and_the_figure_typed(clerk, office):
    r = _client(clerk).post(
        f"/marriage/offices/{office.pk}/", {"do": "quota", "weekday": "3", "slots": "abc"}
    )
    html = r.content.decode()
    assert "每日名额应为整数" in html and 'name="slots" value="abc"' in html
    assert '<option value="3" selected>' in html


# ---------------------------------------------------------------- 2. the residence permit field
def test_the_booking_form_says_under_the_permit_field_that_it_is_the_holders_own_id_number(clerk, office):
    html = _client(clerk).get("/marriage/book/").content.decode()
    for side in ("a", "b"):
        field = html.split(f'name="{side}_permit_no"', 1)[1].split("</label>", 1)[0]
        assert f'aria-describedby="{side}-permit-help"' in html
        assert f'id="{side}-permit-help"' in field and "持证人本人的18位公民身份号码" in field


# ---------------------------------------------------------------- 3. re-issue of a certificate
def test_a_second_reissue_the_same_day_is_refused_until_the_clerk_confirms(clerk, office, couple):
    reg = _married(clerk, office, couple)
    first = services.certificate_reissue(actor=clerk, original=reg, seen=0)
    with pytest.raises(
        ValidationError, match=rf"今天已补发过证书（字号{first.certificate_no}）.*确认再次补发"
    ):
        services.certificate_reissue(actor=clerk, original=reg, seen=first.pk)
    assert _reissues(reg) == [first.certificate_no]
    again = services.certificate_reissue(actor=clerk, original=reg, seen=first.pk, confirm=True)
    assert _reissues(reg) == [first.certificate_no, again.certificate_no]


def test_a_reissue_from_the_reissues_own_page_counts_against_the_same_registration(clerk, office, couple):
    reg = _married(clerk, office, couple)
    first = services.certificate_reissue(actor=clerk, original=reg, seen=0)
    with pytest.raises(ValidationError, match="今天已补发过证书"):
        services.certificate_reissue(actor=clerk, original=first, seen=first.pk)
    assert len(_reissues(reg)) == 1


def test_a_double_submitted_reissue_form_makes_one_certificate(clerk, office, couple):
    reg = _married(clerk, office, couple)
    c = _client(clerk)
    html = c.get(f"/marriage/registrations/{reg.pk}/").content.decode()
    assert 'name="seen" value="0"' in html and 'name="confirm"' not in html
    first = c.post(f"/marriage/registrations/{reg.pk}/", {"seen": "0"})
    second = c.post(f"/marriage/registrations/{reg.pk}/", {"seen": "0"})
    (only,) = Registration.objects.filter(reissue_of=reg)
    assert first["Location"] == second["Location"] == f"/marriage/registrations/{only.pk}/"
    assert AuditLog.objects.filter(target_type="registration", target_id=str(only.pk)).count() == 1


def test_a_reissue_pressed_again_on_the_page_asks_for_confirmation_and_then_makes_one_more(
    clerk, office, couple
):
    reg = _married(clerk, office, couple)
    c = _client(clerk)
    c.post(f"/marriage/registrations/{reg.pk}/", {"seen": "0"})
    (first,) = Registration.objects.filter(reissue_of=reg)
    page = c.get(f"/marriage/registrations/{reg.pk}/").content.decode()
    assert (
        f'name="seen" value="{first.pk}"' in page
        and 'name="confirm"' in page
        and first.certificate_no in page
    )
    refused = c.post(f"/marriage/registrations/{reg.pk}/", {"seen": str(first.pk)}, follow=True)
    assert "确认再次补发" in refused.content.decode()
    assert Registration.objects.filter(reissue_of=reg).count() == 1
    c.post(f"/marriage/registrations/{reg.pk}/", {"seen": str(first.pk), "confirm": "1"})
    assert Registration.objects.filter(reissue_of=reg).count() == 2


def test_a_reissue_form_older_than_another_clerks_reissue_is_refused(clerk, other_clerk, office, couple):
    reg = _married(clerk, office, couple)
    made = services.certificate_reissue(actor=other_clerk, original=reg, seen=0)
    with pytest.raises(ValidationError, match=rf"已补发证书（字号{made.certificate_no}）.*刷新"):
        services.certificate_reissue(actor=clerk, original=reg, seen=0, confirm=True)
    assert _reissues(reg) == [made.certificate_no]


def test_a_reissue_on_a_later_day_needs_no_confirmation(clerk, office, couple):
    reg = _married(clerk, office, couple)
    first = services.certificate_reissue(actor=clerk, original=reg, seen=0)
    Registration.objects.filter(pk=first.pk).update(registered_on=TODAY - dt.timedelta(days=1))
    services.certificate_reissue(actor=clerk, original=reg, seen=first.pk)
    assert Registration.objects.filter(kind=RegistrationKind.REISSUE).count() == 2


# ---------------------------------------------------------------- 4. the slot table reaches special dates
def test_the_slot_table_jumps_to_a_date_and_shows_the_special_dates_extra_places(clerk, office, couple):
    day = TODAY + dt.timedelta(days=60)
    services.special_date_add(actor=clerk, date=day, name="5·20", extra_slots=30)
    c = _client(clerk)
    assert (
        day.isoformat()
        not in c.get(f"/marriage/offices/{office.pk}/").content.decode().split('id="calendar"')[1]
    )
    start = day - dt.timedelta(days=2)
    html = c.get(f"/marriage/offices/{office.pk}/?from={start.isoformat()}").content.decode()
    table = html.split('id="calendar"', 1)[1].split("</table>", 1)[0]
    row = table.split(day.isoformat(), 1)[1].split("</tr>", 1)[0]
    assert "32（2 + 30）" in row and "5·20" in row
    assert table.index(start.isoformat()) < table.index(day.isoformat())
    assert f'href="?from={day.isoformat()}"' in html  # the special date links to its days
    later = (start + dt.timedelta(days=14)).isoformat()
    assert f'href="?from={later}"' in html  # the next two weeks


@pytest.mark.parametrize("bad", ["abc", "2020-01-01", "2999-01-01"])
def test_a_bad_from_date_is_a_chinese_message_and_the_table_starts_today(clerk, office, bad):
    r = _client(clerk).get(f"/marriage/offices/{office.pk}/?from={bad}")
    html = r.content.decode()
    assert r.status_code == 200 and "起始日期" in html
    assert html.split('id="calendar"', 1)[1].split("<td>", 1)[1].startswith(TODAY.isoformat())


def test_the_office_page_costs_a_fixed_number_of_queries(
    clerk, office, couple, django_assert_max_num_queries
):
    for i in range(3):
        services.special_date_add(
            actor=clerk, date=TODAY + dt.timedelta(days=2 + i), name=f"特{i}", extra_slots=1
        )
    c = _client(clerk)
    with django_assert_max_num_queries(14):
        assert c.get(f"/marriage/offices/{office.pk}/").status_code == 200
