"""All writes of 志愿服务: registration, teams, activities, sign-up, check-in/out, the organiser's
confirmation of hours and the time bank (earn, spend at the 益币 store, transfer to family). Each is atomic,
permission-checked and audited in the same transaction. A balance never goes negative: every debit is a
single conditional UPDATE (`balance >= hours`), so two concurrent spends cannot both pass."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from minzheng.accounts.permissions import can, require
from minzheng.accounts.scoping import in_scope
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core import crypto
from minzheng.core.idnumber import parse_id_number
from minzheng.people.models import Person
from minzheng.regions.models import Region, RegionLevel

from .models import (
    CHECK_IN_EARLY,
    TAKING_PLACE,
    Activity,
    ActivityStatus,
    Availability,
    EntryKind,
    Redemption,
    Relation,
    Signup,
    SignupStatus,
    Skill,
    StoreItem,
    Team,
    TimeAccount,
    TimeEntry,
    Volunteer,
    early_check_in_message,
)

MANAGE = "volunteer.activity_manage"
OWN = "volunteer.hours_own"
HALF = Decimal("0.5")
MAX_HOURS = Decimal("24")


def _text(value: str, label: str, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"请填写{label}")
    if len(value) > max_length:
        raise ValidationError(f"{label}不能超过{max_length}个字")
    return value


def _choices(values: list[str], allowed: list[str], label: str) -> list[str]:
    picked = [v for v in dict.fromkeys(values or []) if v]
    if any(v not in allowed for v in picked):
        raise ValidationError(f"{label}选项不正确")
    return picked


def _region(code: str, *, levels: tuple[str, ...], label: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise ValidationError(f"请选择{label}")
    if region.level not in levels:
        names = "、".join(str(RegionLevel(x).label) for x in levels)
        raise ValidationError(f"{label}须选到{names}一级")
    return region


def _hours(value: Decimal, label: str = "时长") -> Decimal:
    """Hours in steps of half an hour, more than zero."""
    if value is None or value <= 0:
        raise ValidationError(f"{label}应大于0")
    if value > Decimal(100000):
        raise ValidationError(f"{label}过大")
    if (value / HALF) != (value / HALF).to_integral_value():
        raise ValidationError(f"{label}以0.5小时为单位")
    return value


def _phone(value: str) -> str:
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if value and not (value.isdigit() and 7 <= len(value) <= 12):
        raise ValidationError("联系电话格式不正确，应为7至12位数字")
    return value


# ---------------------------------------------------------------- teams and registration
@transaction.atomic
def team_create(*, actor: Any, name: str, region_code: str, description: str = "") -> Team:
    name = _text(name, "队伍名称", max_length=100)
    region = _region(
        region_code,
        levels=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE),
        label="队伍所在区划",
    )
    require(actor, MANAGE, region_code=region.code, target=f"team:{name}")
    if Team.objects.filter(region_code=region.code, name=name).exists():
        raise ValidationError(f"{region.name}已有名为“{name}”的志愿服务队")
    team = Team.objects.create(
        name=name,
        region_code=region.code,
        description=_text(description, "服务内容", max_length=300, required=False),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="volunteers.team",
        target_id=team.pk,
        region_code=team.region_code,
        new={"name": name},
    )
    return team


def _next_number(region_code: str) -> str:
    """志愿者编号: the county code and a running number within it."""
    county = region_code[:6]
    last = (
        Volunteer.objects.filter(number__startswith=f"V{county}")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"V{county}{(int(last[7:]) + 1 if last else 1):06d}"


@transaction.atomic
def volunteer_register(
    *,
    actor: Any,
    id_number: str,
    name: str,
    region_code: str = "",
    phone: str = "",
    skills: list[str] | None = None,
    availability: list[str] | None = None,
    team: Team | None = None,
    registered_on: dt.date | None = None,
) -> Volunteer:
    """Register a volunteer under real name. An ID held by the registry links the person (the name must be
    the registry's, the village the person's); any other valid ID registers by ID in the village chosen."""
    info = parse_id_number(id_number)
    name = _text(name, "姓名", max_length=64)
    id_hash = crypto.blind_index(info.id_number)
    person = Person.objects.filter(id_hash=id_hash).first()
    if person is not None:
        if person.name != name:
            raise ValidationError("姓名与人口库中该身份证号登记的姓名不一致，请核对")
        if not person.is_alive:
            raise ValidationError("人口库记载该人员已死亡，不能注册为志愿者")
        village = person.region_code
    else:
        village = _region(region_code, levels=(RegionLevel.VILLAGE,), label="所在村（社区）").code
    require(actor, MANAGE, region_code=village, target="volunteer:new")
    if Volunteer.objects.filter(id_hash=id_hash).exists():
        raise ValidationError("该身份证号已注册为志愿者，不能重复注册")
    if team is not None and not village.startswith(team.region_code[:6]):
        raise ValidationError("志愿服务队须为本县（市、区）的队伍")
    phone = _phone(phone)
    volunteer = Volunteer(
        number=_next_number(village),
        person=person,
        name=name,
        id_number_enc=crypto.encrypt(info.id_number),
        id_hash=id_hash,
        id_tail=info.id_number[-4:],
        phone_enc=crypto.encrypt(phone) if phone else "",
        region_code=village,
        skills=_choices(skills or [], Skill.values, "服务技能"),
        availability=_choices(availability or [], Availability.values, "可服务时间"),
        team=team,
        registered_on=registered_on or timezone.localdate(),
        registered_by=actor,
    )
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:  # the same ID or number registered meanwhile
        raise ValidationError("该身份证号已注册为志愿者，或编号冲突，请重试") from None
    TimeAccount.objects.create(volunteer=volunteer, region_code=village)
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="volunteers.volunteer",
        target_id=volunteer.pk,
        region_code=village,
        new={
            "number": volunteer.number,
            "name": name,
            "id_number": volunteer.id_masked,
            "registry": bool(person),
        },
    )
    return volunteer


@transaction.atomic
def volunteer_update(
    *,
    actor: Any,
    volunteer: Volunteer,
    skills: list[str],
    availability: list[str],
    team: Team | None,
) -> Volunteer:
    """Skills, availability and team: the organiser, or the volunteer for their own record."""
    own = volunteer.user_id is not None and volunteer.user_id == getattr(actor, "pk", None)
    if not (own and can(actor, OWN)):
        require(actor, MANAGE, region_code=volunteer.region_code, target=f"volunteer:{volunteer.pk}")
    if team is not None and not volunteer.region_code.startswith(team.region_code[:6]):
        raise ValidationError("志愿服务队须为本县（市、区）的队伍")
    old = {"skills": volunteer.skills, "availability": volunteer.availability, "team": volunteer.team_id}
    volunteer.skills = _choices(skills, Skill.values, "服务技能")
    volunteer.availability = _choices(availability, Availability.values, "可服务时间")
    volunteer.team = team
    volunteer.save(update_fields=["skills", "availability", "team"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="volunteers.volunteer",
        target_id=volunteer.pk,
        region_code=volunteer.region_code,
        old=old,
        new={"skills": volunteer.skills, "availability": volunteer.availability, "team": volunteer.team_id},
    )
    return volunteer


@transaction.atomic
def volunteer_bind_user(*, actor: Any, volunteer: Volunteer, user: Any) -> Volunteer:
    """Bind the volunteer's login: an account of the volunteer role in the volunteer's village."""
    require(actor, MANAGE, region_code=volunteer.region_code, target=f"volunteer:{volunteer.pk}")
    if user is None or not can(user, OWN):
        raise ValidationError("只能绑定志愿者角色的账号")
    if not in_scope(user, volunteer.region_code):
        raise ValidationError("账号所属区划须为志愿者所在的村（社区）")
    if Volunteer.objects.filter(user=user).exclude(pk=volunteer.pk).exists():
        raise ValidationError("该账号已绑定其他志愿者")
    old = volunteer.user_id
    volunteer.user = user
    volunteer.save(update_fields=["user"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="volunteers.volunteer",
        target_id=volunteer.pk,
        region_code=volunteer.region_code,
        old={"user": old},
        new={"user": user.pk},
    )
    return volunteer


def volunteer_of(actor: Any) -> Volunteer:
    """The volunteer record bound to the actor's login (the volunteer role only)."""
    require(actor, OWN, target="volunteer:own")
    volunteer = Volunteer.objects.filter(user=actor).first()
    if volunteer is None:
        raise ValidationError("您的账号尚未绑定志愿者注册信息，请联系志愿服务组织")
    return volunteer


