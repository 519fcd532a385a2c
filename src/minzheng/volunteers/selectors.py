"""Reads of 志愿服务. Officers and organisers read their region's volunteers, activities and store
(`volunteer.read` / `activity_manage`, region-scoped); a volunteer reads only their own record, the
activities and store of their county and their own time bank. Out of scope reads as missing (None)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.permissions import can, scoped
from minzheng.core.todos import Item, Todo
from minzheng.policy.selectors import policy_resolve

from .models import (
    CHECK_IN_EARLY,
    TAKING_PLACE,
    Activity,
    ActivityStatus,
    Availability,
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

READ = "volunteer.read"
MANAGE = "volunteer.activity_manage"
OWN = "volunteer.hours_own"
FIRST = 5


def own_volunteer(actor: Any) -> Volunteer | None:
    """The volunteer bound to the actor's login, or None (not a volunteer, or not yet bound)."""
    if not can(actor, OWN):
        return None
    return Volunteer.objects.filter(user=actor).select_related("team").first()


# ---------------------------------------------------------------- registry
def volunteers(actor: Any) -> QuerySet[Volunteer]:
    return scoped(READ, Volunteer.objects.all(), actor)


def volunteer_list(
    *, actor: Any, q: str = "", team: str = "", skill: str = "", region: str = ""
) -> QuerySet[Volunteer]:
    qs = volunteers(actor).select_related("team")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(number=q.upper()))
    if team.isdigit():
        qs = qs.filter(team_id=int(team))
    if skill in Skill.values:
        qs = qs.filter(skills__icontains=f'"{skill}"')  # a JSON list of codes: the quoted code is in it
    if region.isdigit():
        qs = qs.filter(region_code__startswith=region)
    return qs


def volunteer_get(*, actor: Any, pk: int) -> Volunteer | None:
    return volunteers(actor).select_related("team", "user", "person").filter(pk=pk).first()


def teams(actor: Any) -> QuerySet[Team]:
    return (
        scoped(READ, Team.objects.all(), actor).annotate(members=Count("volunteers")).order_by("name", "pk")
    )


def teams_for(volunteer: Volunteer) -> QuerySet[Team]:
    """Teams a volunteer may join: those of their county."""
    return Team.objects.filter(region_code__startswith=volunteer.region_code[:6])


# ---------------------------------------------------------------- activities
def activities(actor: Any) -> QuerySet[Activity]:
    """Officers' and organisers' view: the activities of their region."""
    return scoped(READ, Activity.objects.all(), actor)


def activity_list(*, actor: Any, status: str = "", q: str = "") -> QuerySet[Activity]:
    qs = (
        activities(actor)
        .select_related("team")
        .annotate(
            taken=Count("signups", filter=Q(signups__status__in=TAKING_PLACE)),
            pending=Count("signups", filter=Q(signups__status=SignupStatus.CHECKED_OUT)),
        )
    )
    if status in ActivityStatus.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(title__contains=q)
    return qs.order_by("-starts_at", "-pk")


def county_activities(volunteer: Volunteer) -> QuerySet[Activity]:
    return Activity.objects.filter(region_code__startswith=volunteer.region_code[:6])


def activity_get(*, actor: Any, pk: int) -> Activity | None:
    """An activity the actor may see: in the officer's region, or in the volunteer's county."""
    if can(actor, READ):
        return activities(actor).select_related("team").filter(pk=pk).first()
    volunteer = own_volunteer(actor)
    if volunteer is None:
        return None
    return county_activities(volunteer).select_related("team").filter(pk=pk).first()


def open_to_join(*, volunteer: Volunteer, now: dt.datetime | None = None) -> QuerySet[Activity]:
    """Open activities of the volunteer's county not yet over, with places left, not already joined."""
    now = now or timezone.now()
    return (
        county_activities(volunteer)
        .filter(status=ActivityStatus.OPEN, ends_at__gt=now)
        .exclude(signups__volunteer=volunteer, signups__status__in=TAKING_PLACE)
        .annotate(taken=Count("signups", filter=Q(signups__status__in=TAKING_PLACE)))
        .filter(taken__lt=F("capacity"))
        .order_by("starts_at", "pk")
    )


def my_signups(*, volunteer: Volunteer) -> QuerySet[Signup]:
    return (
        Signup.objects.filter(volunteer=volunteer)
        .exclude(status=SignupStatus.CANCELLED)
        .select_related("activity")
        .order_by("-activity__starts_at", "-pk")
    )


def my_upcoming(*, volunteer: Volunteer, now: dt.datetime | None = None) -> QuerySet[Signup]:
    """Sign-ups still to be served: signed or checked in, the activity not over (today's first)."""
    now = now or timezone.now()
    return (
        Signup.objects.filter(
            volunteer=volunteer,
            status__in=(SignupStatus.SIGNED, SignupStatus.CHECKED_IN),
            activity__ends_at__gt=now,
            activity__status=ActivityStatus.OPEN,
        )
        .select_related("activity")
        .order_by("activity__starts_at", "pk")
    )


