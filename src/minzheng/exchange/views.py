"""Data-exchange pages (city officers only): snapshot list with per-source status, missing sources and
the recent import jobs, snapshot detail with the first rejected rows, the .zip upload that queues a
background import job (services.import_job_create) and the job page that follows it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from minzheng.accounts.permissions import Denied, require
from minzheng.accounts.signals import client_ip

from . import selectors
from .models import Snapshot
from .services import FORBIDDEN, POLICY_TEXT, import_job_create, import_jobs_reap
from .upload import max_upload_bytes


def _user(request: HttpRequest) -> Any:
    return request.user


def _allowed(request: HttpRequest, permission: str = "exchange.view") -> bool:
    """Whether the city page may open; a refusal is audited as DENIED."""
    try:
        require(_user(request), permission, target=request.path[:64])
    except Denied:
        return False
    return True


@login_required
@require_GET
def snapshot_list(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponseForbidden(FORBIDDEN)
    months = selectors.snapshot_months()
    month = request.GET.get("month", "")
    if month not in months:
        month = months[0] if months else ""
    status = selectors.snapshot_source_status(month=month) if month else []
    import_jobs_reap()
    return render(
        request,
        "exchange/snapshot_list.html",
        {
            "months": months,
            "month": month,
            "current": selectors.snapshot_current(month=month) if month else None,
            "status": status,
            "missing": [r for r in status if r["missing"]],
            "snapshots": selectors.snapshot_list(limit=100),
            "jobs": selectors.import_job_list(actor=_user(request), limit=10),
            "policy": POLICY_TEXT,
            "max_upload_mb": max_upload_bytes() // (1024 * 1024),
        },
    )


@login_required
@require_GET
def snapshot_detail(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    if not _allowed(request):
        return HttpResponseForbidden(FORBIDDEN)
    snapshot = get_object_or_404(Snapshot.objects.select_related("imported_by"), pk=snapshot_id)
    is_current = snapshot == selectors.snapshot_current(month=snapshot.month)
    status = selectors.snapshot_source_status(month=snapshot.month) if is_current else []
    return render(
        request,
        "exchange/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "is_current": is_current,
            "missing": [r for r in status if r["missing"]],
            "sources": [
                {"obj": s, "label": selectors.source_label(s.source)} for s in snapshot.sources.all()
            ],
            "reasons": [r for r in snapshot.reason.splitlines() if r],
            "rejects": selectors.snapshot_rejects_preview(snapshot=snapshot, limit=200),
        },
    )


@login_required
@require_POST
def snapshot_upload(request: HttpRequest) -> HttpResponse:
    """Save the archive and queue its import; the import runs in a background worker, the browser goes
    straight to the job page (a city-scale import takes about a minute, longer than any proxy waits)."""
    if not _allowed(request, "exchange.upload"):
        return HttpResponseForbidden(FORBIDDEN)
    archive = request.FILES.get("archive")
    if archive is None:
        messages.error(request, _("请选择快照压缩包（.zip）"))
        return redirect("exchange-snapshots")
    try:
        job = import_job_create(actor=_user(request), archive=archive, ip=client_ip(request))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect("exchange-snapshots")
    return redirect("exchange-job", job.pk)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def import_job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's status, stage and progress; while it is queued or running the status block polls this
    URL every 2 s (htmx, HX-Request header: only the block is rendered)."""
    job = selectors.import_job_get_for_actor(actor=_user(request), job_id=job_id)
    if job.is_active and import_jobs_reap():  # its worker may have died
        job.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(request, "exchange/_job.html", {"job": job})
    return render(request, "exchange/job_detail.html", {"job": job})
