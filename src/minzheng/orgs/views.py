"""Desk pages of the line: thin. Records are fetched through selectors (out of scope = 404 like missing),
actions are what the selectors offer, writes go through services, bad input gets the service's Chinese
message and changes nothing."""

from __future__ import annotations

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
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.models import User
from minzheng.accounts.permissions import Denied, require
from minzheng.accounts.regions import cascade_value, region_cascade
from minzheng.accounts.signals import client_ip
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.inputs import form_date, form_decimal, form_int
from minzheng.core.spreadsheet import xlsx_bytes

from . import rules, selectors, services
from .models import (
    AuthorityLevel,
    CampaignKind,
    CaseKind,
    IllegalState,
    Kind,
    LegalBasis,
    PartyOrg,
    PenaltyKind,
    ResultState,
    Status,
)

EXPORT_HEADER = [
    "名称",
    "统一社会信用代码",
    "类型",
    "登记管理机关",
    "业务主管单位",
    "法定代表人",
    "住所",
    "注册资金（元）",
    "党组织建设",
    "状态",
    "成立登记日期",
]


def _errors(request: HttpRequest, e: ValidationError) -> None:
    for m in e.messages:
        messages.error(request, m)


def _gate(request: HttpRequest, permission: str, target: str) -> HttpResponse | None:
    try:
        require(request.user, permission, target=target)
    except Denied as e:
        return HttpResponseForbidden(e.messages[0])
    return None


def _found(obj: Any) -> Any:
    if obj is None:
        raise Http404("记录不存在")
    return obj


def _run(request: HttpRequest, fn: Callable[[], Any], ok: str) -> bool:
    try:
        fn()
    except ValidationError as e:
        _errors(request, e)
        return False
    messages.success(request, ok)
    return True


