"""Thin views for the one-window desk: parse the form, call one service, show the Chinese message."""

from __future__ import annotations

import datetime as dt
import json
import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.network import client_ip
from minzheng.benefits.funding import grant_fund_choices
from minzheng.casework.selectors import cases_due
from minzheng.core.inputs import form_date, form_decimal, form_int
from minzheng.core.labels import region_names
from minzheng.core.views import service_errors
from minzheng.people import selectors as people
from minzheng.people.models import Relation
from minzheng.programmes.registry import programmes as registered_programmes
from minzheng.programmes.registry import trial_fields

from . import jobs, selectors, services
from .assess import assess, trial_codes
from .letters import decision_letter, review_letter
from .models import (
    Application,
    Document,
    ObjectionAction,
    Outcome,
    Programme,
    ReviewOutcome,
    SecondApproval,
    State,
)
from .rules import ADL_LABELS, self_care_from_adl

MEMBER_FIELDS = ("monthly_wage", "monthly_pension", "other_income")


# Typed figures and dates go through core.inputs (form_int / form_decimal / form_date): the same Chinese
# answers as every other desk. Every date of the case records what has happened (a signature, a visit, a
# meeting held, an objection received): none lies in the future.
MAX_INT = 2_000_000_000  # member ids: anything larger is a typo or an attack


def _yuan(raw: str, label: str) -> float:
    """A declared amount (blank is 0) as the JSON number the declared facts store."""
    return float(form_decimal(raw, label, required=False) or 0)


def _member_ids(post: Any) -> list[int]:
    ids = []
    for raw in post.getlist("member"):
        try:
            pid = int(raw)
        except (TypeError, ValueError):
            raise ValidationError("家庭成员编号不正确") from None
        if not 0 < pid <= MAX_INT:
            raise ValidationError("家庭成员编号不正确")
        ids.append(pid)
    return ids