def signups_of(activity: Activity) -> QuerySet[Signup]:
    return activity.signups.exclude(status=SignupStatus.CANCELLED).select_related(
        "volunteer__team", "confirmed_by"
    )


def signup_get(*, actor: Any, pk: int) -> Signup | None:
    """A sign-up of an activity in the organiser's region."""
    return (
        Signup.objects.filter(pk=pk, activity__in=scoped(MANAGE, Activity.objects.all(), actor))
        .select_related("activity", "volunteer__team")
        .first()
    )


def volunteer_actions(
    *, volunteer: Volunteer | None, activity: Activity, now: dt.datetime | None = None
) -> list[tuple[str, str]]:
    """The buttons a volunteer gets on an activity: (action, label)."""
    if volunteer is None:
        return []
    now = now or timezone.now()
    signup = Signup.objects.filter(activity=activity, volunteer=volunteer).first()
    status = signup.status if signup else SignupStatus.CANCELLED
    live = activity.status == ActivityStatus.OPEN and activity.ends_at > now
    if not live:
        return []
    if status == SignupStatus.CANCELLED:
        taken = activity.signups.filter(status__in=TAKING_PLACE).count()
        return [("signup", "报名")] if taken < activity.capacity else []
    if status == SignupStatus.SIGNED:
        out = []
        if now >= activity.starts_at - CHECK_IN_EARLY:
            out.append(("checkin", "签到"))
        if now < activity.starts_at:
            out.append(("cancel_signup", "取消报名"))
        return out
    if status == SignupStatus.CHECKED_IN:
        return [("checkout", "签退")]
    return []


def volunteer_refusal(*, volunteer: Volunteer | None, activity: Activity, action: str) -> str:
    """Why a volunteer's action is not offered now, in words (a tampered or stale button): the early
    check-in says when it opens instead of the generic refusal."""
    if volunteer is not None and action == "checkin" and activity.status == ActivityStatus.OPEN:
        signed = Signup.objects.filter(activity=activity, volunteer=volunteer, status=SignupStatus.SIGNED)
        if signed.exists() and timezone.now() < activity.starts_at - CHECK_IN_EARLY:
            return early_check_in_message()
    return "当前不能办理该事项"


def organiser_actions(*, actor: Any, activity: Activity) -> list[tuple[str, str]]:
    if not can(actor, MANAGE, region_code=activity.region_code) or activity.status != ActivityStatus.OPEN:
        return []
    out = [("confirm_all", "确认全部已签退志愿者的时长")]
    if not activity.signups.filter(status=SignupStatus.CHECKED_OUT).exists():
        out.append(("close", "结束活动"))
    if not activity.signups.filter(status__in=TAKING_PLACE[1:]).exists():
        out.append(("cancel", "取消活动"))
    return out


def signup_actions(*, actor: Any, signup: Signup) -> list[tuple[str, str]]:
    if not can(actor, MANAGE, region_code=signup.activity.region_code):
        return []
    out = []
    if signup.status in (SignupStatus.CHECKED_IN, SignupStatus.CHECKED_OUT):
        out.append(("confirm", "确认时长"))
    if signup.status in (SignupStatus.SIGNED, SignupStatus.CHECKED_IN):
        out.append(("absent", "登记未到"))
    return out


# ---------------------------------------------------------------- time bank
def account_of(volunteer: Volunteer) -> TimeAccount:
    return TimeAccount.objects.get(volunteer=volunteer)


def ledger(account: TimeAccount) -> QuerySet[TimeEntry]:
    return account.entries.select_related("counterpart__volunteer", "counterpart__person")


def store_items(actor: Any) -> QuerySet[StoreItem]:
    """The store as the actor sees it: a volunteer the active items of their county, officers their region."""
    volunteer = own_volunteer(actor)
    if volunteer is not None:
        return StoreItem.objects.filter(region_code__startswith=volunteer.region_code[:6], active=True)
    return scoped(READ, StoreItem.objects.all(), actor)


def store_item_get(*, actor: Any, pk: int) -> StoreItem | None:
    return store_items(actor).filter(pk=pk).first()


def certificate(volunteer: Volunteer) -> dict[str, Any]:
    """志愿服务证明: the confirmed service, activity by activity, and the total (from the sign-ups, which
    are the record; transfers and spending do not change the hours served)."""
    rows = list(
        Signup.objects.filter(volunteer=volunteer, status=SignupStatus.CONFIRMED)
        .select_related("activity", "activity__team")
        .order_by("activity__starts_at")
    )
    total = sum((r.hours or Decimal(0) for r in rows), Decimal(0))
    return {"rows": rows, "total": total, "first": rows[0].activity.starts_at if rows else None}