# ---------------------------------------------------------------- registry
@login_required
@require_GET
def org_list(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, selectors.READ, "orgs:list")) is not None:
        return refused
    g = request.GET
    f = {k: g.get(k, "").strip()[:30] for k in ("q", "kind", "status", "county", "party")}
    qs = selectors.org_list(actor=request.user, **f)
    if g.get("export") == "xlsx":
        cells = [
            [
                o.name,
                o.credit_code,
                o.get_kind_display(),
                o.get_authority_level_display(),
                o.supervisor,
                o.legal_rep_name,
                o.address,
                o.registered_capital,
                o.get_party_org_display(),
                o.get_status_display(),
                str(o.registered_on or ""),
            ]
            for o in qs
        ]
        user: Any = request.user
        audit_record(
            actor=user,
            event_type=AuditEvent.EXPORT,
            target_type="orgs.export",
            region_code=user.region.code if user.region else "",
            detail=f"导出社会组织{len(cells)}条",
            ip=client_ip(request),
        )
        response = HttpResponse(
            xlsx_bytes(EXPORT_HEADER, cells, title="社会组织"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="orgs.xlsx"'
        return response
    page = Paginator(qs, 50).get_page(g.get("page"))
    names = selectors.region_names({o.region_code for o in page})
    rows = [(o, names.get(o.region_code, "")) for o in page]
    return render(
        request,
        "orgs/list.html",
        {
            "page": page,
            "rows": rows,
            "f": f,
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "counties": selectors.counties(request.user),
        },
    )


@login_required
def org_new(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, selectors.READ, "orgs:new")) is not None:
        return refused
    p = request.POST
    if request.method == "POST":
        try:
            case = services.org_apply(
                actor=request.user,
                region_code=cascade_value(p),
                name=p.get("name", ""),
                kind=p.get("kind", ""),
                authority_level=p.get("authority_level", ""),
                supervisor=p.get("supervisor", ""),
                legal_rep_name=p.get("legal_rep_name", ""),
                legal_rep_id=p.get("legal_rep_id", ""),
                address=p.get("address", ""),
                registered_capital=form_decimal(p.get("registered_capital"), "注册资金"),
                party_org=p.get("party_org", ""),
                applied_on=form_date(p.get("applied_on"), "受理日期"),
                documents=p.getlist("doc"),
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已受理成立登记申请")
            return redirect("orgs-case", pk=case.pk)
    post = {k: v for k, v in p.items() if k != "legal_rep_id"}  # the ID is never echoed back
    return render(
        request,
        "orgs/new.html",
        {
            "post": post,
            "kinds": Kind.choices,
            "levels": AuthorityLevel.choices,
            "parties": PartyOrg.choices,
            "checklist": rules.CHECKLISTS[CaseKind.REGISTER],
            "docs": p.getlist("doc"),
            "cascade": region_cascade(actor=request.user, selected=cascade_value(p)),
        },
    )


@login_required
@require_GET
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _found(selectors.org_get(actor=request.user, pk=pk))
    ctx = selectors.org_page(actor=request.user, org=org)
    today = timezone.localdate()
    ctx.update(
        sheet=rules.sheet(on=today, region_code=org.region_code) if "evaluate" in ctx["actions"] else [],
        penalty_kinds=PenaltyKind.choices,
        bases=LegalBasis.choices,
        parties=PartyOrg.choices,
        changeable=services.CHANGEABLE,
        change_docs=rules.CHECKLISTS[CaseKind.CHANGE],
        cancel_docs=rules.CHECKLISTS[CaseKind.CANCEL],
        filer_users=selectors.filer_candidates(org) if "bind" in ctx["actions"] else [],
    )
    return render(request, "orgs/detail.html", ctx)


def _scores(request: HttpRequest) -> dict[str, Decimal]:
    return {
        code: form_decimal(request.POST.get(f"score_{code}"), label, places=1)
        for code, label in rules.SECTIONS
    }


ORG_ACTIONS: dict[str, tuple[Callable[[HttpRequest, Any], Any], str]] = {
    "change": (
        lambda r, o: services.org_case_open(
            actor=r.user,
            org=o,
            kind=CaseKind.CHANGE,
            applied_on=form_date(r.POST.get("applied_on"), "受理日期"),
            documents=r.POST.getlist("doc"),
            changes={k: r.POST.get(f"new_{k}", "") for k in services.CHANGEABLE},
        ),
        "已受理变更登记",
    ),
    "cancel": (
        lambda r, o: services.org_case_open(
            actor=r.user,
            org=o,
            kind=CaseKind.CANCEL,
            applied_on=form_date(r.POST.get("applied_on"), "受理日期"),
            documents=r.POST.getlist("doc"),
        ),
        "已受理注销登记",
    ),
    "evaluate": (
        lambda r, o: services.evaluation_record(
            actor=r.user,
            org=o,
            scores=_scores(r),
            evaluated_on=form_date(r.POST.get("evaluated_on"), "评估日期"),
        ),
        "已记录等级评估结果",
    ),
    "penalty": (
        lambda r, o: services.penalty_decide(
            actor=r.user,
            org=o,
            kind=r.POST.get("kind", ""),
            legal_basis=r.POST.get("legal_basis", ""),
            facts=r.POST.get("facts", ""),
            amount=form_decimal(r.POST.get("amount") or "0", "罚没金额"),
            decision_no=r.POST.get("decision_no", ""),
            decided_on=form_date(r.POST.get("decided_on"), "决定日期"),
        ),
        "已记录行政处罚决定",
    ),
    "bind": (
        lambda r, o: services.filer_bind(
            actor=r.user,
            org=o,
            user=_found(User.objects.filter(pk=form_int(r.POST.get("user_id"), "填报账号")).first()),
        ),
        "已绑定填报账号",
    ),
}


@login_required
@require_POST
def org_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    org = _found(selectors.org_get(actor=request.user, pk=pk))
    entry = ORG_ACTIONS.get(action)
    if entry is None:
        raise Http404
    if action not in selectors.org_actions(request.user, org):
        messages.error(request, "当前不能办理该事项")
        return redirect("orgs-detail", pk=org.pk)
    run, ok = entry
    result: list[Any] = []
    if _run(request, lambda: result.append(run(request, org)), ok) and action in ("change", "cancel"):
        return redirect("orgs-case", pk=result[0].pk)
    return redirect("orgs-detail", pk=org.pk)


@login_required
@require_GET
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    org = _found(selectors.org_get(actor=request.user, pk=pk))
    if "certificate" not in selectors.org_actions(request.user, org):
        raise Http404("该组织没有有效的登记证书")
    decision = org.cases.filter(kind=CaseKind.REGISTER, state="approved").first()
    return render(
        request,
        "orgs/certificate.html",
        {
            "org": org,
            "decision": decision,
            "authority": selectors.authority(org),
            "title": rules.CERTIFICATE_TITLES[org.kind],
        },
    )


# ---------------------------------------------------------------- registration cases
@login_required
@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    c = _found(selectors.case_get(actor=request.user, pk=pk))
    return render(request, "orgs/case.html", selectors.case_page(actor=request.user, case=c))


CASE_ACTIONS: dict[str, Callable[[HttpRequest, Any], Any]] = {
    "documents": lambda r, c: services.org_case_documents(
        actor=r.user, case=c, documents=r.POST.getlist("doc")
    ),
    "approve": lambda r, c: services.org_case_decide(
        actor=r.user,
        case=c,
        approve=True,
        decision_no=r.POST.get("decision_no", ""),
        decided_on=form_date(r.POST.get("decided_on"), "决定日期"),
        note=r.POST.get("note", ""),
        credit_code=r.POST.get("credit_code", ""),
    ),
    "refuse": lambda r, c: services.org_case_decide(
        actor=r.user,
        case=c,
        approve=False,
        decision_no=r.POST.get("decision_no", ""),
        decided_on=form_date(r.POST.get("decided_on"), "决定日期"),
        note=r.POST.get("note", ""),
    ),
}


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    c = _found(selectors.case_get(actor=request.user, pk=pk))
    run = CASE_ACTIONS.get(action)
    if run is None:
        raise Http404
    _run(request, lambda: run(request, c), "已保存")
    return redirect("orgs-case", pk=c.pk)


# ---------------------------------------------------------------- annual reports: the bureau
def _year(request: HttpRequest) -> int:
    last = timezone.localdate().year - 1
    try:
        return form_int(request.GET.get("year") or last, "年度", lo=2000, hi=last)
    except ValidationError:
        return last


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, "org.filing_review", "orgs:reports")) is not None:
        return refused
    year = _year(request)
    non = selectors.non_filers(actor=request.user, year=year)
    page = Paginator(non, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/reports.html",
        {
            "year": year,
            "years": range(timezone.localdate().year - 1, timezone.localdate().year - 6, -1),
            "review": selectors.to_review(request.user)[:100],
            "rates": selectors.report_rate(actor=request.user, year=year),
            "page": page,
        },
    )


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    r = _found(selectors.report_get(actor=request.user, pk=pk))
    return render(request, "orgs/report.html", {"r": r, "actions": selectors.report_actions(request.user, r)})


