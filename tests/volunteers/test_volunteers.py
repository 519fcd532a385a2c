"""Registration, activities (sign-up within capacity, check-in/out, the organiser's confirmation) and the
time bank (earn, spend at the 益币 store, transfer to family, never below zero, the certificate)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.audit.models import AuditLog
from minzheng.volunteers import selectors, services
from minzheng.volunteers.models import SignupStatus, StoreItem, TimeAccount, TimeEntry, Volunteer
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.volunteers.conftest import fresh_id


def _client(user):
    c = Client()
    c.force_login(user)
    return c


# ---------------------------------------------------------------- registration
def test_a_registry_person_is_registered_under_their_registry_name_and_village(organiser, make_person):
    person = make_person(name="王芳", sex="F", birth=dt.date(1990, 5, 5))
    with pytest.raises(ValidationError, match="姓名与人口库"):
        services.volunteer_register(actor=organiser, id_number=person.id_number, name="王方")
    v = services.volunteer_register(
        actor=organiser, id_number=person.id_number, name="王芳", skills=["medical"], availability=["weekend"]
    )
    assert v.person == person and v.region_code == person.region_code
    assert v.number.startswith("V370811") and TimeAccount.objects.get(volunteer=v).balance == 0
    row = AuditLog.objects.filter(target_type="volunteers.volunteer").last()
    assert person.id_number not in str(row.new) and person.id_number[-4:] in str(row.new)


def test_a_person_outside_the_registry_is_registered_by_id_in_a_chosen_village_once(organiser):
    number = fresh_id()
    with pytest.raises(ValidationError, match="村"):
        services.volunteer_register(actor=organiser, id_number=number, name="赵强", region_code="370811")
    v = services.volunteer_register(actor=organiser, id_number=number, name="赵强", region_code=VILLAGE_A)
    assert v.person is None and v.id_masked.endswith(number[-4:]) and number not in v.id_number_enc
    with pytest.raises(ValidationError, match="已注册"):
        services.volunteer_register(actor=organiser, id_number=number, name="赵强", region_code=VILLAGE_A)
    with pytest.raises(ValidationError, match="18位"):
        services.volunteer_register(actor=organiser, id_number="123", name="赵强", region_code=VILLAGE_A)


def test_another_countys_organiser_cannot_register_a_volunteer_here(outsider):
    with pytest.raises(ValidationError, match="管辖范围"):
        services.volunteer_register(actor=outsider, id_number=fresh_id(), name="赵强", region_code=VILLAGE_A)
    assert not Volunteer.objects.exists()


def test_only_a_volunteer_account_of_the_village_can_be_bound(organiser, make_volunteer, make_user):
    v = make_volunteer(login=False)
    with pytest.raises(ValidationError, match="志愿者角色"):
        services.volunteer_bind_user(
            actor=organiser, volunteer=v, user=make_user(Role.TOWNSHIP_CLERK, "370811001")
        )
    with pytest.raises(ValidationError, match="所属区划"):
        services.volunteer_bind_user(actor=organiser, volunteer=v, user=make_user(Role.VOLUNTEER, VILLAGE_B))
    user = make_user(Role.VOLUNTEER, VILLAGE_A)
    services.volunteer_bind_user(actor=organiser, volunteer=v, user=user)
    assert selectors.own_volunteer(user) == v


# ---------------------------------------------------------------- activities
def test_the_last_place_goes_once_and_a_full_activity_refuses_the_next(make_volunteer, make_activity):
    a = make_activity(capacity=1)
    first, second = make_volunteer(name="甲"), make_volunteer(name="乙")
    services.activity_signup(actor=first.user, activity=a)
    with pytest.raises(ValidationError, match="已报名"):
        services.activity_signup(actor=first.user, activity=a)
    with pytest.raises(ValidationError, match="已满"):
        services.activity_signup(actor=second.user, activity=a)
    assert selectors.volunteer_actions(volunteer=second, activity=a) == []


def test_a_volunteer_of_another_county_cannot_sign_up(make_volunteer, make_activity, make_user):
    from minzheng.accounts.models import Role as R

    a = make_activity()
    other = make_volunteer(village=VILLAGE_B, login=False, actor=make_user(R.ORG_OFFICER, "370812"))
    services.volunteer_bind_user(
        actor=make_user(R.ORG_OFFICER, "370812"), volunteer=other, user=make_user(R.VOLUNTEER, VILLAGE_B)
    )
    other.refresh_from_db()
    with pytest.raises(ValidationError, match="本县"):
        services.activity_signup(actor=other.user, activity=a)
    assert selectors.activity_get(actor=other.user, pk=a.pk) is None


def test_check_in_opens_ten_minutes_before_and_hours_count_only_inside_the_activity(
    make_volunteer, make_activity
):
    start = dt.datetime(2030, 6, 1, 9, 0, tzinfo=dt.UTC)
    a = make_activity(start=start, hours=3)
    v = make_volunteer()
    s = services.activity_signup(actor=v.user, activity=a, now=start - dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="开始前10分钟起可签到"):
        services.signup_check_in(actor=v.user, signup=s, now=start - dt.timedelta(minutes=40))
    with pytest.raises(ValidationError, match="先签到"):
        services.signup_check_out(actor=v.user, signup=s, now=start)
    services.signup_check_in(actor=v.user, signup=s, now=start - dt.timedelta(minutes=10))
    s = services.signup_check_out(actor=v.user, signup=s, now=start + dt.timedelta(hours=2, minutes=50))
    assert s.status == SignupStatus.CHECKED_OUT and s.claimed_hours == Decimal("2.5")  # whole half hours


def test_checking_out_before_the_activity_starts_is_refused_and_changes_nothing(
    make_volunteer, make_activity
):
    start = dt.datetime(2030, 6, 1, 9, 0, tzinfo=dt.UTC)
    a = make_activity(start=start, hours=3)
    v = make_volunteer()
    s = services.activity_signup(actor=v.user, activity=a, now=start - dt.timedelta(days=2))
    services.signup_check_in(actor=v.user, signup=s, now=start - dt.timedelta(minutes=5))
    with pytest.raises(ValidationError, match="尚未开始"):
        services.signup_check_out(actor=v.user, signup=s, now=start - dt.timedelta(minutes=1))
    s.refresh_from_db()
    assert s.status == SignupStatus.CHECKED_IN and s.checked_out_at is None and s.claimed_hours is None


def test_the_organiser_cannot_confirm_hours_for_a_check_in_and_out_before_the_start(
    make_volunteer, make_activity, organiser
):
    """The walk's case: in and out before the activity began (records from before the check-out rule), and
    the organiser typed 2 h. No time inside the activity: nothing to confirm, nothing credited."""
    start = timezone.now() - dt.timedelta(hours=4)
    a = make_activity(start=start, hours=3)
    v = make_volunteer()
    s = services.activity_signup(actor=v.user, activity=a, now=start - dt.timedelta(days=1))
    a.signups.filter(pk=s.pk).update(
        status=SignupStatus.CHECKED_OUT,
        checked_in_at=start - dt.timedelta(minutes=50),
        checked_out_at=start - dt.timedelta(minutes=20),
        claimed_hours=Decimal(0),
    )
    with pytest.raises(ValidationError, match="没有有效的签到签退记录"):
        services.signup_confirm(actor=organiser, signup=s, hours=Decimal(2))
    assert services.activity_confirm_all(actor=organiser, activity=a) == 0
    s.refresh_from_db()
    assert s.status == SignupStatus.CHECKED_OUT and s.hours is None
    assert TimeAccount.objects.get(volunteer=v).balance == 0


def test_the_organiser_confirms_no_more_than_the_time_on_site_inside_the_activity(
    make_volunteer, make_activity, organiser
):
    start = timezone.now() - dt.timedelta(hours=4)
    a = make_activity(start=start, hours=3)
    late, forgot = make_volunteer("王迟到"), make_volunteer("赵忘签")
    s1 = services.activity_signup(actor=late.user, activity=a, now=start - dt.timedelta(days=1))
    s2 = services.activity_signup(actor=forgot.user, activity=a, now=start - dt.timedelta(days=1))
    services.signup_check_in(actor=late.user, signup=s1, now=start + dt.timedelta(hours=1))
    services.signup_check_out(actor=late.user, signup=s1, now=start + dt.timedelta(hours=2))
    services.signup_check_in(actor=forgot.user, signup=s2, now=start + dt.timedelta(hours=2))
    with pytest.raises(ValidationError, match="不能超过在活动时间内的签到时长1小时"):
        services.signup_confirm(actor=organiser, signup=s1, hours=Decimal(3))
    # in at 2 h of 3: one hour at most
    with pytest.raises(ValidationError, match="不能超过在活动时间内的签到时长1小时"):
        services.signup_confirm(actor=organiser, signup=s2, hours=Decimal(2))
    services.signup_confirm(actor=organiser, signup=s1)
    services.signup_confirm(actor=organiser, signup=s2, hours=Decimal(1))
    assert TimeAccount.objects.get(volunteer=late).balance == 1
    assert TimeAccount.objects.get(volunteer=forgot).balance == 1


def test_the_organiser_confirms_the_hours_and_the_time_bank_credits_them_once(
    make_volunteer, make_activity, organiser
):
    a = make_activity()
    v = make_volunteer()
    s = services.activity_signup(actor=v.user, activity=a)
    services.signup_check_in(actor=v.user, signup=s, now=a.starts_at)
    services.signup_check_out(actor=v.user, signup=s, now=a.ends_at)
    with pytest.raises(ValidationError, match="社会组织"):  # the volunteer cannot confirm their own hours
        services.signup_confirm(actor=v.user, signup=s)
    assert TimeAccount.objects.get(volunteer=v).balance == 0
    with pytest.raises(ValidationError, match="不能超过"):
        services.signup_confirm(actor=organiser, signup=s, hours=Decimal(4))
    services.signup_confirm(actor=organiser, signup=s)
    account = TimeAccount.objects.get(volunteer=v)
    assert account.balance == 3 and account.earned == 3
    with pytest.raises(ValidationError, match="已签到"):
        services.signup_confirm(actor=organiser, signup=s)
    assert TimeEntry.objects.filter(account=account).count() == 1


def test_a_volunteer_who_forgot_to_check_out_is_confirmed_with_the_organisers_hours(
    make_volunteer, make_activity, organiser
):
    a = make_activity()
    v = make_volunteer()
    s = services.activity_signup(actor=v.user, activity=a)
    services.signup_check_in(actor=v.user, signup=s, now=a.starts_at)
    with pytest.raises(ValidationError, match="未签退"):
        services.signup_confirm(actor=organiser, signup=s)
    with pytest.raises(ValidationError, match=r"0\.5"):
        services.signup_confirm(actor=organiser, signup=s, hours=Decimal("1.2"))
    services.signup_confirm(actor=organiser, signup=s, hours=Decimal("1.5"))
    assert TimeAccount.objects.get(volunteer=v).balance == Decimal("1.5")


# ---------------------------------------------------------------- time bank
def test_spending_at_the_store_takes_hours_and_stock_and_refuses_beyond_the_balance(earned, make_item):
    rice = make_item(price="2", stock=1)
    services.store_redeem(actor=earned.user, item=rice)
    account = TimeAccount.objects.get(volunteer=earned)
    assert account.balance == 1 and StoreItem.objects.get(pk=rice.pk).stock == 0
    with pytest.raises(ValidationError, match="库存不足"):
        services.store_redeem(actor=earned.user, item=rice)
    oil = make_item(price="1.5", stock=3, name="食用油")
    with pytest.raises(ValidationError, match="余额不足"):
        services.store_redeem(actor=earned.user, item=oil)
    assert StoreItem.objects.get(pk=oil.pk).stock == 3  # the refused order took no stock
    assert TimeAccount.objects.get(volunteer=earned).balance == 1


def test_of_two_concurrent_spends_only_what_the_balance_covers_passes(earned, make_item, monkeypatch):
    """Both requests read a balance of 3 and want 2: the second's debit must fail although its own read
    allowed it (the guard is the conditional UPDATE, not the read)."""
    item = make_item(price="2", stock=5)
    account = TimeAccount.objects.get(volunteer=earned)
    stale = TimeAccount.objects.get(pk=account.pk)
    assert stale.balance == 3
    services.store_redeem(actor=earned.user, item=item)  # the other request wins the race
    with pytest.raises(ValidationError, match="余额不足"):
        services._debit(actor=earned.user, account=stale, hours=Decimal(2), kind="spend")
    assert TimeAccount.objects.get(pk=account.pk).balance == 1
    # and the database itself refuses a negative balance, whatever code writes it
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeAccount.objects.filter(pk=account.pk).update(balance=Decimal(-1))


@pytest.mark.django_db(transaction=True)
def test_threads_spending_the_same_hours_at_once_never_overdraw(city_db, earned, make_item):
    import threading

    from django.db import connection

    item = make_item(price="1", stock=50)
    errors: list[str] = []
    barrier = threading.Barrier(4)

    def spend() -> None:
        try:
            barrier.wait()
            services.store_redeem(actor=earned.user, item=item)
        except Exception as e:
            errors.append(type(e).__name__)
        finally:
            connection.close()

    workers = [threading.Thread(target=spend) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    balance = TimeAccount.objects.get(volunteer=earned).balance
    spent = TimeEntry.objects.filter(kind="spend").count()
    assert balance >= 0 and balance == 3 - spent and spent <= 3


def test_hours_go_to_a_household_member_or_another_volunteer_and_nowhere_else(
    organiser, earned, make_household, make_volunteer
):
    hh = make_household(size=2)
    head, spouse = [m.person for m in hh.memberships.order_by("pk")]
    registered = services.volunteer_register(actor=organiser, id_number=head.id_number, name=head.name)
    from minzheng.volunteers.models import Signup  # give the registry volunteer 3 hours the same way

    services.volunteer_bind_user(
        actor=organiser,
        volunteer=registered,
        user=earned.user.__class__.objects.create(
            username="hv", role=Role.VOLUNTEER, region=earned.user.region
        ),
    )
    registered.refresh_from_db()
    account = TimeAccount.objects.get(volunteer=registered)
    services._credit(actor=organiser, account=account, hours=Decimal(3), kind="earn")
    assert selectors.own_volunteer(registered.user) == registered and not Signup.objects.filter(
        volunteer=registered
    )
    assert [p.pk for p in services.family_members(registered)] == [spouse.pk]
    services.hours_transfer(actor=registered.user, hours=Decimal(1), relation="spouse", to_person=spouse)
    assert TimeAccount.objects.get(person=spouse).balance == 1
    stranger = make_household(size=1).memberships.get().person
    with pytest.raises(ValidationError, match="同户"):
        services.hours_transfer(
            actor=registered.user, hours=Decimal(1), relation="spouse", to_person=stranger
        )
    services.hours_transfer(
        actor=registered.user,
        hours=Decimal(1),
        relation="child",
        to_volunteer_number=earned.number,
        to_volunteer_name=earned.name,
    )
    assert TimeAccount.objects.get(volunteer=earned).balance == 4
    with pytest.raises(ValidationError, match="核对"):
        services.hours_transfer(
            actor=registered.user,
            hours=Decimal(1),
            relation="child",
            to_volunteer_number=earned.number,
            to_volunteer_name="别人",
        )
    with pytest.raises(ValidationError, match="余额不足"):
        services.hours_transfer(actor=registered.user, hours=Decimal(2), relation="spouse", to_person=spouse)
    assert TimeAccount.objects.get(volunteer=registered).balance == 1


def test_the_certificate_totals_the_confirmed_service_and_is_audited(earned, make_item):
    services.store_redeem(actor=earned.user, item=make_item(price="1"))  # spending does not shrink service
    page = _client(earned.user).get("/volunteers/me/certificate/")
    text = page.content.decode()
    assert page.status_code == 200 and "志愿服务证明" in text and "累计志愿服务时长 3.0 小时" in text
    assert "敬老院陪伴" in text and "任城区民政局" in text and "（盖章）" in text
    assert AuditLog.objects.filter(target_type="volunteers.certificate", target_id=str(earned.pk)).exists()


# ---------------------------------------------------------------- pages
def test_the_volunteer_signs_up_checks_in_and_out_from_the_phone_page(
    make_volunteer, make_activity, organiser
):
    v = make_volunteer()
    a = make_activity()
    c = _client(v.user)
    page = c.get("/volunteers/me/").content.decode()
    assert "敬老院陪伴" in page and "报名" in page
    c.post(f"/volunteers/activities/{a.pk}/signup/", {"next": "mine"})
    c.post(f"/volunteers/activities/{a.pk}/checkin/", {"next": "mine"})
    c.post(f"/volunteers/activities/{a.pk}/checkout/", {"next": "mine"})
    s = a.signups.get()
    assert s.status == SignupStatus.CHECKED_OUT
    # the volunteer posting the organiser's confirmation gets 404 (not their activity's sign-ups)
    assert c.post(f"/volunteers/signups/{s.pk}/confirm/").status_code == 404
    assert s.claimed_hours == 0  # out within seconds: no time to confirm, whatever the organiser types
    o = _client(organiser)
    page = o.post(f"/volunteers/activities/{a.pk}/confirm_all/", follow=True).content.decode()
    assert "没有可确认的时长" in page and "已确认0人" not in page
    page = o.post(f"/volunteers/signups/{s.pk}/confirm/", {"hours": "2"}, follow=True).content.decode()
    assert "没有有效的签到签退记录" in page
    s.refresh_from_db()
    assert s.status == SignupStatus.CHECKED_OUT and s.hours is None


def test_confirm_all_says_how_many_it_confirmed(make_volunteer, make_activity, organiser):
    a = make_activity(start=timezone.now() - dt.timedelta(hours=4))
    v = make_volunteer()
    s = services.activity_signup(actor=v.user, activity=a, now=a.starts_at - dt.timedelta(days=1))
    services.signup_check_in(actor=v.user, signup=s, now=a.starts_at)
    services.signup_check_out(actor=v.user, signup=s, now=a.ends_at)
    o = _client(organiser)
    page = o.post(f"/volunteers/activities/{a.pk}/confirm_all/", follow=True).content.decode()
    assert "已确认1人的时长" in page
    assert TimeAccount.objects.get(volunteer=v).balance == 3


def test_bad_input_on_the_forms_gets_a_chinese_message_and_writes_nothing(organiser, earned, make_item):
    o = _client(organiser)
    r = o.post(
        "/volunteers/activities/new/",
        {
            "title": "植树",
            "day": "abc",
            "start": "09:00",
            "end": "12:00",
            "capacity": "5",
            "region_code": VILLAGE_A,
        },
    )
    assert r.status_code == 200 and "活动日期" in r.content.decode()
    r = o.post(
        "/volunteers/activities/new/",
        {
            "title": "植树",
            "day": str(timezone.localdate() + dt.timedelta(days=1)),
            "start": "9点",
            "end": "12:00",
            "capacity": "5",
            "place": "山",
        },
    )
    assert r.status_code == 200 and "开始时间格式" in r.content.decode()
    r = o.post("/volunteers/store/", {"name": "米", "price": "-1", "stock": "x", "region_code": "370811"})
    assert r.status_code == 200 and "所需益币" in r.content.decode()
    r = _client(earned.user).post("/volunteers/me/transfer/", {"to": "volunteer", "hours": "NaN"})
    assert r.status_code == 200 and "转赠时长" in r.content.decode()
    assert TimeAccount.objects.get(volunteer=earned).balance == 3
    from minzheng.volunteers.models import Activity

    assert Activity.objects.count() == 1 and StoreItem.objects.count() == 0


def test_the_volunteers_home_shows_what_to_join_today_their_hours_and_the_store(
    earned, make_activity, make_item
):
    make_activity()  # open now, not yet joined
    make_item(price="1")
    home = _client(earned.user).get("/").content.decode()
    assert "可报名的志愿服务活动" in home and "敬老院陪伴" in home
    assert "时长余额 3.0 小时" in home and "大米5斤" in home


def test_the_organisers_home_lists_activities_with_hours_to_confirm(make_volunteer, make_activity, organiser):
    a = make_activity()
    v = make_volunteer()
    s = services.activity_signup(actor=v.user, activity=a)
    services.signup_check_in(actor=v.user, signup=s, now=a.starts_at)
    services.signup_check_out(actor=v.user, signup=s, now=a.ends_at)
    home = _client(organiser).get("/").content.decode()
    assert "志愿活动待确认时长" in home and "1人待确认" in home


def test_a_tampered_early_check_in_says_the_activity_has_not_started_and_when_check_in_opens(
    make_volunteer, make_activity
):
    v = make_volunteer()
    a = make_activity(start=timezone.now() + dt.timedelta(hours=2))
    c = _client(v.user)
    c.post(f"/volunteers/activities/{a.pk}/signup/", {"next": "mine"})
    page = c.post(f"/volunteers/activities/{a.pk}/checkin/", follow=True).content.decode()
    assert "活动尚未开始，开始前10分钟起可签到" in page and "当前不能办理该事项" not in page
    assert a.signups.get().status == SignupStatus.SIGNED