# ---------------------------------------------------------------- activities
@transaction.atomic
def activity_create(
    *,
    actor: Any,
    title: str,
    region_code: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    hours: Decimal | None = None,
    team: Team | None = None,
    description: str = "",
    skills: list[str] | None = None,
) -> Activity:
    title = _text(title, "活动名称", max_length=100)
    region = _region(
        region_code,
        levels=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE),
        label="活动区划",
    )
    require(actor, MANAGE, region_code=region.code, target=f"activity:{title}")
    if ends_at <= starts_at:
        raise ValidationError("结束时间应晚于开始时间")
    if ends_at - starts_at > dt.timedelta(days=3):
        raise ValidationError("一次活动不超过3天，长期项目请分次发布")
    if not 1 <= capacity <= 10000:
        raise ValidationError("招募人数应为1至10000人")
    span = Decimal((ends_at - starts_at).total_seconds()) / 3600
    if hours is None:
        hours = (span / HALF).to_integral_value(rounding=ROUND_DOWN) * HALF
    hours = _hours(hours, "可记时长")
    if hours > span.quantize(HALF, rounding=ROUND_DOWN) + HALF:
        raise ValidationError("可记时长不能超过活动时长")
    if team is not None and not region.code.startswith(team.region_code[:6]):
        raise ValidationError("组织队伍须为本县（市、区）的队伍")
    activity = Activity.objects.create(
        title=title,
        region_code=region.code,
        team=team,
        place=_text(place, "活动地点", max_length=200),
        description=_text(description, "活动内容", max_length=500, required=False),
        skills=_choices(skills or [], Skill.values, "所需技能"),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        hours=hours,
        organiser=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="volunteers.activity",
        target_id=activity.pk,
        region_code=activity.region_code,
        new={"title": title, "capacity": capacity, "hours": str(hours), "starts_at": starts_at.isoformat()},
    )
    return activity