@login_required
@require_POST
def report_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    r = _found(selectors.report_get(actor=request.user, pk=pk))
    if action not in selectors.report_actions(request.user, r) or action == "edit":
        raise Http404
    if action == "submit":
        _run(
            request,
            lambda: services.report_submit(actor=request.user, report=r),
            "已提交，等待登记管理机关审核",
        )
        return redirect("orgs-mine")
    reason = request.POST.get("reason", "")
    approve = action == "approve"
    _run(
        request,
        lambda: services.report_review(actor=request.user, report=r, approve=approve, reason=reason),
        "已通过" if approve else "已退回",
    )
    return redirect("orgs-report", pk=r.pk)


# ---------------------------------------------------------------- annual reports: the organisation
def _filer(request: HttpRequest) -> Any:
    if (refused := _gate(request, "org.filing_submit", "orgs:mine")) is not None:
        return refused
    org = services.filer_org(request.user)
    if org is None:
        return HttpResponseForbidden("您的账号尚未绑定社会组织，请联系登记管理机关")
    return org


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    org = _filer(request)
    if isinstance(org, HttpResponse):
        return org
    ctx = selectors.filer_reports(org=org)
    ctx["campaigns"] = selectors.filer_campaign_rows(org=org, on=timezone.localdate())
    return render(request, "orgs/mine.html", ctx)


@login_required
def mine_year(request: HttpRequest, year: int) -> HttpResponse:
    org = _filer(request)
    if isinstance(org, HttpResponse):
        return org
    existing = org.reports.filter(year=year).first()
    p = request.POST
    if request.method == "POST":
        try:
            r = services.report_save(
                actor=request.user,
                year=year,
                income=form_decimal(p.get("income"), "本年收入"),
                spending=form_decimal(p.get("spending"), "本年支出"),
                staff=form_int(p.get("staff"), "专职工作人员数", hi=100000),
                activities=form_int(p.get("activities"), "开展活动次数", hi=100000),
                activity_summary=p.get("activity_summary", ""),
                party_building=p.get("party_building", ""),
            )
            if p.get("submit"):
                services.report_submit(actor=request.user, report=r)
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已提交，等待登记管理机关审核" if p.get("submit") else "已保存草稿")
            return redirect("orgs-mine")
    if existing is not None and existing.state not in ("draft", "returned"):
        return redirect("orgs-report", pk=existing.pk)
    values = {
        k: p.get(k, "") if request.method == "POST" else (getattr(existing, k) if existing else "")
        for k in services.REPORT_FIELDS
    }
    return render(request, "orgs/mine_form.html", {"org": org, "year": year, "r": existing, "v": values})


