"""Data-exchange pages (city officers only): snapshot list with per-source status and missing sources,
snapshot detail with the first rejected rows, and the .zip upload that calls snapshot_import."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.scoping import has_role
from minzheng.accounts.signals import client_ip

from . import selectors
from .models import Snapshot
from .services import POLICY_TEXT, SnapshotBusyError, snapshot_import
from .upload import clean_stale_uploads, extract_snapshot_zip, max_upload_bytes

FORBIDDEN = "只有市级民政部门人员可以查看和导入数据交换快照"


def _user(request: HttpRequest) -> Any:
    return request.user


def _allowed(request: HttpRequest) -> bool:
    return has_role(_user(request), "city_officer")


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
            "sources": snapshot.sources.all(),
            "reasons": [r for r in snapshot.reason.splitlines() if r],
            "rejects": selectors.snapshot_rejects_preview(snapshot=snapshot, limit=200),
        },
    )


@login_required
@require_POST
def snapshot_upload(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponseForbidden(FORBIDDEN)
    archive = request.FILES.get("archive")
    if archive is None:
        messages.error(request, _("请选择快照压缩包（.zip）"))
        return redirect("exchange-snapshots")
    uploads = Path(settings.SNAPSHOT_DIR) / ".uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    clean_stale_uploads(uploads)
    work = Path(tempfile.mkdtemp(dir=uploads))
    try:
        folder = extract_snapshot_zip(archive=archive, size=archive.size or 0, dest=work)
        result = snapshot_import(actor=_user(request), source_dir=folder, ip=client_ip(request))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect("exchange-snapshots")
    except SnapshotBusyError as e:
        messages.error(request, str(e))
        return redirect("exchange-snapshots")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if result.status == "rejected":
        messages.error(request, result.message)
    elif result.status == "already":
        messages.info(request, result.message)
    else:
        messages.success(request, result.message)
    if result.snapshot is not None:
        return redirect("exchange-snapshot-detail", result.snapshot.pk)
    return redirect("exchange-snapshots")