# ---------------------------------------------------------------- targets
def target_count(*, actor: Any, on: dt.date) -> dict[str, Any]:
    """Registered volunteers now and a year ago against `volunteers.target.count` (1.7 M by 2025) and
    `volunteers.target.annual_increase` (+50 k a year): one aggregate query."""
    p = policy_resolve(on=on, region_code="", hukou_type="")
    year_ago = on - dt.timedelta(days=365)
    agg = volunteers(actor).aggregate(
        now=Count("pk", filter=Q(registered_on__lte=on)),
        before=Count("pk", filter=Q(registered_on__lte=year_ago)),
    )
    target, increase = int(p.get("volunteers.target.count")), int(p.get("volunteers.target.annual_increase"))
    added = agg["now"] - agg["before"]
    return {
        "count": agg["now"],
        "year_ago": agg["before"],
        "added": added,
        "target": target,
        "increase_target": increase,
        "increase_met": added >= increase,
        "share_pct": f"{Decimal(agg['now']) * 100 / target:.2f}" if target else "",
    }


def hours_summary(actor: Any) -> dict[str, Any]:
    """Hours confirmed in the region (sign-ups) and the time bank's outstanding balance."""
    confirmed = Signup.objects.filter(
        activity__in=activities(actor), status=SignupStatus.CONFIRMED
    ).aggregate(h=Sum("hours"), n=Count("pk"))
    balance = scoped(READ, TimeAccount.objects.all(), actor).aggregate(b=Sum("balance"))["b"]
    return {"confirmed_hours": confirmed["h"] or 0, "services": confirmed["n"], "balance": balance or 0}


# ---------------------------------------------------------------- 首页 to-dos (two queries per card)
def to_confirm(actor: Any) -> QuerySet[Activity]:
    return (
        scoped(MANAGE, Activity.objects.all(), actor)
        .filter(signups__status=SignupStatus.CHECKED_OUT)
        .annotate(pending=Count("signups", filter=Q(signups__status=SignupStatus.CHECKED_OUT)))
        .order_by("starts_at", "pk")
    )


def _first(qs: Any) -> tuple[list[Any], int]:
    """A card's first rows and its count: one query, a second only when there are more than shown."""
    rows = list(qs[:FIRST])
    return rows, len(rows) if len(rows) < FIRST else qs.count()


def confirm_todo(actor: Any, on: dt.date) -> Todo:
    rows, n = _first(to_confirm(actor))
    return Todo(
        key="volunteers-confirm",
        title="志愿活动待确认时长",
        count=n,
        url=reverse("volunteers-activities"),
        items=[
            Item(
                label=a.title,
                url=reverse("volunteers-activity", args=[a.pk]),
                note=f"{getattr(a, 'pending', 0)}人待确认",
            )
            for a in rows
        ],
        empty="无待确认的服务时长",
    )


def _when(a: Activity) -> str:
    start = timezone.localtime(a.starts_at)
    today = timezone.localdate()
    return f"今天 {start:%H:%M}" if start.date() == today else f"{start:%m-%d %H:%M}"


def join_todo(actor: Any, on: dt.date) -> Todo:
    volunteer = own_volunteer(actor)
    rows: list[Activity] = []
    n = 0
    if volunteer is not None:
        rows, n = _first(open_to_join(volunteer=volunteer))
    return Todo(
        key="volunteers-join",
        title="可报名的志愿服务活动",
        count=n,
        url=reverse("volunteers-mine"),
        items=[
            Item(label=a.title, url=reverse("volunteers-activity", args=[a.pk]), note=_when(a)) for a in rows
        ],
        empty="暂无可报名的活动" if volunteer else "账号尚未绑定志愿者注册信息",
    )


def upcoming_todo(actor: Any, on: dt.date) -> Todo:
    volunteer = own_volunteer(actor)
    rows: list[Signup] = []
    n = 0
    if volunteer is not None:
        rows, n = _first(my_upcoming(volunteer=volunteer))
    return Todo(
        key="volunteers-upcoming",
        title="我报名的活动",
        count=n,
        url=reverse("volunteers-mine"),
        items=[
            Item(
                label=s.activity.title,
                url=reverse("volunteers-activity", args=[s.activity_id]),
                note=f"{_when(s.activity)} · {s.get_status_display()}",
            )
            for s in rows
        ],
        empty="暂无待参加的活动",
    )


def bank_todo(actor: Any, on: dt.date) -> Todo:
    """The time bank card: the balance first, then what it can buy at the store now."""
    volunteer = own_volunteer(actor)
    items: list[Item] = []
    n = 0
    if volunteer is not None:
        account = TimeAccount.objects.filter(volunteer=volunteer).first()
        balance = account.balance if account else Decimal(0)
        affordable = list(
            StoreItem.objects.filter(
                region_code__startswith=volunteer.region_code[:6],
                active=True,
                stock__gt=0,
                price__lte=balance,
            )[:FIRST]
        )
        n = len(affordable)
        items = [
            Item(
                label=f"时长余额 {balance} 小时",
                url=reverse("volunteers-mine"),
                note=f"累计服务 {account.earned if account else 0} 小时",
            )
        ] + [Item(label=i.name, url=reverse("volunteers-store"), note=f"{i.price} 益币") for i in affordable]
    return Todo(
        key="volunteers-bank",
        title="时间银行：可兑换",
        count=n,
        url=reverse("volunteers-store"),
        items=items,
        empty="暂无可兑换的物品",
    )


SKILL_CHOICES = Skill.choices
AVAILABILITY_CHOICES = Availability.choices
