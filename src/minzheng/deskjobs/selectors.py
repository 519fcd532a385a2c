"""Reads of desk jobs: a user's own jobs (我的任务, owner only: another's job is 404), and the jobs of a
kind in the actor's region (the payroll page shows every roll being made in its counties)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from minzheng.accounts.scoping import actor_prefix

from .models import DeskJob

RECENT = 50


def desk_jobs_for_actor(*, actor: Any) -> QuerySet[DeskJob]:
    return DeskJob.objects.filter(owner=actor).select_related("owner")[:RECENT]


def desk_job_get_for_actor(*, actor: Any, job_id: int) -> DeskJob:
    """The one checkpoint for a single job: only its owner sees it; anyone else gets 404."""
    job = DeskJob.objects.filter(pk=job_id, owner=actor).select_related("owner").first()
    if job is None:
        raise Http404("没有这个任务")
    return job


def desk_jobs_of_kind_for_actor(*, actor: Any, kind: str, limit: int = 10) -> QuerySet[DeskJob]:
    """Recent jobs of `kind` in the actor's region (a city officer sees the city's)."""
    prefix = actor_prefix(actor)
    if prefix is None:
        return DeskJob.objects.none()
    return DeskJob.objects.filter(kind=kind, region_code__startswith=prefix).select_related("owner")[:limit]