def _declared_from_post(post: Any) -> dict[str, Any]:
    """The application form → declared facts. A checkbox is ticked only when the browser sends it: an
    unticked 有赡养人 is absent from the POST and means False (it used to default to True)."""
    members = []
    for pid in _member_ids(post):
        row: dict[str, Any] = {"person_id": pid}
        for f in MEMBER_FIELDS:
            row[f] = _yuan(post.get(f"{f}_{pid}", ""), "收入")
        row["employed"] = post.get(f"employed_{pid}") == "on"
        row["severe_illness"] = post.get(f"severe_illness_{pid}") == "on"
        row["has_supporter"] = post.get(f"has_supporter_{pid}") == "on"
        grade = post.get(f"disability_grade_{pid}", "")
        row["disability_grade"] = int(grade) if grade in ("1", "2", "3", "4") else None
        row["disability_kind"] = post.get(f"disability_kind_{pid}") or None
        row["self_care"] = post.get(f"self_care_{pid}") or "full"
        if post.get(f"adl_{pid}") == "1":
            # 特困: the six daily activities recorded at intake decide the self-care level (民发〔2021〕43号)
            row["adl_unable"] = [a for a in ADL_LABELS if post.get(f"adl_{a}_{pid}") == "on"]
            row["self_care"] = self_care_from_adl(row["adl_unable"])
        members.append(row)
    vehicles = [{"kind": k, "value": 0} for k in post.getlist("vehicle_kind") if k]
    return {
        "members": members,
        "assets": {
            "financial": _yuan(post.get("financial", ""), "金融资产"),
            "vehicles": vehicles,
            "residential_properties": (
                form_int(post.get("residential_properties"), "住房套数", required=False) or 0
            ),
            "business_capital": _yuan(post.get("business_capital", ""), "工商注册资本"),
        },
    }


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    qs = selectors.application_list(
        actor=request.user, state=request.GET.get("state", ""), programme=request.GET.get("programme", "")
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    # People read the place by name, never its code (one query for the page).
    names = region_names(a.region_code for a in page)
    rows = [(a, names.get(a.region_code) or _("未知区划")) for a in page]
    return render(
        request,
        "assistance/worklist.html",
        {"page": page, "rows": rows, "states": State.choices, "programmes": Programme.choices[:3]},
    )


VEHICLE_KINDS = [
    ("car", "小汽车"),
    ("truck", "货车"),
    ("motorcycle", "摩托车"),
    ("disability", "残疾人代步车"),
    ("farm", "农用车"),
]
DISABILITY_KINDS = [
    ("visual", "视力"),
    ("hearing", "听力"),
    ("speech", "言语"),
    ("physical", "肢体"),
    ("intellectual", "智力"),
    ("mental", "精神"),
    ("multiple", "多重"),
]
BAD_MEMBER = "成员信息不正确（可能是页面已过期），请刷新页面后重新填写"


def _member_values(post: Any, pid: int) -> dict[str, Any]:
    """One member's row of the intake form as typed (empty on a fresh form; supporter ticked by default)."""
    if post is None:
        return {"has_supporter": True}
    values: dict[str, Any] = {
        f: post.get(f"{f}_{pid}", "")
        for f in (*MEMBER_FIELDS, "disability_grade", "disability_kind", "self_care")
    }
    for flag in ("employed", "severe_illness", "has_supporter"):
        values[flag] = post.get(f"{flag}_{pid}") == "on"
    values["adl"] = [a for a in ADL_LABELS if post.get(f"adl_{a}_{pid}") == "on"]
    return values


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest, household_id: int) -> HttpResponse:
    """Intake form. Only the chosen programme's section is shown and posted; a refusal re-renders what
    was typed; a tampered member id answers in Chinese (never a 500)."""
    from minzheng.accounts.regions import region_cascade

    household = people.household_get_for_actor(actor=request.user, household_id=household_id)
    # The living members only: the deceased are neither counted nor asked for their income.
    members = list(people.household_members(household=household, living_only=True))
    post = request.POST if request.method == "POST" else None
    if post is not None:
        with service_errors(request, bad_input=BAD_MEMBER):
            known = {str(m.person_id) for m in members}
            chosen = post.getlist("member")
            if not chosen or any(pid not in known for pid in chosen):
                raise ValidationError(BAD_MEMBER)
            head = next((m.person for m in members if m.relation == "head"), None)
            if head is None:
                raise ValidationError(_("该户没有在世的户主，请先在户籍信息中登记（变更）户主"))
            declared = _declared_from_post(post)
            programme = post.get("programme", "")
            temporary = programme == Programme.TEMPORARY
            amount = (
                form_int(post.get("amount_requested"), "申请金额", required=False) or None
                if temporary
                else None
            )
            app = services.application_create(
                actor=request.user,
                programme=programme,
                household=household,
                applicant=head,
                declared=declared,
                amount_requested=amount,
                emergency_kind=post.get("emergency_kind", "") if temporary else "",
                emergency_description=post.get("emergency_description", "") if temporary else "",
                region_code=(post.get("region_code") or None) if temporary else None,
                care_mode=post.get("care_mode", "") if programme == Programme.TEKUN else "",
                care_institution=post.get("care_institution", "") if programme == Programme.TEKUN else "",
            )
            messages.success(request, _("已登记申请，请登记核对授权书后提交受理"))
            return redirect("application-detail", app.pk)
    form: Any = post or {}
    return render(
        request,
        "assistance/new.html",
        {
            "household": household,
            "rows": [(m, _member_values(post, m.person_id)) for m in members],
            "adl_items": list(ADL_LABELS.items()),
            "programmes": Programme.choices[:3],
            "form": {
                k: form.get(k, "")
                for k in (
                    "programme",
                    "financial",
                    "residential_properties",
                    "business_capital",
                    "care_mode",
                    "care_institution",
                    "emergency_kind",
                    "amount_requested",
                    "emergency_description",
                )
            },
            "vehicles": post.getlist("vehicle_kind") if post is not None else [],
            "programme": form.get("programme") or Programme.DIBAO,
            "vehicle_kinds": VEHICLE_KINDS,
            "disability_kinds": DISABILITY_KINDS,
            "cascade": region_cascade(
                actor=request.user, selected=form.get("region_code") or household.region_code
            ),
        },
    )


