"""Reads of the audit log that need no actor: the changes of one entry and the names of its regions. The
log itself is read, permission- and region-scoped, by the desk (web/selectors.py audit_log_list)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import AppConfig, apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext

from minzheng.core.labels import AUDIT_FIELDS, AUDIT_TARGETS, AUDIT_WORDS, STATES, region_name
from minzheng.regions.models import Region

from .models import AuditLog

BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


def _app(label: str) -> AppConfig | None:
    try:
        return apps.get_app_config(label)
    except LookupError:
        return None


@lru_cache(maxsize=512)
def _model_named(name: str, app_label: str = "") -> type[models.Model] | None:
    """The model called `name` (its model_name, `_` ignored) in the app, or the only one of the house."""
    key = name.replace("_", "").lower()
    pool = apps.get_app_config(app_label).get_models() if app_label else apps.get_models()
    found = [m for m in pool if m._meta.model_name == key]
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=512)
def _resolved(target_type: str) -> tuple[str, type[models.Model] | None, str]:
    """target type → (label, the model its fields belong to, the app label)."""
    head, _dot, rest = target_type.partition(".")
    app = _app(head)
    model = None
    parts: list[str] = []
    if app is not None:
        parts.append(str(app.verbose_name))
    else:
        model = _model_named(head)
        word = AUDIT_TARGETS.get(head) or AUDIT_WORDS.get(head)
        if model is not None:
            app = apps.get_app_config(model._meta.app_label)
            parts.append(word or str(model._meta.verbose_name))
        elif word:
            parts.append(word)
    for segment in [p for p in rest.split(".") if p]:
        inner = _model_named(segment, app.label) if app is not None else None
        if inner is not None and inner is not model:
            model = inner
            parts.append(str(inner._meta.verbose_name))
        elif segment in AUDIT_WORDS:
            parts.append(AUDIT_WORDS[segment])
        # an unknown code (a programme, a kind) is left out rather than shown raw
    label = "·".join(dict.fromkeys(parts)) or gettext("系统记录")
    return label, model, app.label if app is not None else ""


def audit_target_label(target_type: str) -> str:
    """What an entry acted on, as people read it: a line's registered wording, else the app's name and the
    model's (`volunteers.signup` → 志愿服务和社会工作·活动报名); never the code."""
    if not target_type:
        return ""
    registered = AUDIT_TARGETS.get(target_type)
    return gettext(registered) if registered else _resolved(target_type)[0]


def _field(model: type[models.Model] | None, app_label: str, name: str) -> models.Field[Any, Any] | None:
    pools = [model] if model is not None else []
    if app_label:
        pools += list(apps.get_app_config(app_label).get_models())
    for candidate in pools:
        try:
            field = candidate._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.Field):
            return field
    return None


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$")


def moment(value: dt.datetime) -> str:
    """A moment as the office writes it: Beijing time to the minute (2026-11-30 14:05)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _shown(value: Any, field: models.Field[Any, Any] | None = None, name: str = "") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if field is not None and field.choices:
        label = dict(field.flatchoices).get(value)
        if label is not None:
            return str(label)
    if name in ("state", "status", "from", "to") and str(value) in STATES:
        return gettext(STATES[str(value)])
    if isinstance(value, str) and value.isascii() and not value.isdigit():
        # a coded value of an entry whose model is not resolved: the house's own label for it
        by_field, by_value = _choice_labels()
        label = by_field.get((name, value)) or by_value.get(value)
        if label:
            return label
    if (name == "region" or name.endswith(("region_code", "_region"))) and _REGION_DIGITS.match(str(value)):
        return region_name(str(value), full=True)
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        try:
            return moment(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    return str(value)


def _field_label(field: models.Field[Any, Any] | None, name: str) -> str:
    if field is not None and not str(field.verbose_name).isascii():
        return str(field.verbose_name)
    # a key no field of the entry's model carries: the wording of the same-named field elsewhere in the house
    return AUDIT_FIELDS.get(name) or _field_names().get(name) or name


_REGION_DIGITS = re.compile(r"^\d{6}(\d{3}){0,2}$")


@lru_cache(maxsize=1)
def _field_names() -> dict[str, str]:
    """Field name → its Chinese verbose name, for names every model that has them words alike."""
    seen: dict[str, set[str]] = {}
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if isinstance(f, models.Field) and not str(f.verbose_name).isascii():
                seen.setdefault(f.name, set()).add(str(f.verbose_name))
    return {name: sorted(words)[0] for name, words in seen.items()}


@lru_cache(maxsize=1)
def _choice_labels() -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """The house's choices: (field name, value) → label, and value → label where only one label is meant."""
    by_field: dict[tuple[str, str], str] = {}
    by_value: dict[str, set[str]] = {}
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if not (isinstance(f, models.Field) and f.choices):
                continue
            for value, label in f.flatchoices:
                text = str(label)
                if text.isascii():
                    continue
                by_field.setdefault((f.name, str(value)), text)
                by_value.setdefault(str(value), set()).add(text)
    return by_field, {v: next(iter(labels)) for v, labels in by_value.items() if len(labels) == 1}


def audit_changes(entry: AuditLog) -> list[Change]:
    """Before → after per field: every key of old or new, unchanged keys left out when both sides exist.
    Fields read by their Chinese names, chosen values by their labels, moments as 2026-11-30 14:05."""
    old = entry.old if isinstance(entry.old, dict) else ({} if entry.old is None else {"值": entry.old})
    new = entry.new if isinstance(entry.new, dict) else ({} if entry.new is None else {"值": entry.new})
    both = entry.old is not None and entry.new is not None
    keys = list(dict.fromkeys([*old, *new]))
    _label, model, app_label = _resolved(entry.target_type) if entry.target_type else ("", None, "")
    changes = []
    for k in keys:
        if both and old.get(k) == new.get(k):
            continue
        field = _field(model, app_label, str(k)) if str(k).isascii() else None
        changes.append(
            Change(
                _field_label(field, str(k)),
                _shown(old.get(k), field, str(k)),
                _shown(new.get(k), field, str(k)),
            )
        )
    return changes


def audit_region_names(entries: Iterable[AuditLog]) -> dict[str, str]:
    """Names of the regions the entries mention, in one query (people read names, not codes)."""
    codes = {c for e in entries for c in (e.actor_region, e.region_code) if c}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