def _log(actor: Any, signup: Signup, what: str, **new: Any) -> None:
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="volunteers.signup",
        target_id=signup.pk,
        region_code=signup.volunteer.region_code,
        detail=what,
        new={"status": signup.status, **new},
    )


def _may_join(volunteer: Volunteer, activity: Activity) -> bool:
    """A volunteer joins the activities of their own county."""
    return activity.region_code[:6] == volunteer.region_code[:6]


@transaction.atomic
def activity_signup(*, actor: Any, activity: Activity, now: dt.datetime | None = None) -> Signup:
    """The volunteer signs up for themselves; the activity row is locked so the last place goes once."""
    volunteer = volunteer_of(actor)
    now = now or timezone.now()
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not _may_join(volunteer, activity):
        raise ValidationError("只能报名本县（市、区）的志愿服务活动")
    if activity.status != ActivityStatus.OPEN or activity.ends_at <= now:
        raise ValidationError("该活动已结束或已取消，不能报名")
    existing = Signup.objects.filter(activity=activity, volunteer=volunteer).first()
    if existing is not None and existing.status != SignupStatus.CANCELLED:
        raise ValidationError("您已报名该活动")
    taken = activity.signups.filter(status__in=TAKING_PLACE).count()
    if taken >= activity.capacity:
        raise ValidationError("该活动报名人数已满")
    if existing is not None:
        existing.status, existing.signed_at = SignupStatus.SIGNED, now
        existing.save(update_fields=["status", "signed_at"])
        signup = existing
    else:
        signup = Signup.objects.create(activity=activity, volunteer=volunteer, signed_at=now)
    _log(actor, signup, "报名")
    return signup


def _own_signup(actor: Any, signup: Signup) -> Signup:
    volunteer = volunteer_of(actor)
    locked = (
        Signup.objects.select_for_update(of=("self",))
        .select_related("activity", "volunteer__team")
        .get(pk=signup.pk)
    )
    if locked.volunteer_id != volunteer.pk:
        raise ValidationError("只能办理本人的报名")
    return locked


@transaction.atomic
def signup_cancel(*, actor: Any, signup: Signup, now: dt.datetime | None = None) -> Signup:
    signup = _own_signup(actor, signup)
    now = now or timezone.now()
    if signup.status != SignupStatus.SIGNED or signup.activity.starts_at <= now:
        raise ValidationError("活动开始后或签到后不能取消报名")
    signup.status = SignupStatus.CANCELLED
    signup.save(update_fields=["status"])
    _log(actor, signup, "取消报名")
    return signup


