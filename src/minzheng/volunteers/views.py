"""Desk and phone pages of 志愿服务: thin. Records come through selectors (out of scope = 404 like missing),
the buttons are what the selectors offer, writes go through services, and bad input gets the service's
Chinese message and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.models import User
from minzheng.accounts.permissions import Denied, can, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.accounts.signals import client_ip
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.inputs import form_date, form_decimal, form_int
from minzheng.core.labels import region_name
from minzheng.core.spreadsheet import xlsx_bytes
from minzheng.people.models import Person

from . import selectors, services
from .models import ActivityStatus, Availability, Relation, Skill

READ, MANAGE, OWN = selectors.READ, selectors.MANAGE, selectors.OWN


def _gate(request: HttpRequest, *permissions: str) -> HttpResponse | None:
    """Pass when the actor holds one of `permissions`; otherwise the refusal of the first (audited)."""
    if any(can(request.user, p) for p in permissions):
        return None
    try:
        require(request.user, permissions[0], target="volunteers")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None  # pragma: no cover - require raised


def _found(obj: Any) -> Any:
    if obj is None:
        raise Http404("记录不存在")
    return obj


def _run(request: HttpRequest, fn: Callable[[], Any], ok: str | Callable[[Any], str]) -> bool:
    """Run a service; its refusal becomes the page's messages. `ok` may word the result (a count)."""
    try:
        result = fn()
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
        return False
    messages.success(request, ok(result) if callable(ok) else ok)
    return True


def _confirmed(done: int) -> str:
    return f"已确认{done}人的时长" if done else "没有可确认的时长（须在活动时间内签到并签退）"


def _page(request: HttpRequest, qs: Any, size: int = 30) -> Any:
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _time(value: Any, label: str) -> dt.time:
    """A clock time typed as HH:MM (the browser's time input)."""
    text = str(value or "").strip()
    if not text:
        raise ValidationError(f"请填写{label}")
    try:
        return dt.time.fromisoformat(text[:5])
    except ValueError:
        raise ValidationError(f"{label}格式应为时:分，如 09:30") from None


# ---------------------------------------------------------------- the volunteer's own pages (390 px)
@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, OWN)) is not None:
        return refused
    volunteer = selectors.own_volunteer(request.user)
    ctx: dict[str, Any] = {"me": volunteer}
    if volunteer is not None:
        now = timezone.now()
        upcoming = list(selectors.my_upcoming(volunteer=volunteer, now=now))
        ctx.update(
            {
                "account": selectors.account_of(volunteer),
                "upcoming": [
                    (s, selectors.volunteer_actions(volunteer=volunteer, activity=s.activity, now=now))
                    for s in upcoming
                ],
                "open": list(selectors.open_to_join(volunteer=volunteer, now=now)[:20]),
                "history": list(selectors.my_signups(volunteer=volunteer)[:20]),
                "ledger": list(selectors.ledger(selectors.account_of(volunteer))[:20]),
            }
        )
    return render(request, "volunteers/mine.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, OWN)) is not None:
        return refused
    volunteer = selectors.own_volunteer(request.user)
    if volunteer is None:
        return redirect("volunteers-mine")
    family = services.family_members(volunteer)
    if request.method == "POST":
        p = request.POST

        def go() -> None:
            hours = form_decimal(p.get("hours"), "转赠时长", places=1, lo=Decimal("0.5"))
            to_person: Person | None = None
            if p.get("to") == "person":
                pid = form_int(p.get("person"), "家庭成员")
                to_person = next((m for m in family if m.pk == pid), None)
                if to_person is None:
                    raise ValidationError("只能转赠给人口库中与您同户的家庭成员")
            services.hours_transfer(
                actor=request.user,
                hours=hours,
                relation=p.get("relation", ""),
                to_person=to_person,
                to_volunteer_number=p.get("number", ""),
                to_volunteer_name=p.get("name", ""),
            )

        if _run(request, go, "时长已转赠"):
            return redirect("volunteers-mine")
    return render(
        request,
        "volunteers/transfer.html",
        {
            "me": volunteer,
            "account": selectors.account_of(volunteer),
            "family": family,
            "relations": Relation.choices,
            "form": request.POST,
        },
    )


def _certificate(request: HttpRequest, volunteer: Any) -> HttpResponse:
    audit_record(
        actor=request.user,
        event_type=AuditEvent.EXPORT,
        target_type="volunteers.certificate",
        target_id=volunteer.pk,
        region_code=volunteer.region_code,
        detail="出具志愿服务证明",
        ip=client_ip(request),
    )
    return render(
        request,
        "volunteers/certificate.html",
        {
            "me": volunteer,
            **selectors.certificate(volunteer),
            "authority": f"{region_name(volunteer.region_code[:6])}民政局",
            "issued_on": timezone.localdate(),
            "doc_no": f"{volunteer.number}-{timezone.localdate():%Y%m%d}",
        },
    )


@login_required
@require_GET
def my_certificate(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, OWN)) is not None:
        return refused
    return _certificate(request, _found(selectors.own_volunteer(request.user)))