# ---------------------------------------------------------------- evaluation and inspections
@login_required
def inspections(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, "org.inspect", "orgs:inspections")) is not None:
        return refused
    p = request.POST
    if request.method == "POST":
        try:
            draw = services.inspection_draw(
                actor=request.user,
                region_code=p.get("county", ""),
                year=form_int(p.get("year"), "抽查年度", lo=2000, hi=timezone.localdate().year),
                size=form_int(p.get("size"), "抽取数量", lo=1, hi=10000),
                seed=form_int(p.get("seed"), "随机种子", required=False, hi=2**31),
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, f"已抽取{draw.size}家社会组织")
            return redirect("orgs-draw", pk=draw.pk)
    today = timezone.localdate()
    return render(
        request,
        "orgs/inspections.html",
        {
            "draws": selectors.draws(request.user)[:50],
            "overdue": selectors.rectifications_overdue(actor=request.user, on=today)[:100],
            "evaluations": selectors.evaluations(request.user).order_by("-evaluated_on", "-id")[:50],
            "counties": selectors.counties(request.user),
            "year": today.year,
        },
    )


@login_required
@require_GET
def draw(request: HttpRequest, pk: int) -> HttpResponse:
    d = _found(selectors.draw_get(actor=request.user, pk=pk))
    items = d.items.select_related("org").prefetch_related("inspectors")
    return render(request, "orgs/draw.html", {"d": d, "items": items})


@login_required
@require_GET
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    i = _found(selectors.inspection_get(actor=request.user, pk=pk))
    return render(request, "orgs/inspection.html", {"i": i, "actions": selectors.inspection_actions(i)})


@login_required
@require_POST
def inspection_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    i = _found(selectors.inspection_get(actor=request.user, pk=pk))
    p = request.POST
    if action not in selectors.inspection_actions(i):
        raise Http404
    if action == "record":
        _run(
            request,
            lambda: services.inspection_record(
                actor=request.user,
                item=i,
                inspected_on=form_date(p.get("inspected_on"), "检查日期"),
                findings=p.get("findings", ""),
                rectify_by=form_date(p.get("rectify_by"), "整改期限", required=False, future_days=366),
            ),
            "已记录检查结果",
        )
    else:
        _run(
            request,
            lambda: services.inspection_rectified(
                actor=request.user,
                item=i,
                rectified_on=form_date(p.get("rectified_on"), "整改完成日期"),
                note=p.get("rectification", ""),
            ),
            "已记录整改完成",
        )
    return redirect("orgs-inspection", pk=i.pk)


# ---------------------------------------------------------------- zombies, illegal cases, targets
@login_required
@require_GET
def zombies(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, selectors.READ, "orgs:zombies")) is not None:
        return refused
    qs = selectors.zombies(actor=request.user, on=timezone.localdate())
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    names = selectors.region_names({o.region_code for o in page})
    return render(
        request,
        "orgs/zombies.html",
        {"page": page, "rows": [(o, names.get(o.region_code, "")) for o in page]},
    )


@login_required
def illegal(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, selectors.READ, "orgs:illegal")) is not None:
        return refused
    p = request.POST
    if request.method == "POST" and _run(
        request,
        lambda: services.illegal_open(
            actor=request.user,
            region_code=cascade_value(p),
            name=p.get("name", ""),
            found_on=form_date(p.get("found_on"), "发现日期"),
            summary=p.get("summary", ""),
        ),
        "已立案",
    ):
        return redirect("orgs-illegal")
    state = request.GET.get("state", "")
    qs = selectors.illegal_cases(actor=request.user, state=state if state in IllegalState.values else "")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/illegal.html",
        {
            "page": page,
            "state": state,
            "states": IllegalState.choices,
            "post": p,
            "cascade": region_cascade(actor=request.user, selected=cascade_value(p)),
        },
    )


@login_required
@require_POST
def illegal_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    c = _found(selectors.illegal_get(actor=request.user, pk=pk))
    if action not in ("ban", "close") or c.state != IllegalState.OPEN:
        raise Http404
    p = request.POST
    _run(
        request,
        lambda: services.illegal_close(
            actor=request.user,
            case=c,
            banned=action == "ban",
            decision_no=p.get("decision_no", ""),
            closed_on=form_date(p.get("closed_on"), "办结日期"),
        ),
        "已办结",
    )
    return redirect("orgs-illegal")


