"""The special-difficulty families desk: the list by category and county (Excel), the recognition of
低保边缘/支出型困难 households, the one-off grants from the person page, the festival condolence run
(make → check), the tekun centralisation targets with the unplaced and uninsured lists. Thin: selectors
read, services write, every POST through core.posts.posted."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from minzheng.accounts.network import client_ip
from minzheng.accounts.permissions import Denied, can, require
from minzheng.core.inputs import form_date, form_decimal, form_int
from minzheng.core.posts import posted
from minzheng.core.spreadsheet import xlsx_response
from minzheng.people.models import Household
from minzheng.people.selectors import person_get_for_actor

from . import categories as cat
from . import selectors, services
from .models import CondolenceState, Festival, HardshipKind


def _guard(request: HttpRequest, permission: str) -> HttpResponse | None:
    try:
        require(request.user, permission, target="specialfamilies")
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


def _filters(request: HttpRequest) -> tuple[int | None, str]:
    raw = request.GET.get("category", "") or request.POST.get("category", "")
    category = int(raw) if raw.isdigit() and int(raw) in cat.CATEGORIES else None
    county = request.GET.get("county", "") or request.POST.get("county", "")
    return category, county if county.isdigit() and len(county) == 6 else ""


@login_required
@require_http_methods(["GET"])
def family_list(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, selectors.READ)) is not None:
        return refused
    on = timezone.localdate()
    category, county = _filters(request)
    qs = selectors.family_members(actor=request.user, on=on, category=category, county=county)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "specialfamilies/list.html",
        {
            "page": page,
            "rows": selectors.member_rows(page),
            "categories": list(cat.CATEGORIES.items()),
            "category": category,
            "county": county,
            "counties": selectors.counties_for_actor(actor=request.user),
            "by_county": selectors.counts_by_county(actor=request.user, on=on),
            "can_record": can(request.user, "specialfamilies.record"),
            "can_condolence": can(request.user, "specialfamilies.condolence_prepare")
            or can(request.user, "specialfamilies.condolence_decide"),
        },
    )


@login_required
@require_POST
def family_export(request: HttpRequest) -> HttpResponse:
    category, county = _filters(request)
    try:
        content = services.family_list_export_xlsx(
            actor=request.user,
            on=timezone.localdate(),
            category=category,
            county=county,
            ip=client_ip(request),
        )
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return xlsx_response(content, f"special-families-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def hardship(request: HttpRequest) -> HttpResponse:
    """认定低保边缘/支出型困难家庭 by the household number (户编号)."""
    if (refused := _guard(request, "specialfamilies.record")) is not None:
        return refused

    def record() -> Any:
        number = request.POST.get("household", "").strip()
        household = Household.objects.filter(number=number).first() if number else None
        if household is None or not can(request.user, selectors.READ, region_code=household.region_code):
            raise ValidationError("未找到该户编号的家庭（或不在本辖区）")
        return services.hardship_household_record(
            actor=request.user,
            household=household,
            kind=request.POST.get("kind", ""),
            recognised_on=form_date(request.POST.get("recognised_on"), "认定日期"),
            basis=request.POST.get("basis", ""),
        )

    if request.method == "POST" and (
        done := posted(
            request, record, ok="已登记困难家庭认定", then=lambda _r: redirect("specialfamilies-hardship")
        )
    ):
        return done
    return render(
        request,
        "specialfamilies/hardship.html",
        {
            "kinds": HardshipKind.choices,
            "rows": selectors.hardship_rows(actor=request.user),
            "values": request.POST,
        },
    )


@login_required
@require_POST
def grant(request: HttpRequest, person_id: int) -> HttpResponse:
    """From the person page's panel: school aid for the year, or a hospital bill's out-of-pocket cost."""
    person = person_get_for_actor(actor=request.user, person_id=person_id)
    kind = request.POST.get("kind", "")
    back = redirect("person-detail", person.pk)

    def do() -> Any:
        month = timezone.localdate().replace(day=1)
        if kind == "student":
            return services.student_aid_grant(
                actor=request.user,
                person=person,
                month=month,
                school_year=request.POST.get("school_year", ""),
            )
        if kind != "medical":
            raise ValidationError("请选择要发放的待遇")
        return services.medical_aid_grant(
            actor=request.user,
            person=person,
            month=month,
            out_of_pocket=form_decimal(request.POST.get("out_of_pocket"), "合规个人自负住院医疗费用"),
            note=request.POST.get("note", ""),
        )

    return (
        posted(
            request,
            do,
            ok=lambda e: f"已纳入{e.first_month:%Y年%m月}发放：{e.monthly_amount}元",
            then=lambda _e: back,
        )
        or back
    )


@login_required
@require_http_methods(["GET", "POST"])
def condolences(request: HttpRequest) -> HttpResponse:
    if (refused := _guard(request, selectors.READ)) is not None:
        return refused

    def prepare() -> Any:
        today = timezone.localdate()
        year = form_int(request.POST.get("year"), "年度", lo=2000, hi=today.year + 1)
        month = form_date(f"{request.POST.get('month', '')}-01", "发放月", future_days=400)
        return services.condolence_prepare(
            actor=request.user,
            county_code=request.POST.get("county", ""),
            festival=request.POST.get("festival", ""),
            year=year,
            month=month,
        )

    if request.method == "POST" and (
        done := posted(
            request,
            prepare,
            ok=lambda r: f"已编制{r}名单",
            then=lambda r: redirect("specialfamilies-condolence", r.pk),
        )
    ):
        return done
    runs = Paginator(selectors.condolence_runs(actor=request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "specialfamilies/condolences.html",
        {
            "page": runs,
            "festivals": Festival.choices,
            "counties": selectors.counties_for_actor(actor=request.user),
            "can_prepare": can(request.user, "specialfamilies.condolence_prepare"),
            "year": timezone.localdate().year,
            "values": request.POST,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def condolence(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.condolence_run_get(actor=request.user, run_id=run_id)
    if request.method == "POST":
        if request.POST.get("action") != "decide":
            raise Http404
        done = posted(
            request,
            lambda: services.condolence_decide(actor=request.user, run=run),
            ok="名单已审定，慰问金纳入当月发放名册",
            then=lambda r: redirect("specialfamilies-condolence", r.pk),
        )
        if done:
            return done
    lines = Paginator(selectors.condolence_lines(run=run), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "specialfamilies/condolence.html",
        {
            "run": run,
            "page": lines,
            "labels": {str(n): name for n, name in cat.CATEGORIES.items()},
            "actions": selectors.condolence_actions(actor=request.user, run=run),
            "decided": run.state == CondolenceState.DECIDED,
            "total": lines.paginator.count * run.amount,
        },
    )


@login_required
@require_http_methods(["GET"])
def tekun(request: HttpRequest) -> HttpResponse:
    """特困集中供养: the rates by county against the targets, who is not yet placed, who is uninsured."""
    if (refused := _guard(request, selectors.READ)) is not None:
        return refused
    on = timezone.localdate()
    _category, county = _filters(request)
    year = on.year
    rows, targets = selectors.tekun_targets(actor=request.user, on=on)
    show = request.GET.get("show", "unplaced")
    qs = (
        selectors.tekun_uninsured(actor=request.user, on=on, year=year, county=county)
        if show == "uninsured"
        else selectors.tekun_not_placed(actor=request.user, on=on, county=county)
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "specialfamilies/tekun.html",
        {
            "rows": rows,
            "targets": targets,
            "page": page,
            "show": "uninsured" if show == "uninsured" else "unplaced",
            "year": year,
            "county": county,
            "counties": selectors.counties_for_actor(actor=request.user),
            "can_admit": can(request.user, "elderly.facility_manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tekun_person(request: HttpRequest, person_id: int) -> HttpResponse:
    """The tekun file's willingness and insurance records of one person, with the two forms."""
    if (refused := _guard(request, selectors.READ)) is not None:
        return refused
    person = person_get_for_actor(actor=request.user, person_id=person_id)
    back = redirect("specialfamilies-tekun-person", person.pk)

    def do() -> Any:
        what = request.POST.get("what", "")
        if what == "willingness":
            choice = request.POST.get("willing", "")
            if choice not in ("yes", "no"):
                raise ValidationError("请选择是否愿意集中供养")
            return services.tekun_willingness_record(
                actor=request.user,
                person=person,
                asked_on=form_date(request.POST.get("asked_on"), "询问日期"),
                willing=choice == "yes",
                note=request.POST.get("note", ""),
            )
        if what == "insurance":
            return services.tekun_insurance_record(
                actor=request.user,
                person=person,
                year=form_int(
                    request.POST.get("year"), "保险年度", lo=2000, hi=timezone.localdate().year + 1
                ),
                insurer=request.POST.get("insurer", ""),
                policy_no=request.POST.get("policy_no", ""),
                premium=form_decimal(request.POST.get("premium"), "保费"),
            )
        raise ValidationError("请选择要登记的事项")

    if request.method == "POST" and (done := posted(request, do, ok="已登记", then=lambda _r: back)):
        return done
    return render(
        request,
        "specialfamilies/tekun_person.html",
        {
            "person": person,
            **selectors.tekun_file(actor=request.user, person=person),
            "can_record": can(request.user, "specialfamilies.record", region_code=person.region_code),
            "today": timezone.localdate(),
            "values": request.POST,
        },
    )


@login_required
@require_POST
def care_order(request: HttpRequest, person_id: int) -> HttpResponse:
    """From the person page's panel: a care service ordered through homecare for an entitled member."""
    import datetime as dt

    from django.utils.translation import gettext as _

    person = person_get_for_actor(actor=request.user, person_id=person_id)
    back = redirect("person-detail", person.pk)

    def do() -> Any:
        try:
            when = dt.datetime.fromisoformat(request.POST.get("scheduled_at", "").strip())
        except ValueError:
            raise ValidationError(_("请填写预约时间")) from None
        return services.care_order_take(
            actor=request.user,
            person=person,
            item_code=request.POST.get("item", ""),
            quantity=form_decimal(request.POST.get("quantity"), "数量"),
            scheduled_at=timezone.make_aware(when) if timezone.is_naive(when) else when,
            note=request.POST.get("note", ""),
        )

    return (
        posted(
            request,
            do,
            ok=lambda o: _("照护服务已下单（工单号%(number)s），由12349派单上门") % {"number": o.number},
            then=lambda _o: back,
        )
        or back
    )
