"""Desk pages of the registry of persons without an ID (无身份人员): register (phone-sized), list and
search, the photo (scoped, audited), and the merge into an identified person (made, then checked)."""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minzheng.accounts.permissions import can
from minzheng.accounts.scoping import scope
from minzheng.accounts.signals import client_ip
from minzheng.core.idnumber import normalize
from minzheng.core.inputs import form_date, form_name
from minzheng.core.masking import mask_id_number
from minzheng.core.views import service_errors
from minzheng.regions.models import Region
from minzheng.regions.selectors import division_cascade

from . import selectors, services
from .models import HukouType, Sex, UnidentifiedKind, UnidentifiedRecord

REGISTER_FIELDS = (
    "kind",
    "region_code",
    "found_on",
    "found_place",
    "description",
    "sex",
    "estimated_age",
    "name",
)


def _typed_date(raw: str, label: str) -> tuple[dt.date | None, str]:
    """A typed date through core.inputs.form_date: (date, "") or (None, the Chinese message); blank is
    (None, "")."""
    try:
        return form_date(raw, label, required=False), ""
    except ValidationError as e:
        return None, e.messages[0]


def _villages(user: Any) -> Any:
    return scope(Region.objects.filter(level="village"), user, field="code").order_by("code")[:500]


def _record(user: Any, person_id: int) -> UnidentifiedRecord:
    """The record of a person the actor may read (404 like a missing one otherwise)."""
    person = selectors.person_get_for_actor(actor=user, person_id=person_id)
    record = selectors.unidentified_record_of(person=person)
    if record is None:
        raise Http404("未找到该无身份人员登记")
    return record