@transaction.atomic
def signup_check_in(*, actor: Any, signup: Signup, now: dt.datetime | None = None) -> Signup:
    signup = _own_signup(actor, signup)
    now = now or timezone.now()
    activity = signup.activity
    if signup.status != SignupStatus.SIGNED:
        raise ValidationError("当前状态不能签到（须先报名，且只能签到一次）")
    if activity.status != ActivityStatus.OPEN:
        raise ValidationError("该活动已结束或已取消")
    if now < activity.starts_at - CHECK_IN_EARLY:
        raise ValidationError(early_check_in_message())
    if now >= activity.ends_at:
        raise ValidationError("活动已结束，不能签到")
    signup.status, signup.checked_in_at = SignupStatus.CHECKED_IN, now
    signup.save(update_fields=["status", "checked_in_at"])
    _log(actor, signup, "签到", checked_in_at=now.isoformat())
    return signup


def served_hours(activity: Activity, checked_in_at: dt.datetime, checked_out_at: dt.datetime) -> Decimal:
    """The time on site within the activity's window, in whole half hours, at most the activity's hours."""
    start = max(checked_in_at, activity.starts_at)
    end = min(checked_out_at, activity.ends_at)
    if end <= start:
        return Decimal(0)
    span = Decimal((end - start).total_seconds()) / 3600
    return min((span / HALF).to_integral_value(rounding=ROUND_DOWN) * HALF, activity.hours)


def attended_hours(signup: Signup) -> Decimal:
    """The most hours a sign-up can be confirmed with: its time on site inside the activity's window. One
    who forgot to check out is counted from the check-in to the activity's end (the organiser decides)."""
    if signup.checked_in_at is None:
        return Decimal(0)
    end = signup.checked_out_at or signup.activity.ends_at
    return served_hours(signup.activity, signup.checked_in_at, end)


def fmt_hours(value: Decimal) -> str:
    """Hours as people write them: 3, 2.5 (never 3.0)."""
    return f"{value.normalize():f}"


@transaction.atomic
def signup_check_out(*, actor: Any, signup: Signup, now: dt.datetime | None = None) -> Signup:
    signup = _own_signup(actor, signup)
    now = now or timezone.now()
    if signup.status != SignupStatus.CHECKED_IN or signup.checked_in_at is None:
        raise ValidationError("请先签到再签退")
    if now <= signup.activity.starts_at:
        raise ValidationError("活动尚未开始，不能签退")
    signup.status, signup.checked_out_at = SignupStatus.CHECKED_OUT, now
    signup.claimed_hours = served_hours(signup.activity, signup.checked_in_at, now)
    signup.save(update_fields=["status", "checked_out_at", "claimed_hours"])
    _log(actor, signup, "签退", claimed_hours=str(signup.claimed_hours))
    return signup


def _credit(*, actor: Any, account: TimeAccount, hours: Decimal, kind: str, **entry: Any) -> TimeEntry:
    TimeAccount.objects.filter(pk=account.pk).update(
        balance=F("balance") + hours, earned=F("earned") + (hours if kind == EntryKind.EARN else 0)
    )
    account.refresh_from_db(fields=["balance", "earned"])
    return TimeEntry.objects.create(
        account=account, kind=kind, hours=hours, balance_after=account.balance, actor=actor, **entry
    )


def _debit(*, actor: Any, account: TimeAccount, hours: Decimal, kind: str, **entry: Any) -> TimeEntry:
    """Take `hours` off in one conditional UPDATE: of two concurrent debits only those the balance covers
    pass, whatever each read before (the CHECK constraint is the database's last word)."""
    if not TimeAccount.objects.filter(pk=account.pk, balance__gte=hours).update(balance=F("balance") - hours):
        raise ValidationError("时长余额不足")
    account.refresh_from_db(fields=["balance"])
    return TimeEntry.objects.create(
        account=account, kind=kind, hours=-hours, balance_after=account.balance, actor=actor, **entry
    )