@login_required
@require_GET
def targets(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, selectors.READ, "orgs:targets")) is not None:
        return refused
    return render(
        request, "orgs/targets.html", selectors.targets(actor=request.user, on=timezone.localdate())
    )


# ---------------------------------------------------------------- campaigns (减费让利 and other tasks)
RESULT_HEADER = [
    "社会组织",
    "统一社会信用代码",
    "状态",
    "惠及人次（户次）",
    "减免或投入金额（元）",
    "开展情况",
]


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request, selectors.READ, "orgs:campaigns")) is not None:
        return refused
    p = request.POST
    if request.method == "POST":
        created: list[Any] = []
        if _run(
            request,
            lambda: created.append(
                services.campaign_create(
                    actor=request.user,
                    region_code=cascade_value(p) or _own_region(request),
                    kind=p.get("kind", ""),
                    title=p.get("title", ""),
                    target_kind=p.get("target_kind", ""),
                    starts_on=form_date(p.get("starts_on"), "开始日期", future_days=366),
                    ends_on=form_date(p.get("ends_on"), "截止日期", future_days=366 * 2),
                    requirement=p.get("requirement", ""),
                )
            ),
            "专项行动已发布",
        ):
            return redirect("orgs-campaign", pk=created[0].pk)
    page = Paginator(selectors.campaigns(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/campaigns.html",
        {
            "page": page,
            "kinds": CampaignKind.choices,
            "org_kinds": Kind.choices,
            "form": p,
            "today": timezone.localdate(),
            "cascade": region_cascade(actor=request.user, selected=cascade_value(p)),
        },
    )


def _own_region(request: HttpRequest) -> str:
    region = getattr(request.user, "region", None)
    return str(region.code) if region else ""


@login_required
@require_GET
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    c = _found(selectors.campaign_get(actor=request.user, pk=pk))
    if request.GET.get("export") == "xlsx":
        results = selectors.campaign_results(actor=request.user, campaign=c)
        cells = [
            [r.org.name, r.org.credit_code, r.get_state_display(), r.beneficiaries, r.amount, r.summary]
            for r in results
        ]
        user: Any = request.user
        audit_record(
            actor=user,
            event_type=AuditEvent.EXPORT,
            target_type="orgs.campaign",
            target_id=c.pk,
            region_code=c.region_code,
            detail=f"导出专项行动结果{len(cells)}条",
            ip=client_ip(request),
        )
        response = HttpResponse(
            xlsx_bytes(RESULT_HEADER, cells, title="专项行动结果"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="campaign-{c.pk}.xlsx"'
        return response
    return render(request, "orgs/campaign.html", selectors.campaign_page(actor=request.user, campaign=c))


@login_required
@require_POST
def campaign_result_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    r = _found(selectors.campaign_result_get(actor=request.user, pk=pk))
    if action not in selectors.result_actions(request.user, r):
        raise Http404
    approve = action == "approve"
    reason = request.POST.get("reason", "")
    _run(
        request,
        lambda: services.campaign_result_review(actor=request.user, result=r, approve=approve, reason=reason),
        "已通过" if approve else "已退回",
    )
    return redirect("orgs-campaign", pk=r.campaign_id)


@login_required
def mine_campaign(request: HttpRequest, pk: int) -> HttpResponse:
    org = _filer(request)
    if isinstance(org, HttpResponse):
        return org
    c = _found(selectors.campaign_filer_get(org=org, pk=pk))
    result = org.campaign_results.filter(campaign=c).first()
    p = request.POST
    if request.method == "POST" and _run(
        request,
        lambda: services.campaign_result_file(
            actor=request.user,
            campaign=c,
            beneficiaries=form_int(p.get("beneficiaries"), "惠及人次", hi=10_000_000),
            amount=form_decimal(p.get("amount"), "减免或投入金额"),
            summary=p.get("summary", ""),
        ),
        "已报送，等待登记管理机关审核",
    ):
        return redirect("orgs-mine")
    editable = result is None or result.state == ResultState.RETURNED
    today = timezone.localdate()
    values = {
        k: p.get(k, "") if request.method == "POST" else (getattr(result, k) if result else "")
        for k in ("beneficiaries", "amount", "summary")
    }
    return render(
        request,
        "orgs/mine_campaign.html",
        {
            "org": org,
            "c": c,
            "r": result,
            "v": values,
            "open": editable and c.starts_on <= today <= c.ends_on,
        },
    )