def _declared_rows(app: Application) -> list[dict[str, Any]]:
    """Declared facts per member with the member's name, for the correction form."""
    from minzheng.people.models import Person

    rows = [r for r in (app.declared.get("members") or []) if isinstance(r, dict)]
    names = dict(Person.objects.filter(pk__in=[r.get("person_id") for r in rows]).values_list("pk", "name"))
    return [{**r, "name": names.get(r.get("person_id") or 0, "")} for r in rows]


@login_required
@require_GET
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    app = selectors.application_get_for_actor(actor=request.user, application_id=application_id)
    try:
        trial = services.application_assess(application=app)
    except ValidationError as e:
        trial, messages_ = None, e.messages
        messages.warning(request, "；".join(messages_))
    evidence = selectors.application_evidence(actor=request.user, application=app)
    review = evidence["village_review"]
    vote_note = ""
    if review is not None and not review.passed and app.state == State.VILLAGE_REVIEW:
        with service_errors(request):
            vote_note = services.village_review_note(application=app, review=review)
    return render(
        request,
        "assistance/detail.html",
        {
            "app": app,
            "trial": trial,
            "decision": app.decisions.first(),
            "enrolment": services.application_enrolment(application=app),
            "document_kinds": Document.KINDS,
            "today": timezone.localdate(),
            "notice": getattr(app, "public_notice", None),
            "visit": getattr(app, "home_visit", None),
            # What the page offers comes from the case engine's one selector, never template conditions.
            "actions": selectors.application_case_actions(actor=request.user, application=app),
            "history": selectors.application_history(application=app),
            "evidence": evidence,
            "vote_note": vote_note,
            "objection_actions": ObjectionAction.choices,
            "declared_rows": _declared_rows(app),
            "assets": app.declared.get("assets") or {},
            # a one-off grant is paid from a fund chosen here (the funds line answers; none registered: none)
            "grant_funds": grant_fund_choices(actor=request.user, region_code=app.region_code)
            if app.programme == Programme.TEMPORARY
            else [],
        },
    )