@transaction.atomic
def signup_confirm(*, actor: Any, signup: Signup, hours: Decimal | None = None) -> Signup:
    """The organiser (not the volunteer: make-and-check) confirms the hours and the time bank credits them.
    A volunteer who forgot to check out is confirmed with the hours the organiser gives."""
    signup = (
        Signup.objects.select_for_update(of=("self",))
        .select_related("activity", "volunteer__team")
        .get(pk=signup.pk)
    )
    require(actor, MANAGE, region_code=signup.activity.region_code, target=f"signup:{signup.pk}")
    if signup.volunteer.user_id is not None and signup.volunteer.user_id == actor.pk:
        raise ValidationError("志愿者本人不能确认自己的服务时长")
    if signup.status not in (SignupStatus.CHECKED_IN, SignupStatus.CHECKED_OUT):
        raise ValidationError("只有已签到的报名可以确认时长")
    attended = attended_hours(signup)
    if attended <= 0:
        raise ValidationError("该志愿者在活动时间内没有有效的签到签退记录，不能确认时长，请登记未到")
    if hours is None:
        if signup.claimed_hours is None:
            raise ValidationError("该志愿者未签退，请填写确认时长")
        hours = signup.claimed_hours
    if hours > attended:
        raise ValidationError(f"确认时长不能超过在活动时间内的签到时长{fmt_hours(attended)}小时")
    if hours <= 0:
        raise ValidationError("确认时长为0，请改为登记未到")
    hours = _hours(hours, "确认时长")
    signup.status, signup.hours = SignupStatus.CONFIRMED, hours
    signup.confirmed_by, signup.confirmed_at = actor, timezone.now()
    signup.save(update_fields=["status", "hours", "confirmed_by", "confirmed_at"])
    account = TimeAccount.objects.get(volunteer=signup.volunteer)
    _credit(
        actor=actor,
        account=account,
        hours=hours,
        kind=EntryKind.EARN,
        signup=signup,
        note=signup.activity.title,
    )
    _log(actor, signup, "确认时长", hours=str(hours))
    return signup


@transaction.atomic
def signup_absent(*, actor: Any, signup: Signup) -> Signup:
    signup = (
        Signup.objects.select_for_update(of=("self",))
        .select_related("activity", "volunteer__team")
        .get(pk=signup.pk)
    )
    require(actor, MANAGE, region_code=signup.activity.region_code, target=f"signup:{signup.pk}")
    if signup.status not in (SignupStatus.SIGNED, SignupStatus.CHECKED_IN):
        raise ValidationError("只有已报名或已签到未签退的可以登记为未到")
    signup.status = SignupStatus.ABSENT
    signup.save(update_fields=["status"])
    _log(actor, signup, "登记未到")
    return signup


@transaction.atomic
def activity_confirm_all(*, actor: Any, activity: Activity) -> int:
    """Confirm every checked-out sign-up with the hours of its check-in and check-out; returns how many."""
    require(actor, MANAGE, region_code=activity.region_code, target=f"activity:{activity.pk}")
    done = 0
    for signup in activity.signups.filter(status=SignupStatus.CHECKED_OUT, claimed_hours__gt=0):
        signup_confirm(actor=actor, signup=signup)
        done += 1
    return done


@transaction.atomic
def activity_close(*, actor: Any, activity: Activity, cancel: bool = False) -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    require(actor, MANAGE, region_code=activity.region_code, target=f"activity:{activity.pk}")
    if activity.status != ActivityStatus.OPEN:
        raise ValidationError("该活动已结束或已取消")
    if cancel and activity.signups.filter(status__in=TAKING_PLACE[1:]).exists():
        raise ValidationError("已有志愿者签到，不能取消活动")
    if not cancel and activity.signups.filter(status=SignupStatus.CHECKED_OUT).exists():
        raise ValidationError("还有待确认时长的志愿者，请先确认")
    activity.status = ActivityStatus.CANCELLED if cancel else ActivityStatus.CLOSED
    activity.save(update_fields=["status"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="volunteers.activity",
        target_id=activity.pk,
        region_code=activity.region_code,
        new={"status": activity.status},
    )
    return activity


# ---------------------------------------------------------------- time bank
@transaction.atomic
def store_item_create(
    *, actor: Any, name: str, region_code: str, price: Decimal, stock: int, place: str = ""
) -> StoreItem:
    name = _text(name, "物品或服务名称", max_length=100)
    region = _region(
        region_code,
        levels=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE),
        label="兑换点区划",
    )
    require(actor, MANAGE, region_code=region.code, target=f"store:{name}")
    if not 0 <= stock <= 100000:
        raise ValidationError("库存应为0至100000")
    item = StoreItem.objects.create(
        name=name,
        region_code=region.code,
        place=_text(place, "兑换地点", max_length=200, required=False),
        price=_hours(price, "所需益币"),
        stock=stock,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="volunteers.store_item",
        target_id=item.pk,
        region_code=item.region_code,
        new={"name": name, "price": str(item.price), "stock": stock},
    )
    return item


