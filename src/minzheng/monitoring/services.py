"""Monthly screening (政策找人): export what the web database knows (enrolments), run the set-based engine
over the month's snapshot, publish the alerts atomically, and act on the automatic ones — 到龄即享
high-age grants and tier changes, child benefits ending at 18 — with an audit record each."""

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

from minzheng.accounts.models import Role
from minzheng.accounts.scoping import has_role, in_scope
from minzheng.assistance.eligibility import FIGURE_KEYS
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.models import Enrolment
from minzheng.benefits.services import add_months, enrolment_create, enrolment_end
from minzheng.core import crypto
from minzheng.core.masking import mask_id_number
from minzheng.exchange.pseudonym import is_keyed, key_of_hash
from minzheng.exchange.selectors import snapshot_current, snapshot_path
from minzheng.exchange.store import private_dir, private_files
from minzheng.people.models import Household, Person
from minzheng.policy.selectors import PolicyMissing, policy_resolve
from minzheng.regions.models import Region

from .engine import rules as engine_rules
from .engine.runner import Policy, ScreeningError, screen
from .models import Alert, RunStatus, ScreeningRun, WorkStatus

SEVERITY_RANK = {severity: rank for rank, severity in enumerate(engine_rules.SEVERITIES)}
RULES = {r.code: r for r in engine_rules.RULES}


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
                figures[(county, hukou)] = {k: ps.get(k) for k in FIGURE_KEYS}
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
        Enrolment.objects.values_list(
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
    if actor is not None and not has_role(actor, Role.CITY_OFFICER):
        raise ValidationError("只有市级民政部门可以运行全市动态监测")
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
    run = ScreeningRun.objects.create(month=month, engine=engine, snapshot_sha=sha, started_by=actor)

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
    objs = []
    for r in rows:
        h = hashes[r["id_number"]]
        rule = RULES.get(r["rule"])
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
        detail=f"{run.month}动态监测发布预警{len(objs)}条；到龄即享{granted['high_age_grant']}人",
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
        for person in Person.objects.filter(enrolments__isnull=False).distinct():
            key = key_of_hash(person.id_hash)
            if key in missing:
                hashes[key], masked[key] = person.id_hash, person.id_masked
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
    """到龄即享 (seed 003): this month's age-ins get the high-age allowance with no application; 90 and
    100 move tiers; a child turning 18 leaves the child programme this month."""
    month = dt.date.fromisoformat(run.month + "-01")
    counts = {"high_age_grant": 0, "high_age_tier": 0, "child_end": 0, "not_in_registry": 0}
    alerts = Alert.objects.filter(
        run=run, trend__in=["new", "persisting"], rule__in=["high_age_grant", "high_age_tier", "child_end"]
    ).select_related("person")
    for alert in alerts:
        person = alert.person
        if person is None:
            counts["not_in_registry"] += 1
            continue
        policy = policy_resolve(on=month, region_code=person.region_code, hukou_type=person.hukou_type)
        age = int(alert.evidence.get("年龄") or 0) or int(policy.get("high_age.start_age"))
        if alert.rule == "high_age_grant":
            if (
                Enrolment.objects.filter(person=person, programme="high_age")
                .exclude(last_month__lt=month)
                .exists()
            ):
                continue
            enrolment_create(
                actor=actor,
                programme="high_age",
                person=person,
                household=alert.household,
                amount=int(policy.get("high_age.tier80")),
                first_month=month,
                tier="80–89岁",
                source_type="screening",
                source_id=run.pk,
                rule_version=policy.version,
            )
            counts["high_age_grant"] += 1
        elif alert.rule == "high_age_tier":
            current = (
                Enrolment.objects.filter(person=person, programme="high_age", first_month__lte=month)
                .exclude(last_month__lt=month)
                .first()
            )
            key, label = ("high_age.tier100", "100岁以上") if age >= 100 else ("high_age.tier90", "90–99岁")
            amount = int(policy.get(key))
            if current is None or current.monthly_amount == amount:
                continue
            if current.first_month < month:
                enrolment_end(
                    actor=actor, enrolment=current, last_month=add_months(month, -1), reason="高龄津贴调档"
                )
            else:
                continue
            enrolment_create(
                actor=actor,
                programme="high_age",
                person=person,
                household=current.household,
                amount=amount,
                first_month=month,
                tier=label,
                source_type="screening",
                source_id=run.pk,
                rule_version=policy.version,
            )
            counts["high_age_tier"] += 1
        elif alert.rule == "child_end":
            for current in Enrolment.objects.filter(person=person, programme="child").exclude(
                last_month__lt=month
            ):
                if current.first_month < month:
                    enrolment_end(
                        actor=actor,
                        enrolment=current,
                        last_month=add_months(month, -1),
                        reason="年满18周岁，儿童保障终止",
                    )
                    counts["child_end"] += 1
        Alert.objects.filter(pk=alert.pk).update(
            work_status=WorkStatus.CLOSED, note="系统自动办理", handled_at=timezone.now()
        )
    return counts


# ------------------------------------------------------------------ the worklist (跟踪 to closure)
def _alert_for_actor(actor: Any, alert: Alert) -> None:
    if not (
        has_role(
            actor, Role.TOWNSHIP_CLERK, Role.TOWNSHIP_APPROVER, Role.COUNTY_OFFICER, Role.VILLAGE_ASSISTANT
        )
        and in_scope(actor, alert.region_code)
    ):
        raise ValidationError("该预警不在您的管辖范围内")


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