@login_required
@require_GET
def document_view(request: HttpRequest, application_id: int) -> FileResponse:
    """An uploaded file (?d=<document id>), for those who may see the case (404 otherwise); every view is
    audited."""
    raw = request.GET.get("d", "")
    document_id = int(raw) if raw.isdigit() and len(raw) < 10 else 0
    doc = selectors.document_get_for_actor(
        actor=request.user, application_id=application_id, document_id=document_id
    )
    handle = services.document_open(actor=request.user, document=doc)
    ext = "." + doc.file.name.rsplit(".", 1)[-1].lower() if "." in doc.file.name else ""
    response = FileResponse(handle, content_type=mimetypes.types_map.get(ext, "application/octet-stream"))
    response["Content-Disposition"] = f'inline; filename="document-{doc.pk}{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _act(request: HttpRequest, app: Application, action: str) -> str:
    """Dispatch one POSTed action to its service; returns the success message."""
    post, user = request.POST, request.user
    version = form_int(post.get("version"), "版本", required=False) or app.version
    if action == "authorise":
        services.application_sign_authorisation(
            actor=user,
            application=app,
            signed_on=form_date(post.get("signed_on"), "签署日期"),
        )
        return _("已登记核对授权书")
    if action == "upload":
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError("请选择要上传的文件")
        services.application_add_document(
            actor=user, application=app, kind=post.get("kind", ""), upload=upload
        )
        return _("已上传材料")
    if action == "declared":
        services.application_update_declared(actor=user, application=app, declared=_declared_from_post(post))
        return _("已更正申报信息")
    if action == "submit":
        services.application_submit(actor=user, application=app, expected_version=version)
        return _("已受理")
    if action == "verify":
        services.application_start_verification(actor=user, application=app, expected_version=version)
        return _("已开始家庭经济状况核对")
    if action == "home_visit":
        services.application_record_home_visit(
            actor=user,
            application=app,
            visited_on=form_date(post.get("visited_on"), "入户日期"),
            visitors=post.get("visitors", ""),
            findings=post.get("findings", ""),
        )
        return _("已登记入户调查")
    if action == "to_review":
        services.application_to_village_review(
            actor=user,
            application=app,
            expected_version=version,
            recheck_reason=post.get("recheck_reason", ""),
        )
        return _("已转民主评议")
    if action == "village_review":
        review = services.application_record_village_review(
            actor=user,
            application=app,
            held_on=form_date(post.get("held_on"), "评议日期"),
            participants=form_int(post.get("participants"), "参加人数"),
            agreed=form_int(post.get("agreed"), "同意人数"),
            notes=post.get("notes", ""),
            expected_version=version,
        )
        if not review.passed:
            return _("已登记民主评议：未通过，不进入公示")
        return _("已登记民主评议，今天开始公示")
    if action == "return_to_verification":
        services.application_return_to_verification(
            actor=user, application=app, reason=post.get("reason", ""), expected_version=version
        )
        return _("已退回核对")
    if action == "objection":
        services.application_record_objection(
            actor=user,
            application=app,
            received_on=form_date(post.get("received_on"), "收到日期"),
            content=post.get("content", ""),
            objector=post.get("objector", ""),
        )
        return _("已登记异议")
    if action == "resolve_objection":
        objection = selectors.objection_get_for_actor(
            actor=user, application_id=app.pk, objection_id=form_int(post.get("objection"), "异议编号")
        )
        informed = form_date(post.get("informed_on"), "告知日期", required=False)
        services.objection_resolve(
            actor=user,
            objection=objection,
            action=post.get("resolve_action", ""),
            resolution=post.get("resolution", ""),
            informed_on=informed,
            informed_how=post.get("informed_how", ""),
        )
        return _("已处理异议")
    if action == "decide":
        done = services.application_decide(
            actor=user,
            application=app,
            outcome=post.get("outcome", ""),
            reasons=post.get("reasons", ""),
            expected_version=version,
            override=post.get("override") == "on",
            override_reasons=post.get("override_reasons", ""),
            fund_id=form_int(post.get("fund"), "资金来源", required=False),
        )
        if isinstance(done, SecondApproval):
            return _("已提交，待另一名审批人确认后生效")
        return _("已作出审批决定，可打印告知书")
    if action == "confirm":
        pending = app.second_approvals.filter(confirmed_by__isnull=True).first()
        if pending is None:
            raise ValidationError("没有待第二人审批的决定")
        services.second_approval_confirm(actor=user, approval=pending)
        return _("已作为第二审批人确认，决定生效，可打印告知书")
    if action == "escalate":
        services.escalation_request(actor=user, application=app, reason=post.get("reason", ""))
        return _("已提交县级提级复审")
    if action == "refer":
        services.referral_create(
            actor=user,
            application=app,
            target=post.get("target", ""),
            note=post.get("note", ""),
            to_region_code=post.get("to_region_code", ""),
        )
        return _("已转介")
    raise ValidationError("未知的操作")


@login_required
@require_POST
def application_action(request: HttpRequest, application_id: int, action: str) -> HttpResponse:
    app = selectors.application_get_for_actor(actor=request.user, application_id=application_id)
    with service_errors(request):
        messages.success(request, _act(request, app, action))
    return redirect("application-detail", app.pk)


@login_required
@require_GET
def application_why(request: HttpRequest, application_id: int) -> HttpResponse:
    app = selectors.application_get_for_actor(actor=request.user, application_id=application_id)
    return render(request, "assistance/why.html", {"app": app, "decisions": app.decisions.all()})


