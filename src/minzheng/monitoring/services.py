"""Monthly screening (政策找人): export what the web database knows (enrolments), run the set-based engine
over the month's snapshot, publish the alerts atomically, and run the automatic actions the programmes
registered (programmes.registry) on their alerts, each audited by the services it writes through."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.accounts.system import acting_user
from minzheng.assistance.eligibility import FIGURE_KEYS
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.models import Enrolment
from minzheng.core import crypto
from minzheng.core.masking import mask_id_number
from minzheng.exchange.pseudonym import is_keyed, key_of_hash
from minzheng.exchange.selectors import snapshot_current, snapshot_path
from minzheng.exchange.store import private_dir, private_files
from minzheng.people.models import Household, Person
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.programmes.registry import programmes
from minzheng.regions.models import Region

from .engine import rules as engine_rules
from .engine.runner import Policy, ScreeningError, screen
from .models import Alert, RunStatus, ScreeningRun, WorkStatus

SEVERITY_RANK = {severity: rank for rank, severity in enumerate(engine_rules.SEVERITIES)}


def screening_rules() -> list[engine_rules.Rule]:
    """Every rule a run applies: the engine's core rules and each registered programme's."""
    return engine_rules.rules()


def screening_dir() -> Path:
    return Path(settings.SNAPSHOT_DIR) / "screening"


def screening_policy(*, month: str) -> Policy:
    """The engine's Policy from the policy tables in force on the month's first day: every figure of the
    programme rules resolved for each county × hukou type (a missing one is an error), and the city's
    figures for the other rules."""
    on = dt.date.fromisoformat(month + "-01")
    counties = list(Region.objects.filter(level="county").values_list("code", flat=True))
    figures = {}
    try:
        for county in counties:
            for hukou in ("urban", "rural"):
                ps = policy_resolve(on=on, region_code=county, hukou_type=hukou)
                # every figure in force, per county × hukou type (the engine checks the ones its SQL reads)
                figures[(county, hukou)] = {k: ps.get(k) for k in (*FIGURE_KEYS, *ps.values)}
    except PolicyMissing as e:
        raise ValidationError(str(e)) from None
    city = policy_resolve(on=on, region_code="370800", hukou_type="urban")
    params = {k: v.value for k, v in city.values.items()}
    return Policy(month=month, figures=figures, params=params)


def enrolments_export(*, path: Path, keyed: bool = True) -> int:
    """Who is enrolled (web database) → the engine's enrolment file. With `keyed` (a pseudonymised store,
    exchange/pseudonym.py) each person is written as the person key of its blind index (Person.id_hash),
    so nothing is decrypted and no ID number reaches the file; otherwise (a raw delivered snapshot, as in
    the engine's tests) as the decrypted ID number."""
    rows = list(
        # Unidentified persons (no ID, a temporary number) are never in a snapshot nor screened.
        Enrolment.objects.filter(person__id_hash__isnull=False).values_list(
            "person__id_hash" if keyed else "person__id_number_enc",
            "household__number",
            "programme",
            "first_month",
            "last_month",
        )
    )
    table = pa.table(
        {
            "id_number": [key_of_hash(r[0]) if keyed else crypto.decrypt(r[0]) for r in rows],
            "household_no": [r[1] or "" for r in rows],
            "programme": [r[2] for r in rows],
            "start_month": [f"{r[3]:%Y-%m}" for r in rows],
            "last_month": [f"{r[4]:%Y-%m}" if r[4] else None for r in rows],
        },
        schema=pa.schema(
            [
                ("id_number", pa.string()),
                ("household_no", pa.string()),
                ("programme", pa.string()),
                ("start_month", pa.string()),
                ("last_month", pa.string()),
            ]
        ),
    )
    pq.write_table(table, path)
    return table.num_rows


def screening_run(
    *,
    actor: Any,
    month: str,
    engine: str = "duckdb",
    snapshot_dir: Path | None = None,
    out: Path | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> ScreeningRun:
    """Run and publish one month. Not one transaction: the run row and its progress are visible while
    the engine works; the alerts appear all at once in `_publish`."""
    require(actor, "screening.run", target=f"screening:{month}")  # a city officer, or the scheduled job
    sha = ""
    if snapshot_dir is None:
        snapshot = snapshot_current(month=month)
        if snapshot is None:
            raise ValidationError(f"没有{month}的数据交换快照，请先导入")
        snapshot_dir, sha = snapshot_path(snapshot=snapshot), snapshot.manifest_sha256
    policy = screening_policy(month=month)
    # A run left "running" by a killed process never published anything: mark it failed.
    ScreeningRun.objects.filter(month=month, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED, error="进程中断", finished_at=timezone.now()
    )
    run = ScreeningRun.objects.create(
        month=month, engine=engine, snapshot_sha=sha, started_by=acting_user(actor)
    )

    def report(stage: str, fraction: float) -> None:
        ScreeningRun.objects.filter(pk=run.pk).update(stage=stage[:100], progress=round(fraction, 3))
        if progress is not None:
            progress(stage, fraction)

    folder = private_dir(screening_dir())
    try:
        with private_files(), tempfile.TemporaryDirectory(dir=folder) as tmp:
            enrol = Path(tmp) / "enrolments.parquet"
            enrolments_export(path=enrol, keyed=is_keyed(Path(snapshot_dir)))
            summary = screen(
                snapshot=Path(snapshot_dir),
                enrolments=enrol,
                policy=policy,
                out_dir=folder,
                engine=engine,
                progress=report,
            )
        alerts_file = folder / f"alerts-{month}.parquet"
        if out is not None:
            private_dir(out)
            with private_files():
                shutil.copyfile(alerts_file, out / alerts_file.name)
        _publish(
            actor=actor, run=run, alerts_file=alerts_file, summary=summary, snapshot_dir=Path(snapshot_dir)
        )
    except (ScreeningError, OSError) as e:
        ScreeningRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(e)[:2000], finished_at=timezone.now()
        )
        raise ValidationError(f"监测运行失败：{e}") from None
    run.refresh_from_db()
    return run


@transaction.atomic
def _publish(
    *, actor: Any, run: ScreeningRun, alerts_file: Path, summary: dict[str, Any], snapshot_dir: Path
) -> None:
    table = pq.read_table(alerts_file)
    rows = table.to_pylist()
    hashes, masked = _alert_identities(snapshot_dir, {r["id_number"] for r in rows})
    persons = dict(Person.objects.filter(id_hash__in=set(hashes.values())).values_list("id_hash", "id"))
    households = dict(
        Household.objects.filter(
            number__in={r["household_no"] for r in rows if r["household_no"]}
        ).values_list("number", "id")
    )
    previous = {
        (a.rule, a.id_hash): a
        for a in Alert.objects.filter(month__lt=run.month, run__status=RunStatus.PUBLISHED)
        .exclude(trend="resolved")
        .order_by("month")
    }
    rules_by_code = engine_rules.RULES_BY_CODE
    objs = []
    for r in rows:
        h = hashes[r["id_number"]]
        rule = rules_by_code.get(r["rule"])
        before = previous.get((r["rule"], h))
        keep = before is not None and r["status"] == "persisting" and before.work_status != WorkStatus.CLOSED
        objs.append(
            Alert(
                run=run,
                month=run.month,
                rule=r["rule"],
                rule_name=rule.name if rule else r["rule"],
                severity=r["severity"],
                severity_rank=SEVERITY_RANK.get(r["severity"], 2),
                programme=r.get("programme") or "",
                action=(rule.action if rule else "")[:200],
                id_hash=h,
                id_masked=masked[r["id_number"]],
                household_no=r["household_no"] or "",
                person_id=persons.get(h),
                household_id=households.get(r["household_no"]),
                region_code=r["region_code"] or "",
                evidence=_evidence(r["evidence"]),
                difficulty_index=r.get("difficulty_index"),
                trend=r["status"],
                work_status=before.work_status
                if keep and before
                else (WorkStatus.CLOSED if r["status"] == "resolved" else WorkStatus.OPEN),
                note=before.note if keep and before else "",
            )
        )
    Alert.objects.bulk_create(objs, batch_size=2000)
    ScreeningRun.objects.filter(month=run.month, status=RunStatus.PUBLISHED).update(
        status=RunStatus.SUPERSEDED
    )
    granted = _apply_automatic(actor=actor, run=run)
    summary = {**summary, "automatic": granted}
    ScreeningRun.objects.filter(pk=run.pk).update(
        status=RunStatus.PUBLISHED,
        progress=1.0,
        stage="已发布",
        summary=_jsonable(summary),
        finished_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="screening",
        target_id=run.pk,
        detail=f"{run.month}动态监测发布预警{len(objs)}条；{automatic_summary(granted)}",
    )


def _alert_identities(snapshot_dir: Path, ids: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Blind index and masked ID of each person in the alerts. A pseudonymised store's alerts name person
    keys: both come from the store's persons (id_hash, id_masked), else from the enrolled persons in the
    database (an enrolled person missing from the register); a raw snapshot's alerts name ID numbers."""
    if not is_keyed(snapshot_dir):
        return {i: crypto.blind_index(i) for i in ids}, {i: mask_id_number(i) for i in ids}
    hashes: dict[str, str] = {}
    masked: dict[str, str] = {}
    if ids:
        persons = pq.read_table(
            snapshot_dir / "persons.parquet",
            columns=["id_number", "id_hash", "id_masked"],
            filters=[("id_number", "in", sorted(ids))],
        )
        for key, h, m in zip(*(persons.column(c).to_pylist() for c in persons.column_names), strict=True):
            hashes[key], masked[key] = h.hex(), m
    missing = ids - hashes.keys()
    if missing:
        for person in Person.objects.filter(enrolments__isnull=False, id_hash__isnull=False).distinct():
            id_hash = person.id_hash or ""  # never empty here (filtered), typed optional for the unidentified
            key = key_of_hash(id_hash)
            if key in missing:
                hashes[key], masked[key] = id_hash, person.id_masked
    for key in ids - hashes.keys():  # neither registered nor enrolled: a key only
        hashes[key], masked[key] = "", ""
    return hashes, masked


def _evidence(raw: Any) -> dict[str, Any]:
    import json

    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {"说明": str(raw)}
    return value if isinstance(value, dict) else {"说明": value}


def _jsonable(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value, default=str))


def _apply_automatic(*, actor: Any, run: ScreeningRun) -> dict[str, int]:
    """The programmes' automatic actions (programmes.registry: 到龄即享 grants, tier changes, an end at
    18 …), each on this run's new and persisting alerts of its rule. An action returns how many
    enrolments it changed, or None to leave the alert open for an officer; handled alerts are closed."""
    month = dt.date.fromisoformat(run.month + "-01")
    actions = [a for p in programmes() for a in p.automatic]
    counts = {a.rule: 0 for a in actions} | {"not_in_registry": 0}
    by_rule = {a.rule: a for a in actions}
    alerts = Alert.objects.filter(
        run=run, trend__in=["new", "persisting"], rule__in=list(by_rule)
    ).select_related("person", "household")
    for alert in alerts:
        if alert.person is None:
            counts["not_in_registry"] += 1
            continue
        changed = by_rule[alert.rule].run(actor=actor, alert=alert, month=month, source_id=run.pk)
        if changed is None:
            continue
        counts[alert.rule] += changed
        Alert.objects.filter(pk=alert.pk).update(
            work_status=WorkStatus.CLOSED, note="系统自动办理", handled_at=timezone.now()
        )
    return counts


def automatic_summary(counts: dict[str, int]) -> str:
    """The automatic actions of a run in words: "到龄即享自动纳入高龄津贴3人，…"."""
    labels = {a.rule: a.label for p in programmes() for a in p.automatic}
    return (
        "，".join(f"{labels[rule]}{n}人" for rule, n in counts.items() if rule in labels) or "无自动办理事项"
    )


# ------------------------------------------------------------------ the worklist (跟踪 to closure)
def _alert_for_actor(actor: Any, alert: Alert) -> None:
    require(actor, "alert.handle", region_code=alert.region_code, target=f"alert:{alert.pk}")


def _open_review_for(*, actor: Any, alert: Alert) -> None:
    """A re-verification or death alert on a dibao/tekun beneficiary opens a 定期核查 case (issue 4: the
    worklist is generated from due dates and from monitoring alerts)."""
    from minzheng.assistance.services import review_open

    if not (alert.rule.startswith(("dibao_", "died_", "paid_after_death_")) and alert.person_id):
        return
    enrolment = (
        Enrolment.objects.filter(
            Q(person_id=alert.person_id) | Q(household__memberships__person_id=alert.person_id),
            programme__in=["dibao", "tekun"],
        )
        .exclude(last_month__lt=dt.date.fromisoformat(alert.month + "-01"))
        .first()
    )
    if enrolment is not None:
        review_open(
            actor=actor, enrolment=enrolment, due_date=timezone.localdate(), trigger=f"alert:{alert.rule}"
        )


@transaction.atomic
def alert_handle(*, actor: Any, alert: Alert, action: str, note: str = "") -> Alert:
    _alert_for_actor(actor, alert)
    targets = {
        "acknowledge": WorkStatus.ACKNOWLEDGED,
        "open_case": WorkStatus.CASE_OPENED,
        "dismiss": WorkStatus.DISMISSED,
        "close": WorkStatus.CLOSED,
    }
    if action not in targets:
        raise ValidationError("未知的处理方式")
    if action == "dismiss" and not note.strip():
        raise ValidationError("排除预警必须说明理由")
    if alert.work_status in (WorkStatus.DISMISSED, WorkStatus.CLOSED):
        raise ValidationError("该预警已处理完毕")
    old = alert.work_status
    if action == "open_case":
        _open_review_for(actor=actor, alert=alert)
    alert.work_status = targets[action]
    alert.note = note[:300]
    alert.handled_by = actor
    alert.handled_at = timezone.now()
    alert.save(update_fields=["work_status", "note", "handled_by", "handled_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="alert",
        target_id=alert.pk,
        region_code=alert.region_code,
        old={"status": old},
        new={"status": alert.work_status, "note": note},
    )
    return alert