@login_required
@require_http_methods(["GET", "POST"])
def unidentified_new(request: HttpRequest) -> HttpResponse:
    """登记无身份人员, laid out for the patrol worker's phone; a refusal keeps every field as typed and puts
    each error next to its field."""
    user = request.user
    data: Any = request.POST if request.method == "POST" else {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        found_on_raw = data.get("found_on", "")
        found_on, found_on_error = _typed_date(found_on_raw, "发现日期")
        try:
            record = services.unidentified_register(
                actor=user,
                kind=data.get("kind", ""),
                region_code=data.get("region_code", ""),
                found_on=found_on,
                found_place=data.get("found_place", ""),
                description=data.get("description", ""),
                sex=data.get("sex", ""),
                estimated_age=data.get("estimated_age", ""),
                name=data.get("name", ""),
                photo=request.FILES.get("photo"),
            )
        except ValidationError as e:
            errors = e.message_dict if hasattr(e, "error_dict") else {"__all__": e.messages}
            if found_on_error:
                errors["found_on"] = [found_on_error]
            messages.error(request, _("登记未保存，请按提示修改"))
        else:
            messages.success(
                request, _("已登记，临时编号 %(number)s") % {"number": record.person.temp_number}
            )
            return redirect("person-detail", record.person_id)
    values = {k: data.get(k, "") for k in REGISTER_FIELDS}
    values["found_on"] = values["found_on"] or timezone.localdate().isoformat()
    return render(
        request,
        "people/unidentified_new.html",
        {
            "villages": _villages(user),
            "kinds": UnidentifiedKind.choices,
            "sexes": Sex.choices,
            "data": values,
            "errors": errors,
            "form_errors": errors.get("__all__", []),
            "today": timezone.localdate().isoformat(),
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def unidentified_list(request: HttpRequest) -> HttpResponse:
    """无身份人员 of the actor's region: by temporary number, description or place (in the POST body), by
    region, date found and status."""
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    q = request.POST.get("q", "").strip()
    filters = {
        "region": data.get("region", "").strip(),
        "found_from": data.get("found_from", "").strip(),
        "found_to": data.get("found_to", "").strip(),
        "status": data.get("status", "").strip(),
    }
    found_from, from_error = _typed_date(filters["found_from"], "起始日期")
    found_to, to_error = _typed_date(filters["found_to"], "截止日期")
    bad = [label for label, error in (("起始日期", from_error), ("截止日期", to_error)) if error]
    qs = selectors.unidentified_search(
        actor=user,
        q=q,
        region_code=filters["region"] if filters["region"].isdigit() else "",
        found_from=found_from,
        found_to=found_to,
        status=filters["status"],
    )
    page = Paginator(qs, 30).get_page(data.get("page"))
    template = (
        "people/_unidentified_results.html"
        if request.headers.get("HX-Request")
        else "people/unidentified_list.html"
    )
    return render(
        request,
        template,
        {
            "page": page,
            "q": q,
            "filters": filters,
            "statuses": selectors.UNIDENTIFIED_STATUSES,
            "bad_dates": bad,
            "may_register": can(user, "people.register_unidentified"),
        },
    )


@login_required
@require_GET
def unidentified_photo(request: HttpRequest, person_id: int) -> FileResponse:
    """The photo, for those who may read the record (404 otherwise); every view is audited."""
    record = _record(request.user, person_id)
    if not record.photo:
        raise Http404("该人员没有照片")
    handle = services.unidentified_photo_open(actor=request.user, record=record, ip=client_ip(request))
    ext = "." + record.photo.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(handle, content_type=mimetypes.types_map.get(ext, "application/octet-stream"))
    response["Content-Disposition"] = f'inline; filename="photo-{record.person_id}{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _new_person(post: Any, record: UnidentifiedRecord) -> dict[str, str] | None:
    """The person to register with the merge: the hukou place is a village of the city, or a county of
    the national cascade (省 → 市 → 县) for an out-of-city ID; such a person lives, for now, where the
    temporary record was made."""
    fields = {k: post.get(k, "").strip() for k in ("name", "hukou_type", "hukou_region_code")}
    if not any(fields.values()) and not post.get("hukou_place", "").strip():
        return None
    if not fields["hukou_region_code"] and (place := post.get("hukou_place", "").strip()):
        fields["hukou_region_code"] = place
        fields["residence_region_code"] = record.person.region_code
    return fields


def _id_division(post: Any) -> str:
    """The county an ID number was issued in, to open the hukou cascade on it (a Henan ID, Henan)."""
    code = normalize(post.get("id_number", ""))[:6]
    return code if code.isdigit() else ""


def _new_person_missing(fields: dict[str, str]) -> list[str]:
    """What the new registration still lacks, each message naming its field: the preview refuses it before
    the confirmation rather than letting the confirmation fail."""
    missing = []
    try:
        form_name(fields.get("name", ""), "姓名")
    except ValidationError as e:
        missing.extend(e.messages)
    if fields.get("hukou_type", "") not in HukouType.values:
        missing.append(_("请选择户口性质（城镇或农村）"))
    if not fields.get("hukou_region_code", ""):
        missing.append(_("请选择户籍地（本市村、社区，或外地省、市、县）"))
    return missing


@login_required
@require_http_methods(["GET", "POST"])
def unidentified_merge(request: HttpRequest, person_id: int) -> HttpResponse:
    """身份合并（提出）: the officer types the identified person's ID number; a confirmation shows both
    records side by side (masked ID) before the request is made. A person not yet registered is created
    with it."""
    user = request.user
    record = _record(user, person_id)
    post: Any = request.POST if request.method == "POST" else {}
    target = None
    creating = False
    error = ""
    if request.method == "POST":
        try:
            if post.get("step") == "confirm":
                services.unidentified_merge_request(
                    actor=user,
                    record=record,
                    id_number=post.get("id_number", ""),
                    note=post.get("note", ""),
                    new_person=_new_person(post, record),
                )
                messages.success(request, _("已提出身份合并，待另一名工作人员复核"))
                return redirect("person-detail", record.person_id)
            target = selectors.merge_target_preview(actor=user, id_number=post.get("id_number", ""))
            creating = target is None
            refusal = target and services.unidentified_merge_refusal(record=record, target=target)
            if refusal:
                error = refusal
            elif creating and not (new_person := _new_person(post, record)):
                error = _("该身份证号尚未登记：请填写姓名、户口性质和户籍地，确认后将新登记该人员")
            elif creating and new_person and (missing := _new_person_missing(new_person)):
                error = "；".join(missing)
        except ValidationError as e:
            error = "；".join(e.messages)
    confirm = request.method == "POST" and not error
    return render(
        request,
        "people/unidentified_merge.html",
        {
            "record": record,
            "person": record.person,
            "target": target,
            "creating": creating,
            "confirm": confirm,
            "new_masked": mask_id_number(normalize(post.get("id_number", ""))) if creating else "",
            "error": error,
            "warnings": services.unidentified_merge_warnings(
                record=record, id_number=post.get("id_number", "")
            )
            if confirm
            else [],
            "data": {
                k: post.get(k, "")
                for k in ("id_number", "note", "name", "hukou_type", "hukou_region_code", "hukou_place")
            },
            "hukou_cascade": division_cascade(post.get("hukou_place", "") or _id_division(post)),
            "hukou_types": HukouType.choices,
            "villages": _villages(user),
            "may_merge": can(user, "people.merge", region_code=record.person.region_code),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def unidentified_merge_decide(request: HttpRequest, person_id: int) -> HttpResponse:
    """身份合并（复核）: approve or send back, by someone other than the officer who asked."""
    user = request.user
    record = _record(user, person_id)
    with service_errors(request):
        if request.POST.get("decision") == "approve":
            services.unidentified_merge_approve(actor=user, record=record)
            messages.success(request, _("已复核通过，临时记录已合并"))
        else:
            services.unidentified_merge_reject(
                actor=user, record=record, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("已退回合并申请"))
    return redirect("person-detail", record.person_id)


def person_page_context(*, actor: Any, person: Any) -> dict[str, Any]:
    """What the person page adds for the registry of persons without an ID: the record of an unidentified
    (or merged) person, with the pending request's target; the merged records of an identified one; and
    what the page offers (`selectors.person_page_actions`: a merged record offers nothing)."""
    actions = selectors.person_page_actions(actor=actor, person=person)
    record = actions.record
    return {
        "record": record,
        "actions": actions,
        "merge_warnings": services.unidentified_merge_warnings(record=record, target=record.merge_target)
        if record is not None and record.merge_target is not None and actions.merged_into is None
        else [],
        "merged_records": list(selectors.merged_records_of(person=person)) if person.is_identified else [],
        "may_merge": actions.may_merge,
        "may_approve": actions.may_approve,
    }
