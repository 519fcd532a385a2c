"""指尖办 pages. The resident's pages (sign-in, my cases, apply, a case, its letters, an objection) know
no staff user: the citizen comes from the cookie's session (`_citizen`); the 公示 list needs no sign-in.
The clerk's pages (the online to-do, accept/return, record an objection) are desk pages like any other.
Every ID number travels in a POST body, never in a URL."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.network import client_ip
from minzheng.core.inputs import form_int
from minzheng.core.posts import form_errors, posted
from minzheng.programmes.registry import online_offer

from . import selectors, services
from .actor import Citizen
from .models import OnlineDocument, OnlineState

View = Callable[..., HttpResponse]


def _citizen(view: View) -> View:
    """The page of a signed-in resident: the citizen from the cookie, or to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        citizen = selectors.citizen_from_key(request.COOKIES.get(settings.CITIZEN_COOKIE, ""))
        if citizen is None:
            messages.info(request, _("请先用身份证号和短信验证码登录"))
            return redirect("citizen-sign-in")
        request.citizen = citizen  # type: ignore[attr-defined]
        return view(request, citizen, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------- public
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    rows = selectors.public_notices(on=timezone.localdate())
    # Public, but a resident already signed in sees 我的申请/退出 in the bar, not 登录.
    citizen = selectors.citizen_from_key(request.COOKIES.get(settings.CITIZEN_COOKIE, ""))
    return render(request, "citizen/notices.html", {"rows": rows, "citizen": citizen})


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    id_number = request.POST.get("id_number", "").strip()[:30]
    sent = False
    if request.method == "POST":
        ip = client_ip(request)
        try:
            if request.POST.get("action") == "send":
                messages.success(request, services.sign_in_code_send(id_number=id_number, ip=ip))
                sent = True
            else:
                _session, key = services.sign_in_verify(
                    id_number=id_number, code=request.POST.get("code", "")[:10], ip=ip
                )
                response = redirect("citizen-home")
                response.set_cookie(
                    settings.CITIZEN_COOKIE,
                    key,
                    max_age=settings.CITIZEN_SESSION_HOURS * 3600,
                    path="/citizen/",
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
                return response
        except ValidationError as e:
            form_errors(request, e)
            sent = request.POST.get("action") != "send"
    local_sms = settings.CITIZEN_SMS_BACKEND == "minzheng.citizen.sms.LocalBackend"
    return render(
        request, "citizen/sign_in.html", {"id_number": id_number, "sent": sent, "local_sms": local_sms}
    )


# ---------------------------------------------------------------- the resident
@require_POST
@_citizen
def sign_out(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    services.citizen_sign_out(citizen=citizen, ip=client_ip(request))
    response = redirect("citizen-sign-in")
    response.delete_cookie(settings.CITIZEN_COOKIE, path="/citizen/")
    return response


@require_GET
@_citizen
def home(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    return render(
        request,
        "citizen/home.html",
        {
            "citizen": citizen,
            "membership": selectors.citizen_membership(citizen),
            "cases": services.citizen_cases_open(citizen=citizen, ip=client_ip(request)),
            "offers": selectors.offers(),
        },
    )


def _members_from_post(post: Any, members: list[Any]) -> list[dict[str, Any]]:
    ids = {str(m.person_id): m.person_id for m in members}
    rows = []
    for raw in post.getlist("member"):
        if raw not in ids:
            raise ValidationError({"member": _("申报的成员不是您家现有成员")})
        pid = ids[raw]
        rows.append(
            {
                "person_id": pid,
                "employed": post.get(f"employed_{pid}") == "on",
                **{f: post.get(f"{f}_{pid}", "").strip() for f in services.MONEY_FIELDS},
            }
        )
    return rows


def _member_rows(post: Any, members: list[Any], errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The form's member rows with what the resident entered (after a refusal) and each field's error."""
    chosen = set(post.getlist("member")) if post else None
    rows = []
    for m in members:
        pid = m.person_id
        rows.append(
            {
                "m": m,
                "checked": chosen is None or str(pid) in chosen,
                "employed": bool(post) and post.get(f"employed_{pid}") == "on",
                "fields": [
                    {
                        "name": f"{f}_{pid}",
                        "label": label,
                        "value": post.get(f"{f}_{pid}", "0") if post else "0",
                        "errors": errors.get(f"{f}_{pid}", []),
                    }
                    for f, label in zip(
                        services.MONEY_FIELDS, (_("工资收入"), _("养老金"), _("其他收入")), strict=True
                    )
                ],
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
@_citizen
def apply(request: HttpRequest, citizen: Citizen, programme: str) -> HttpResponse:
    """The resident's application form. A refusal shows the form again as it was filled in, with the
    Chinese message under the field at fault (and at the top)."""
    try:
        offer = online_offer(programme)
    except ValidationError:
        raise Http404("该项目不接受网上申请") from None
    members = selectors.household_members(citizen)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        try:
            try:
                amount = form_int(post.get("amount_requested"), "申请金额", required=False)
            except ValidationError as e:
                raise ValidationError({"amount_requested": e.messages}) from None
            services.online_application_create(
                citizen=citizen,
                programme=offer.programme,
                members=[] if offer.form else _members_from_post(post, members),
                financial=post.get("financial", "").strip(),
                fields={f: post.get(f, "").strip()[:64] for f in offer.fields},
                signed_name=post.get("signed_name", "")[:64],
                authorised=post.get("authorised") == "on",
                emergency_kind=post.get("emergency_kind", ""),
                description=post.get("description", "")[:2000],
                amount_requested=amount,
                documents=[
                    (post.get(f"kind_{name}", "other"), f)
                    for name in request.FILES
                    if (f := request.FILES.get(name)) is not None
                ],
                ip=client_ip(request),
            )
        except ValidationError as e:
            errors = {k: [str(m) for m in v] for k, v in getattr(e, "message_dict", {}).items()}
            form_errors(request, e)
        else:
            messages.success(request, _("申请已提交，乡镇（街道）受理后您可以在“我的申请”里查看进度"))
            return redirect("citizen-home")
    sent = request.POST if request.method == "POST" else None
    return render(
        request,
        "citizen/apply.html",
        {
            "citizen": citizen,
            "offer": offer,
            "programme_name": selectors.offer_name(offer),
            "member_rows": _member_rows(sent, members, errors),
            "kinds": OnlineDocument.KINDS,
            "values": sent or {},
            "errors": errors,
        },
    )


@require_GET
@_citizen
def online(request: HttpRequest, citizen: Citizen, online_id: int) -> HttpResponse:
    """An online application that is not an assistance case (残疾人两项补贴 …): its steps, read-only."""
    app = services.citizen_online_open(citizen=citizen, online_id=online_id, ip=client_ip(request))
    return render(
        request,
        "citizen/online.html",
        {"citizen": citizen, "app": app, "steps": selectors.online_progress(app)},
    )


@require_GET
@_citizen
def case(request: HttpRequest, citizen: Citizen, application_id: int) -> HttpResponse:
    app = services.citizen_case_open(citizen=citizen, application_id=application_id, ip=client_ip(request))
    return render(
        request,
        "citizen/case.html",
        {
            "citizen": citizen,
            "app": app,
            "steps": selectors.case_progress(app),
            "letters": selectors.case_letters(app),
        },
    )


@require_GET
@_citizen
def letter(request: HttpRequest, citizen: Citizen, application_id: int, decision_id: int) -> HttpResponse:
    pdf = services.citizen_letter_download(
        citizen=citizen, application_id=application_id, decision_id=decision_id, ip=client_ip(request)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{decision_id}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@_citizen
def objection(request: HttpRequest, citizen: Citizen, notice_id: int) -> HttpResponse:
    notice = selectors.notice_open(notice_id=notice_id, on=timezone.localdate())
    if request.method == "POST" and (
        done := posted(
            request,
            lambda: services.online_objection_create(
                citizen=citizen,
                notice_id=notice.pk,
                content=request.POST.get("content", "")[:2000],
                ip=client_ip(request),
            ),
            ok=_("异议已提交，乡镇（街道）将核实处理"),
            then=lambda _o: redirect("citizen-notices"),
        )
    ):
        return done
    row = next((r for r in selectors.public_notices(on=timezone.localdate()) if r["id"] == notice.pk), None)
    return render(request, "citizen/objection.html", {"citizen": citizen, "row": row, "notice": notice})


# ---------------------------------------------------------------- the clerk
@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    apps = list(selectors.online_for_actor(actor=request.user)[:100])
    objections = list(selectors.objections_for_actor(actor=request.user)[:100])
    return render(request, "citizen/desk.html", {"apps": apps, "objections": objections})


@login_required
@require_http_methods(["GET", "POST"])
def desk_detail(request: HttpRequest, online_id: int) -> HttpResponse:
    online = selectors.online_get_for_actor(actor=request.user, online_id=online_id)
    if request.method == "POST" and online.state == OnlineState.PENDING:
        if request.POST.get("action") == "accept":
            done = posted(
                request,
                lambda: services.online_application_accept(actor=request.user, online=online),
                ok=_("已受理，转为正式申请"),
                then=lambda o: redirect("citizen-desk-detail", o.pk),
            )
        else:
            done = posted(
                request,
                lambda: services.online_application_return(
                    actor=request.user, online=online, reason=request.POST.get("reason", "")[:1000]
                ),
                ok=_("已退回，申请人可在手机上看到退回理由"),
                then=lambda o: redirect("citizen-desk"),
            )
        if done:
            return done
    return render(
        request,
        "citizen/desk_detail.html",
        {
            "online": online,
            "declared": selectors.online_declared(online),
            "documents": selectors.online_documents(online),
        },
    )


@login_required
@require_GET
def desk_document(request: HttpRequest, online_id: int, document_id: int) -> FileResponse:
    online = selectors.online_get_for_actor(actor=request.user, online_id=online_id)
    doc = online.documents.filter(pk=document_id).first()
    if doc is None:
        raise Http404("未找到该材料")
    handle = services.document_open(
        actor=request.user, document=doc, permission=online_offer(online.programme).permission
    )
    ext = "." + doc.file.name.rsplit(".", 1)[-1].lower() if "." in doc.file.name else ""
    response = FileResponse(handle, content_type=mimetypes.types_map.get(ext, "application/octet-stream"))
    response["Content-Disposition"] = f'inline; filename="document-{doc.pk}{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def objection_record(request: HttpRequest, objection_id: int) -> HttpResponse:
    obj = selectors.objection_get_for_actor(actor=request.user, objection_id=objection_id)
    if request.method == "POST" and (
        done := posted(
            request,
            lambda: services.online_objection_record(actor=request.user, objection=obj),
            ok=_("异议已登记到该申请，请按公示异议核实处理"),
            then=lambda o: redirect("application-detail", o.notice.application_id),
        )
    ):
        return done
    return render(request, "citizen/objection_record.html", {"obj": obj})