@login_required
@require_GET
def application_letter(request: HttpRequest, application_id: int) -> HttpResponse:
    app = selectors.application_get_for_actor(actor=request.user, application_id=application_id)
    decision = app.decisions.first()
    if decision is None:
        messages.error(request, _("该申请尚未作出决定，没有告知书"))
        return redirect("application-detail", app.pk)
    response = HttpResponse(decision_letter(decision, actor=request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{decision.pk}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def decision_letters(request: HttpRequest) -> HttpResponse:
    """批量打印决定书: the month's decision letters of the officer's region as one zip, made by a desk job."""
    last = timezone.localdate().replace(day=1)
    if request.method == "POST":
        with service_errors(request):
            month = form_date(f"{request.POST.get('month', '').strip()}-01", _("月份"), past_years=10)
            jobs.decision_letters_queue(actor=request.user, month=month, ip=client_ip(request))
            messages.info(request, _("已转为后台任务，生成后请在“我的任务”下载"))
            return redirect("deskjobs-list")
    return render(request, "assistance/letters.html", {"month": request.POST.get("month") or f"{last:%Y-%m}"})


TRIAL_ROWS = 6


def _trial_case(post: Any, region: str) -> dict[str, Any]:
    """The trial form → the assess contract's input (assess.md); assess() validates every field."""
    if not region:
        raise ValidationError(_("请选择所在地（县、乡镇或村）"))
    members = []
    for i in range(1, TRIAL_ROWS + 1):
        if not post.get(f"id_number_{i}", "").strip():
            continue
        grade = post.get(f"disability_grade_{i}", "")
        members.append(
            {
                "id_number": post.get(f"id_number_{i}", "").strip(),
                "relation": post.get(f"relation_{i}", ""),
                "monthly_wage": post.get(f"monthly_wage_{i}", "").strip() or 0,
                "employed": post.get(f"employed_{i}") == "on",
                "monthly_pension": post.get(f"monthly_pension_{i}", "").strip() or 0,
                "other_income": post.get(f"other_income_{i}", "").strip() or 0,
                "disability_grade": int(grade) if grade in ("1", "2", "3", "4") else None,
                "disability_kind": post.get(f"disability_kind_{i}") or None,
                "severe_illness": post.get(f"severe_illness_{i}") == "on",
                "self_care": post.get(f"self_care_{i}") or "full",
                "has_supporter": post.get(f"has_supporter_{i}") == "on",
                # the inputs a programme registered (TrialField), e.g. a child's category
                **{f.name: post.get(f"{f.name}_{i}") or None for _code, f in trial_fields()},
            }
        )
    homes = post.get("residential_properties", "").strip() or "0"
    if not homes.isdigit():
        raise ValidationError(_("住房套数应为非负整数"))
    case: dict[str, Any] = {
        "programme": post.get("programme", ""),
        "date": post.get("date", "").strip() or timezone.localdate().isoformat(),
        "region": region,
        "hukou_type": post.get("hukou_type", ""),
        "members": members,
        "assets": {
            "financial": post.get("financial", "").strip() or 0,
            "vehicles": [{"kind": k, "value": 0} for k in post.getlist("vehicle_kind") if k],
            "residential_properties": int(homes),
            "business_capital": post.get("business_capital", "").strip() or 0,
        },
    }
    if case["programme"] == "temporary":
        case["amount_requested"] = post.get("amount_requested", "").strip() or None
    return case


@login_required
@require_http_methods(["GET", "POST"])
def trial(request: HttpRequest) -> HttpResponse:
    """救助试算 at the desk: a form (programme, hukou, region, members with their income, assets) run
    through the same assess() as the API and CLI; the result and every reason in Chinese. A JSON case in
    `case` (the API's shape) is still accepted."""
    from minzheng.accounts.regions import cascade_value, region_cascade

    result, error = None, ""
    post = request.POST if request.method == "POST" else None
    if post is not None:
        try:
            if "case" in post:
                result = assess(json.loads(post["case"]))
            else:
                result = assess(_trial_case(post, cascade_value(post)))
        except json.JSONDecodeError:
            error = _("试算数据不是有效的JSON")
        except ValidationError as e:
            error = "；".join(e.messages)
    form: Any = post or {}
    rows = [
        {
            "i": i,
            **{
                f: form.get(f"{f}_{i}", "")
                for f in (
                    "id_number",
                    "relation",
                    *MEMBER_FIELDS,
                    "disability_grade",
                    "disability_kind",
                    "self_care",
                )
            },
            "fields": [
                (code, f, list(f.choices.items()), form.get(f"{f.name}_{i}", ""))
                for code, f in trial_fields()
            ],
            **{f: form.get(f"{f}_{i}") == "on" for f in ("employed", "severe_illness")},
            "has_supporter": form.get(f"has_supporter_{i}") == "on" if post is not None else True,
            "relation": form.get(f"relation_{i}", "") or ("head" if i == 1 else "child"),
        }
        for i in range(1, TRIAL_ROWS + 1)
    ]
    return render(
        request,
        "assistance/trial.html",
        {
            "result": result,
            "error": error,
            "rows": rows,
            "form": form,
            "vehicles": post.getlist("vehicle_kind") if post is not None else [],
            "programme": form.get("programme") or "dibao",
            "vehicle_kinds": VEHICLE_KINDS,
            "disability_kinds": DISABILITY_KINDS,
            "programmes": [(p.code, p.name) for p in registered_programmes() if p.code in trial_codes()],
            "relations": Relation.choices,
            "programme_fields": trial_fields(),
            "cascade": region_cascade(actor=request.user, selected=cascade_value(form)),
            "date": form.get("date") or timezone.localdate().isoformat(),
        },
    )


@login_required
@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "assistance/reviews.html",
        {
            "open": selectors.reviews_due(actor=request.user, on=today + dt.timedelta(days=366)),
            "due": selectors.dibao_due_for_review(actor=request.user, on=today)[:200],
            "outcomes": ReviewOutcome.choices,
            "escalations": selectors.escalations_pending(actor=request.user),
            "second_approvals": selectors.second_approvals_pending(actor=request.user),
            "refusal": Outcome.REFUSE,
        },
    )


DUE_SOON_DAYS = 5  # how far ahead the deadlines page looks (a display window, not a policy figure)


@login_required
@require_GET
def deadlines(request: HttpRequest) -> HttpResponse:
    """办理时限: the cases in the clerk's region whose regulatory deadline has passed (flagged) or falls
    within the next days, across every programme's workflow."""
    today = timezone.localdate()
    due = cases_due(actor=request.user, on=today, within_days=DUE_SOON_DAYS)
    return render(
        request,
        "assistance/deadlines.html",
        {"due": due, "overdue": sum(1 for d in due if d.deadline.overdue), "within": DUE_SOON_DAYS},
    )


@login_required
@require_POST
def review_open(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    from minzheng.benefits.selectors import enrolment_get_for_actor

    enrolment = enrolment_get_for_actor(actor=request.user, enrolment_id=enrolment_id)
    with service_errors(request):
        services.review_open(actor=request.user, enrolment=enrolment, due_date=timezone.localdate())
        messages.success(request, _("已发起核查"))
    return redirect("reviews")


@login_required
@require_POST
def review_decide(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get_for_actor(actor=request.user, review_id=review_id)
    with service_errors(request):
        amount = form_int(request.POST.get("new_amount"), "调整后金额", required=False) or None
        services.review_decide(
            actor=request.user,
            review=review,
            outcome=request.POST.get("outcome", ""),
            reasons=request.POST.get("reasons", ""),
            new_amount=amount,
        )
        messages.success(request, _("已作出核查结论，可打印告知书"))
    return redirect("reviews")


@login_required
@require_GET
def review_letter_pdf(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get_for_actor(actor=request.user, review_id=review_id)
    if not review.outcome:
        messages.error(request, _("该核查尚无结论"))
        return redirect("reviews")
    return HttpResponse(review_letter(review, actor=request.user), content_type="application/pdf")


@login_required
@require_POST
def escalation_decide(request: HttpRequest, escalation_id: int) -> HttpResponse:
    esc = selectors.escalation_get_for_actor(actor=request.user, escalation_id=escalation_id)
    with service_errors(request):
        services.escalation_decide(
            actor=request.user,
            escalation=esc,
            outcome=request.POST.get("outcome", ""),
            notes=request.POST.get("notes", ""),
        )
        messages.success(request, _("已作出县级复审决定"))
    return redirect("reviews")


@login_required
@require_POST
def review_confirm(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get_for_actor(actor=request.user, review_id=review_id)
    with service_errors(request):
        approval = review.second_approvals.filter(confirmed_by__isnull=True).first()
        if approval is None:
            raise ValidationError("该核查没有待第二人审批的调整金额")
        services.second_approval_confirm(actor=request.user, approval=approval)
        messages.success(request, _("已作为第二审批人确认调整金额"))
    return redirect("reviews")


@login_required
@require_POST
def close_ended(request: HttpRequest) -> HttpResponse:
    with service_errors(request):
        n = services.applications_close_ended(actor=request.user)
        messages.success(request, _("已办结%(n)s件待遇已终止或对象死亡的个案") % {"n": n})
    return redirect("reviews")