@transaction.atomic
def store_redeem(*, actor: Any, item: StoreItem, quantity: int = 1) -> Redemption:
    """The volunteer spends their own hours at the store of their county: stock and balance are both
    taken by conditional UPDATEs, so neither goes below zero under concurrent orders."""
    volunteer = volunteer_of(actor)
    if not 1 <= quantity <= 20:
        raise ValidationError("兑换数量应为1至20")
    if not item.active or item.region_code[:6] != volunteer.region_code[:6]:
        raise ValidationError("该物品不在本县（市、区）的益币商城上架")
    if not StoreItem.objects.filter(pk=item.pk, stock__gte=quantity).update(stock=F("stock") - quantity):
        raise ValidationError("库存不足")
    account = TimeAccount.objects.get(volunteer=volunteer)
    cost = item.price * quantity
    entry = _debit(
        actor=actor, account=account, hours=cost, kind=EntryKind.SPEND, note=f"{item.name}×{quantity}"
    )
    redemption = Redemption.objects.create(item=item, account=account, entry=entry, quantity=quantity)
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="volunteers.redemption",
        target_id=redemption.pk,
        region_code=volunteer.region_code,
        new={"item": item.pk, "quantity": quantity, "hours": str(cost)},
    )
    return redemption


def family_members(volunteer: Volunteer) -> list[Person]:
    """The people of the volunteer's household in the registry (the family a transfer may go to)."""
    if volunteer.person_id is None:
        return []
    from minzheng.people.selectors import household_members, person_current_membership

    membership = person_current_membership(person=volunteer.person)  # type: ignore[arg-type]
    if membership is None:
        return []
    return [
        m.person
        for m in household_members(household=membership.household).select_related("person")
        if m.person_id != volunteer.person_id and m.person.is_alive
    ]


@transaction.atomic
def hours_transfer(
    *,
    actor: Any,
    hours: Decimal,
    relation: str,
    to_person: Person | None = None,
    to_volunteer_number: str = "",
    to_volunteer_name: str = "",
) -> TimeEntry:
    """The volunteer gives hours to a family member: a person of their household in the registry, or
    another volunteer (by number and name). The receiver's account is opened on first transfer."""
    volunteer = volunteer_of(actor)
    hours = _hours(hours, "转赠时长")
    if relation not in Relation.values:
        raise ValidationError("请选择与受赠人的关系")
    if to_person is not None:
        if to_person.pk not in {p.pk for p in family_members(volunteer)}:
            raise ValidationError("只能转赠给人口库中与您同户的家庭成员")
        registered = Volunteer.objects.filter(person=to_person).first()
        if registered is not None:
            target = TimeAccount.objects.get(volunteer=registered)
        else:
            target, _ = TimeAccount.objects.get_or_create(
                person=to_person, defaults={"region_code": to_person.region_code}
            )
    else:
        other = Volunteer.objects.filter(number=(to_volunteer_number or "").strip().upper()).first()
        if other is None or other.name != (to_volunteer_name or "").strip():
            raise ValidationError("未找到该志愿者，请核对志愿者编号和姓名")
        if other.pk == volunteer.pk:
            raise ValidationError("不能转赠给自己")
        target = TimeAccount.objects.get(volunteer=other)
    source = TimeAccount.objects.get(volunteer=volunteer)
    out = _debit(
        actor=actor,
        account=source,
        hours=hours,
        kind=EntryKind.TRANSFER_OUT,
        counterpart=target,
        relation=relation,
        note=f"转赠{target.holder_name}",
    )
    _credit(
        actor=actor,
        account=target,
        hours=hours,
        kind=EntryKind.TRANSFER_IN,
        counterpart=source,
        relation=relation,
        note=f"{volunteer.name}转入",
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="volunteers.transfer",
        target_id=out.pk,
        region_code=volunteer.region_code,
        new={"hours": str(hours), "to_account": target.pk, "relation": relation},
    )
    return out
