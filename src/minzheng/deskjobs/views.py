"""我的任务: the signed-in user's background jobs (state, progress, errors in Chinese, the file to
download). While one is queued or running the table polls itself (htmx, every 2 s)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from minzheng.accounts.signals import client_ip

from . import selectors, services


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    services.desk_jobs_reap()
    jobs = list(selectors.desk_jobs_for_actor(actor=request.user))
    context = {"jobs": jobs, "polling": any(j.is_active for j in jobs)}
    if request.headers.get("HX-Request"):
        return render(request, "deskjobs/_jobs.html", context)
    return render(request, "deskjobs/job_list.html", context)


@login_required
@require_GET
def job_download(request: HttpRequest, job_id: int) -> HttpResponseBase:
    job = selectors.desk_job_get_for_actor(actor=request.user, job_id=job_id)
    try:
        path = services.desk_job_file(actor=request.user, job=job, ip=client_ip(request))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect("deskjobs-list")
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=job.file_name, content_type=job.content_type
    )
    response["Cache-Control"] = "no-store"
    return response