# ---------------------------------------------------------------- registry (organisers and officers)
EXPORT_HEADER = [
    "志愿者编号",
    "姓名",
    "身份证号",
    "所在村（社区）",
    "志愿服务队",
    "服务技能",
    "可服务时间",
    "注册日期",
]


@login_required
@require_GET
def volunteer_list(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, READ)) is not None:
        return refused
    g = request.GET
    f = {k: g.get(k, "").strip()[:30] for k in ("q", "team", "skill")}
    qs = selectors.volunteer_list(actor=request.user, **f)
    if g.get("export") == "xlsx":
        names = {}
        rows = list(qs[:20000])
        from minzheng.core.labels import region_names

        names = region_names({v.region_code for v in rows})
        cells = [
            [
                v.number,
                v.name,
                v.id_masked,
                names.get(v.region_code, ""),
                v.team.name if v.team else "",
                "、".join(v.skill_labels),
                "、".join(v.availability_labels),
                str(v.registered_on),
            ]
            for v in rows
        ]
        user: Any = request.user
        audit_record(
            actor=user,
            event_type=AuditEvent.EXPORT,
            target_type="volunteers.export",
            region_code=user.region.code if user.region else "",
            detail=f"导出志愿者{len(cells)}条",
            ip=client_ip(request),
        )
        response = HttpResponse(
            xlsx_bytes(EXPORT_HEADER, cells, title="志愿者"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="volunteers.xlsx"'
        return response
    page = _page(request, qs)
    from minzheng.core.labels import region_names

    return render(
        request,
        "volunteers/list.html",
        {
            "page": page,
            "f": f,
            "teams": selectors.teams(request.user),
            "skills": Skill.choices,
            "villages": region_names({v.region_code for v in page}),
            "can_manage": can(request.user, MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_new(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, MANAGE)) is not None:
        return refused
    p = request.POST
    if request.method == "POST":
        created: list[Any] = []

        def go() -> None:
            team_id = form_int(p.get("team"), "志愿服务队", required=False)
            team = selectors.teams(request.user).filter(pk=team_id).first() if team_id else None
            created.append(
                services.volunteer_register(
                    actor=request.user,
                    id_number=p.get("id_number", ""),
                    name=p.get("name", ""),
                    region_code=cascade_value(p),
                    phone=p.get("phone", ""),
                    skills=p.getlist("skills"),
                    availability=p.getlist("availability"),
                    team=team,
                )
            )

        if _run(request, go, "志愿者已注册"):
            return redirect("volunteers-detail", pk=created[0].pk)
    return render(
        request,
        "volunteers/new.html",
        {
            "form": p,
            "cascade": region_cascade(actor=request.user, selected=cascade_value(p)),
            "teams": selectors.teams(request.user),
            "skills": Skill.choices,
            "availability": Availability.choices,
            "picked_skills": p.getlist("skills"),
            "picked_availability": p.getlist("availability"),
        },
    )


@login_required
@require_GET
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _found(selectors.volunteer_get(actor=request.user, pk=pk))
    account = selectors.account_of(volunteer)
    return render(
        request,
        "volunteers/detail.html",
        {
            "v": volunteer,
            "village": region_name(volunteer.region_code, full=True),
            "account": account,
            "signups": selectors.my_signups(volunteer=volunteer)[:30],
            "ledger": selectors.ledger(account)[:30],
            "can_manage": can(request.user, MANAGE, region_code=volunteer.region_code),
            "accounts": _bindable(request.user, volunteer),
            "teams": selectors.teams_for(volunteer),
            "skills": Skill.choices,
            "availability": Availability.choices,
        },
    )


def _bindable(actor: Any, volunteer: Any) -> list[Any]:
    """Accounts of the volunteer's village that may log in as a volunteer and are not bound yet."""
    if not can(actor, MANAGE, region_code=volunteer.region_code):
        return []
    users = User.objects.filter(
        region__code=volunteer.region_code, is_active=True, volunteer_profile__isnull=True
    )
    return [u for u in users.select_related("region")[:50] if can(u, OWN)]


VOLUNTEER_ACTIONS: dict[str, tuple[Callable[[HttpRequest, Any], Any], str]] = {
    "bind": (
        lambda r, v: services.volunteer_bind_user(
            actor=r.user,
            volunteer=v,
            user=User.objects.filter(pk=form_int(r.POST.get("user"), "登录账号")).first(),
        ),
        "已绑定登录账号",
    ),
    "update": (
        lambda r, v: services.volunteer_update(
            actor=r.user,
            volunteer=v,
            skills=r.POST.getlist("skills"),
            availability=r.POST.getlist("availability"),
            team=selectors.teams_for(v)
            .filter(pk=form_int(r.POST.get("team"), "志愿服务队", required=False) or 0)
            .first(),
        ),
        "已保存",
    ),
}


@login_required
@require_POST
def volunteer_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    volunteer = _found(selectors.volunteer_get(actor=request.user, pk=pk))
    entry = VOLUNTEER_ACTIONS.get(action)
    if entry is None:
        raise Http404
    run, ok = entry
    _run(request, lambda: run(request, volunteer), ok)
    return redirect("volunteers-detail", pk=volunteer.pk)


@login_required
@require_GET
def volunteer_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    return _certificate(request, _found(selectors.volunteer_get(actor=request.user, pk=pk)))


@login_required
@require_http_methods(["GET", "POST"])
def teams(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, READ)) is not None:
        return refused
    p = request.POST
    if request.method == "POST":
        if (refused := _gate(request, MANAGE)) is not None:
            return refused
        if _run(
            request,
            lambda: services.team_create(
                actor=request.user,
                name=p.get("name", ""),
                region_code=cascade_value(p),
                description=p.get("description", ""),
            ),
            "志愿服务队已建立",
        ):
            return redirect("volunteers-teams")
    qs = selectors.teams(request.user)
    page = _page(request, qs)
    from minzheng.core.labels import region_names

    return render(
        request,
        "volunteers/teams.html",
        {
            "page": page,
            "places": region_names({t.region_code for t in page}),
            "form": p,
            "can_manage": can(request.user, MANAGE),
            "cascade": region_cascade(actor=request.user, selected=cascade_value(p)),
        },
    )


# ---------------------------------------------------------------- activities
@login_required
@require_GET
def activities(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, READ)) is not None:
        return refused
    g = request.GET
    f = {k: g.get(k, "").strip()[:30] for k in ("status", "q")}
    page = _page(request, selectors.activity_list(actor=request.user, **f))
    from minzheng.core.labels import region_names

    return render(
        request,
        "volunteers/activities.html",
        {
            "page": page,
            "f": f,
            "statuses": ActivityStatus.choices,
            "places": region_names({a.region_code for a in page}),
            "can_manage": can(request.user, MANAGE),
            "summary": selectors.hours_summary(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, MANAGE)) is not None:
        return refused
    p = request.POST
    if request.method == "POST":
        created: list[Any] = []

        def go() -> None:
            day = form_date(p.get("day"), "活动日期", future_days=366)
            tz = timezone.get_current_timezone()
            starts = dt.datetime.combine(day, _time(p.get("start"), "开始时间"), tzinfo=tz)
            ends = dt.datetime.combine(day, _time(p.get("end"), "结束时间"), tzinfo=tz)
            team_id = form_int(p.get("team"), "组织队伍", required=False)
            created.append(
                services.activity_create(
                    actor=request.user,
                    title=p.get("title", ""),
                    region_code=cascade_value(p),
                    place=p.get("place", ""),
                    starts_at=starts,
                    ends_at=ends,
                    capacity=form_int(p.get("capacity"), "招募人数", lo=1, hi=10000),
                    hours=form_decimal(p.get("hours"), "可记时长", places=1, required=False, hi=Decimal(72)),
                    team=selectors.teams(request.user).filter(pk=team_id).first() if team_id else None,
                    description=p.get("description", ""),
                    skills=p.getlist("skills"),
                )
            )

        if _run(request, go, "活动已发布"):
            return redirect("volunteers-activity", pk=created[0].pk)
    return render(
        request,
        "volunteers/activity_new.html",
        {
            "form": p,
            "cascade": region_cascade(actor=request.user, selected=cascade_value(p)),
            "teams": selectors.teams(request.user),
            "skills": Skill.choices,
            "picked_skills": p.getlist("skills"),
        },
    )


@login_required
@require_GET
def activity(request: HttpRequest, pk: int) -> HttpResponse:
    a = _found(selectors.activity_get(actor=request.user, pk=pk))
    volunteer = selectors.own_volunteer(request.user)
    manage = can(request.user, MANAGE, region_code=a.region_code)
    signups = (
        [(s, selectors.signup_actions(actor=request.user, signup=s)) for s in selectors.signups_of(a)]
        if can(request.user, READ)
        else []
    )
    mine_signup = a.signups.filter(volunteer=volunteer).first() if volunteer else None
    return render(
        request,
        "volunteers/activity.html",
        {
            "a": a,
            "place_name": region_name(a.region_code, full=True),
            "taken": a.signups.filter(status__in=selectors.TAKING_PLACE).count(),
            "mine": mine_signup,
            "volunteer_actions": selectors.volunteer_actions(volunteer=volunteer, activity=a),
            "organiser_actions": selectors.organiser_actions(actor=request.user, activity=a),
            "signups": signups,
            "manage": manage,
            "skills": [str(Skill(s).label) for s in a.skills if s in Skill.values],
        },
    )


def _mine_of(request: HttpRequest, a: Any) -> Any:
    volunteer = services.volunteer_of(request.user)
    signup = a.signups.filter(volunteer=volunteer).first()
    if signup is None:
        raise ValidationError("您未报名该活动")
    return signup


ACTIVITY_ACTIONS: dict[str, tuple[Callable[[HttpRequest, Any], Any], str | Callable[[Any], str]]] = {
    "signup": (lambda r, a: services.activity_signup(actor=r.user, activity=a), "报名成功"),
    "cancel_signup": (lambda r, a: services.signup_cancel(actor=r.user, signup=_mine_of(r, a)), "已取消报名"),
    "checkin": (lambda r, a: services.signup_check_in(actor=r.user, signup=_mine_of(r, a)), "签到成功"),
    "checkout": (
        lambda r, a: services.signup_check_out(actor=r.user, signup=_mine_of(r, a)),
        "签退成功，待组织方确认时长",
    ),
    "confirm_all": (lambda r, a: services.activity_confirm_all(actor=r.user, activity=a), _confirmed),
    "close": (lambda r, a: services.activity_close(actor=r.user, activity=a), "活动已结束"),
    "cancel": (lambda r, a: services.activity_close(actor=r.user, activity=a, cancel=True), "活动已取消"),
}


@login_required
@require_POST
def activity_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    a = _found(selectors.activity_get(actor=request.user, pk=pk))
    entry = ACTIVITY_ACTIONS.get(action)
    if entry is None:
        raise Http404
    offered = {
        x for x, _ in selectors.volunteer_actions(volunteer=selectors.own_volunteer(request.user), activity=a)
    }
    offered |= {x for x, _ in selectors.organiser_actions(actor=request.user, activity=a)}
    if action not in offered:
        mine = selectors.own_volunteer(request.user)
        messages.error(request, selectors.volunteer_refusal(volunteer=mine, activity=a, action=action))
    else:
        run, ok = entry
        _run(request, lambda: run(request, a), ok)
    if request.POST.get("next") == "mine":
        return redirect("volunteers-mine")
    return redirect("volunteers-activity", pk=a.pk)


SIGNUP_ACTIONS: dict[str, tuple[Callable[[HttpRequest, Any], Any], str]] = {
    "confirm": (
        lambda r, s: services.signup_confirm(
            actor=r.user,
            signup=s,
            hours=form_decimal(r.POST.get("hours"), "确认时长", places=1, required=False, hi=Decimal(72)),
        ),
        "时长已确认并记入时间银行",
    ),
    "absent": (lambda r, s: services.signup_absent(actor=r.user, signup=s), "已登记未到"),
}


@login_required
@require_POST
def signup_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    signup = _found(selectors.signup_get(actor=request.user, pk=pk))
    entry = SIGNUP_ACTIONS.get(action)
    if entry is None:
        raise Http404
    if action not in {x for x, _ in selectors.signup_actions(actor=request.user, signup=signup)}:
        messages.error(request, "当前不能办理该事项")
    else:
        run, ok = entry
        _run(request, lambda: run(request, signup), ok)
    return redirect("volunteers-activity", pk=signup.activity_id)


# ---------------------------------------------------------------- the 益币 store
@login_required
@require_http_methods(["GET", "POST"])
def store(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, OWN, READ)) is not None:
        return refused
    p = request.POST
    if request.method == "POST":
        if (refused := _gate(request, MANAGE)) is not None:
            return refused
        if _run(
            request,
            lambda: services.store_item_create(
                actor=request.user,
                name=p.get("name", ""),
                region_code=cascade_value(p),
                price=form_decimal(p.get("price"), "所需益币", places=1, lo=Decimal("0.5")),
                stock=form_int(p.get("stock"), "库存", hi=100000),
                place=p.get("place", ""),
            ),
            "已上架",
        ):
            return redirect("volunteers-store")
    volunteer = selectors.own_volunteer(request.user)
    return render(
        request,
        "volunteers/store.html",
        {
            "items": list(selectors.store_items(request.user)[:100]),
            "me": volunteer,
            "account": selectors.account_of(volunteer) if volunteer else None,
            "can_manage": can(request.user, MANAGE),
            "cascade": region_cascade(actor=request.user, selected=cascade_value(p))
            if can(request.user, MANAGE)
            else [],
            "form": p,
        },
    )


@login_required
@require_POST
def redeem(request: HttpRequest, pk: int) -> HttpResponse:
    item = _found(selectors.store_item_get(actor=request.user, pk=pk))
    _run(
        request,
        lambda: services.store_redeem(
            actor=request.user,
            item=item,
            quantity=form_int(request.POST.get("quantity") or 1, "数量", lo=1, hi=20),
        ),
        f"已兑换：{item.name}",
    )
    return redirect("volunteers-store")


@login_required
@require_GET
def targets(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, READ)) is not None:
        return refused
    return render(
        request,
        "volunteers/targets.html",
        {"count": selectors.target_count(actor=request.user, on=timezone.localdate())},
    )
