"""Writes of the credit line (all keyword-only, atomic, audited). Points count only once another person at
the township has approved them; the household's balance and the goods' stock are changed under row locks
(select_for_update) and backed by CHECK constraints, so two redemptions at once can never overdraw either."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from minzheng.accounts.makecheck import require_other_person
from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core.uploads import clean_photo
from minzheng.people.models import Household, Membership, Person

from .models import (
    Account,
    Category,
    Council,
    EventKind,
    Filing,
    FilingStatus,
    Fund,
    FundEntry,
    FundKind,
    FundStatus,
    Goods,
    Norm,
    PointRecord,
    PointRule,
    RecordStatus,
    Redemption,
)
from .selectors import (
    APPROVE,
    CUSTOMS,
    RECORD,
    RULE_ADJUST,
    RULES,
    STORE,
    is_village,
    norm_in_force,
)

MAX_POINTS = 1000


def _village(code: str) -> str:
    if not is_village(code):
        raise ValidationError("请选择村(社区)")
    return code


# ------------------------------------------------------------------ 积分规则


def _check_points(category: str, points: int, low: int, high: int) -> None:
    if category not in Category.values:
        raise ValidationError("请选择积分类别")
    if not low <= points <= high:
        raise ValidationError(f"分值应在{low}至{high}之间")
    if points == 0:
        raise ValidationError("分值不能为0")
    deduction = category == Category.DEDUCTION
    if deduction and high >= 0:
        raise ValidationError("扣分项的分值及其可调范围应为负数")
    if not deduction and low <= 0:
        raise ValidationError("加分项的分值及其可调范围应为正数")
    if max(abs(low), abs(high)) > MAX_POINTS:
        raise ValidationError(f"单项分值不能超过{MAX_POINTS}分")


@transaction.atomic
def rule_template_create(
    *,
    actor: Any,
    township_code: str,
    category: str,
    name: str,
    points: int,
    min_points: int,
    max_points: int,
    evidence_required: bool,
) -> PointRule:
    """A township's template rule with the range its villages may adjust the points within."""
    if len(township_code) != 9:
        raise ValidationError("积分规则模板由乡镇(街道)制定")
    require(actor, RULES, region_code=township_code, target=f"credit:rules:{township_code}")
    name = name.strip()
    if not name:
        raise ValidationError("请填写积分事项")
    _check_points(category, points, min_points, max_points)
    if PointRule.objects.filter(region_code=township_code, template__isnull=True, name=name).exists():
        raise ValidationError("本乡镇已有同名积分事项")
    rule = PointRule.objects.create(
        region_code=township_code,
        category=category,
        name=name[:100],
        points=points,
        min_points=min_points,
        max_points=max_points,
        evidence_required=evidence_required,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="credit.rule",
        target_id=rule.pk,
        region_code=township_code,
        new={"name": rule.name, "points": points, "range": [min_points, max_points]},
    )
    return rule


@transaction.atomic
def rules_copy(*, actor: Any, village_code: str) -> int:
    """Copy the township's active templates the village does not have yet; returns how many were copied."""
    _village(village_code)
    require(actor, RULE_ADJUST, region_code=village_code, target=f"credit:rules:{village_code}")
    have = set(PointRule.objects.filter(region_code=village_code).values_list("template_id", flat=True))
    templates = PointRule.objects.filter(
        region_code=village_code[:9], template__isnull=True, active=True
    ).exclude(pk__in=have)
    copies = [
        PointRule(
            region_code=village_code,
            template=t,
            category=t.category,
            name=t.name,
            points=t.points,
            min_points=t.min_points,
            max_points=t.max_points,
            evidence_required=t.evidence_required,
            created_by=actor,
        )
        for t in templates
    ]
    PointRule.objects.bulk_create(copies)
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="credit.rules_copy",
        region_code=village_code,
        new={"copied": len(copies)},
    )
    return len(copies)


@transaction.atomic
def rule_adjust(
    *, actor: Any, rule: PointRule, points: int, active: bool, evidence_required: bool
) -> PointRule:
    """The village sets its own points within the template's range (and may switch a rule off)."""
    if rule.template_id is None:
        raise ValidationError("乡镇模板不能在村里调整")
    require(actor, RULE_ADJUST, region_code=rule.region_code, target=f"credit:rule:{rule.pk}")
    rule = PointRule.objects.select_for_update().get(pk=rule.pk)
    _check_points(rule.category, points, rule.min_points, rule.max_points)
    if rule.template and rule.template.evidence_required and not evidence_required:
        raise ValidationError("乡镇模板要求该事项附佐证，村里不能取消")
    old = {"points": rule.points, "active": rule.active, "evidence_required": rule.evidence_required}
    rule.points, rule.active, rule.evidence_required = points, active, evidence_required
    rule.save(update_fields=["points", "active", "evidence_required", "updated_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="credit.rule",
        target_id=rule.pk,
        region_code=rule.region_code,
        old=old,
        new={"points": points, "active": active, "evidence_required": evidence_required},
    )
    return rule


# ------------------------------------------------------------------ 积分记录


def _current_member(household: Household, person: Person | None) -> None:
    if person is None:
        return
    current = Membership.objects.filter(household=household, person=person, end_date__isnull=True)
    if not current.filter(person__is_alive=True).exists():
        raise ValidationError("该人员不是本户现有成员")


@transaction.atomic
def point_record(
    *,
    actor: Any,
    household: Household,
    rule: PointRule,
    occurred_on: dt.date,
    evidence: str = "",
    photo: UploadedFile | None = None,
    person: Person | None = None,
) -> PointRecord:
    """The village records points for a household (or one member): pending until the township approves."""
    require(actor, RECORD, region_code=household.region_code, target=f"credit:household:{household.pk}")
    if rule.region_code != household.region_code or rule.template_id is None:
        raise ValidationError("请选择本村的积分规则")
    if not rule.active:
        raise ValidationError("该积分规则已停用")
    if occurred_on > timezone.localdate():
        raise ValidationError("发生日期不能晚于今天")
    _current_member(household, person)
    evidence = evidence.strip()
    if rule.evidence_required and not (evidence and photo):
        raise ValidationError("该事项须填写事迹说明并上传佐证照片")
    record = PointRecord(
        household=household,
        person=person,
        region_code=household.region_code,
        rule=rule,
        points=rule.points,
        occurred_on=occurred_on,
        evidence=evidence[:500],
        recorded_by=actor,
    )
    if photo is not None:
        clean = clean_photo(photo)
        record.photo.save(clean.name or "photo.jpg", clean, save=False)
    record.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="credit.record",
        target_id=record.pk,
        region_code=record.region_code,
        new={"household": household.pk, "rule": rule.name, "points": record.points},
    )
    return record


def _account(household: Household) -> Account:
    """The household's account, locked for this transaction (created on first use)."""
    Account.objects.get_or_create(household=household, defaults={"region_code": household.region_code})
    return Account.objects.select_for_update().get(household=household)


@transaction.atomic
def point_decide(*, actor: Any, record: PointRecord, approve: bool, note: str = "") -> PointRecord:
    """Make-and-check: a different person at the township approves (the points count) or rejects."""
    require(actor, APPROVE, region_code=record.region_code, target=f"credit:record:{record.pk}")
    record = PointRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != RecordStatus.PENDING:
        raise ValidationError("该积分记录已审核")
    require_other_person(
        actor, record.recorded_by_id, message="登记人不能审核自己登记的积分（经办与审核须为不同人员）"
    )
    note = note.strip()
    if not approve and not note:
        raise ValidationError("不予认定须填写理由")
    if approve:
        account = _account(record.household)
        # A deduction takes the spendable balance to zero at most; the ranking counts it in full.
        record.applied = max(record.points, -account.balance)
        Account.objects.filter(pk=account.pk).update(
            earned=F("earned") + record.points, balance=F("balance") + record.applied
        )
    record.status = RecordStatus.APPROVED if approve else RecordStatus.REJECTED
    record.decided_by = actor
    record.decided_at = timezone.now()
    record.decision_note = note[:200]
    record.save(update_fields=["status", "applied", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="credit.record",
        target_id=record.pk,
        region_code=record.region_code,
        new={"status": record.status, "points": record.points, "applied": record.applied},
    )
    return record


# ------------------------------------------------------------------ 信用超市


@transaction.atomic
def goods_create(*, actor: Any, village_code: str, name: str, unit: str, price: int, stock: int = 0) -> Goods:
    _village(village_code)
    require(actor, STORE, region_code=village_code, target=f"credit:store:{village_code}")
    name, unit = name.strip(), unit.strip()
    if not name or not unit:
        raise ValidationError("请填写商品名称和单位")
    if price <= 0:
        raise ValidationError("兑换积分应大于0")
    if stock < 0:
        raise ValidationError("库存不能为负数")
    if Goods.objects.filter(region_code=village_code, name=name).exists():
        raise ValidationError("本村信用超市已有同名商品")
    goods = Goods.objects.create(
        region_code=village_code, name=name[:60], unit=unit[:8], price=price, stock=stock
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="credit.goods",
        target_id=goods.pk,
        region_code=village_code,
        new={"name": goods.name, "price": price, "stock": stock},
    )
    return goods


@transaction.atomic
def redeem(*, actor: Any, household: Household, goods: Goods, quantity: int) -> Redemption:
    """Points for goods: the account and the goods are locked, so concurrent redemptions queue up; the
    balance and the stock are checked after the lock and backed by constraints."""
    require(actor, STORE, region_code=household.region_code, target=f"credit:household:{household.pk}")
    if goods.region_code != household.region_code:
        raise ValidationError("只能兑换本村信用超市的商品")
    if quantity <= 0:
        raise ValidationError("兑换数量应大于0")
    account = _account(household)
    item = Goods.objects.select_for_update().get(pk=goods.pk)
    if not item.active:
        raise ValidationError("该商品已下架")
    cost = item.price * quantity
    if item.stock < quantity:
        raise ValidationError(f"库存不足：{item.name}仅剩{item.stock}{item.unit}")
    if account.balance < cost:
        raise ValidationError(f"可用积分不足：需要{cost}分，本户现有{account.balance}分")
    Account.objects.filter(pk=account.pk).update(balance=F("balance") - cost)
    Goods.objects.filter(pk=item.pk).update(stock=F("stock") - quantity)
    redemption = Redemption.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:24]}",  # fits the 32-character number until it is set
        household=household,
        region_code=household.region_code,
        goods=item,
        quantity=quantity,
        points=cost,
        balance_after=account.balance - cost,
        handled_by=actor,
    )
    redemption.number = f"DH{timezone.localdate():%Y%m%d}-{redemption.pk:06d}"
    redemption.save(update_fields=["number"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="credit.redemption",
        target_id=redemption.pk,
        region_code=household.region_code,
        new={"goods": item.name, "quantity": quantity, "points": cost},
    )
    return redemption


# ------------------------------------------------------------------ 信用基金


@transaction.atomic
def fund_entry_record(
    *,
    actor: Any,
    village_code: str,
    kind: str,
    amount: Decimal,
    counterparty: str,
    entry_date: dt.date,
    goods: Goods | None = None,
    quantity: int = 0,
    note: str = "",
) -> FundEntry:
    _village(village_code)
    require(actor, STORE, region_code=village_code, target=f"credit:fund:{village_code}")
    if kind not in FundKind.values:
        raise ValidationError("请选择收支类型")
    if amount <= 0:
        raise ValidationError("金额应大于0")
    counterparty = counterparty.strip()
    if not counterparty:
        raise ValidationError("请填写捐赠人或供货方")
    if entry_date > timezone.localdate():
        raise ValidationError("日期不能晚于今天")
    if kind == FundKind.PURCHASE:
        if goods is None or goods.region_code != village_code:
            raise ValidationError("采购支出须选择本村信用超市的商品")
        if quantity <= 0:
            raise ValidationError("采购数量应大于0")
    else:
        goods, quantity = None, 0
    entry = FundEntry.objects.create(
        region_code=village_code,
        kind=kind,
        amount=amount,
        counterparty=counterparty[:100],
        goods=goods,
        quantity=quantity,
        entry_date=entry_date,
        note=note.strip()[:200],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="credit.fund_entry",
        target_id=entry.pk,
        region_code=village_code,
        new={"kind": kind, "amount": str(amount), "quantity": quantity},
    )
    return entry


@transaction.atomic
def fund_entry_confirm(*, actor: Any, entry: FundEntry, approve: bool) -> FundEntry:
    """Another person at the township confirms: the fund's balance moves (never below zero) and a confirmed
    purchase puts its goods into the supermarket's stock."""
    require(actor, APPROVE, region_code=entry.region_code, target=f"credit:fund_entry:{entry.pk}")
    entry = FundEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != FundStatus.PENDING:
        raise ValidationError("该笔收支已处理")
    require_other_person(
        actor, entry.recorded_by_id, message="登记人不能确认自己登记的收支（经办与审核须为不同人员）"
    )
    if approve:
        Fund.objects.get_or_create(region_code=entry.region_code)
        fund = Fund.objects.select_for_update().get(region_code=entry.region_code)
        delta = entry.amount if entry.kind == FundKind.DONATION else -entry.amount
        if fund.balance + delta < 0:
            raise ValidationError(f"信用基金余额不足：现有{fund.balance}元，本次支出{entry.amount}元")
        Fund.objects.filter(pk=fund.pk).update(balance=F("balance") + delta)
        if entry.goods_id:
            Goods.objects.filter(pk=entry.goods_id).update(stock=F("stock") + entry.quantity)
    entry.status = FundStatus.CONFIRMED if approve else FundStatus.REJECTED
    entry.confirmed_by = actor
    entry.confirmed_at = timezone.now()
    entry.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.DECISION,
        target_type="credit.fund_entry",
        target_id=entry.pk,
        region_code=entry.region_code,
        new={"status": entry.status, "amount": str(entry.amount)},
    )
    return entry


# ------------------------------------------------------------------ 移风易俗


@transaction.atomic
def council_set(
    *, actor: Any, village_code: str, chair: str, members: list[dict[str, str]], established_on: dt.date
) -> Council:
    _village(village_code)
    require(actor, CUSTOMS, region_code=village_code, target=f"credit:council:{village_code}")
    chair = chair.strip()
    if not chair:
        raise ValidationError("请填写红白理事会会长")
    clean = [
        {"name": m["name"].strip()[:32], "duty": m.get("duty", "").strip()[:16] or "理事"}
        for m in members
        if m.get("name", "").strip()
    ]
    if not clean:
        raise ValidationError("请至少填写一名理事会成员")
    council, created = Council.objects.update_or_create(
        region_code=village_code,
        defaults={
            "chair": chair[:32],
            "members": clean,
            "established_on": established_on,
            "updated_by": actor,
        },
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE if created else AuditEvent.UPDATE,
        target_type="credit.council",
        target_id=council.pk,
        region_code=village_code,
        new={"chair": council.chair, "members": len(clean)},
    )
    return council


@transaction.atomic
def norm_set(
    *,
    actor: Any,
    village_code: str,
    kind: str,
    effective_from: dt.date,
    max_tables: int,
    max_guests: int,
    max_spending: Decimal,
    max_gift: Decimal,
    source: str,
) -> Norm:
    """The village's own standard (议定 by its villagers' meeting, in its 村规民约) from a date."""
    _village(village_code)
    require(actor, CUSTOMS, region_code=village_code, target=f"credit:norm:{village_code}")
    if kind not in EventKind.values:
        raise ValidationError("请选择婚事或丧事")
    source = source.strip()
    if not source:
        raise ValidationError("请填写标准依据（如村规民约、村民代表会议决议）")
    if Norm.objects.filter(region_code=village_code, kind=kind, effective_from=effective_from).exists():
        raise ValidationError("该日期已有同类标准")
    norm = Norm.objects.create(
        region_code=village_code,
        kind=kind,
        effective_from=effective_from,
        max_tables=max_tables,
        max_guests=max_guests,
        max_spending=max_spending,
        max_gift=max_gift,
        source=source[:120],
        entered_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="credit.norm",
        target_id=norm.pk,
        region_code=village_code,
        new={"kind": kind, "tables": max_tables, "guests": max_guests, "spending": str(max_spending)},
    )
    return norm


def over_items(norm: Norm, *, tables: int, guests: int, spending: Decimal, gift: Decimal) -> list[str]:
    """Which of the village's limits the plan exceeds, as people read them."""
    out = []
    if tables > norm.max_tables:
        out.append(f"宴席{tables}桌，超过标准{norm.max_tables}桌")
    if guests > norm.max_guests:
        out.append(f"宾客{guests}人，超过标准{norm.max_guests}人")
    if spending > norm.max_spending:
        out.append(f"花费{spending}元，超过标准{norm.max_spending}元")
    if gift > norm.max_gift:
        out.append(f"单份礼金{gift}元，超过标准{norm.max_gift}元")
    return out


@transaction.atomic
def filing_create(
    *,
    actor: Any,
    village_code: str,
    kind: str,
    family: str,
    event_date: dt.date,
    tables: int,
    guests: int,
    spending: Decimal,
    gift: Decimal,
    simplified: bool = False,
    household: Household | None = None,
    person: Person | None = None,
) -> Filing:
    """事前报备: checked against the norm in force on the day; an over-norm filing is flagged."""
    _village(village_code)
    require(actor, CUSTOMS, region_code=village_code, target=f"credit:filing:{village_code}")
    if kind not in EventKind.values:
        raise ValidationError("请选择婚事或丧事")
    family = family.strip()
    if not family:
        raise ValidationError("请填写办事家庭")
    if household is not None and household.region_code != village_code:
        raise ValidationError("该家庭不在本村")
    if person is not None and not person.region_code.startswith(village_code):
        raise ValidationError("该人员不在本村")
    norm = norm_in_force(region_code=village_code, kind=kind, on=event_date)
    if norm is None:
        raise ValidationError(f"本村尚未制定{EventKind(kind).label}办理标准，请先录入村规民约中的标准")
    items = over_items(norm, tables=tables, guests=guests, spending=spending, gift=gift)
    funeral_case = None
    if kind == EventKind.FUNERAL and person is not None:
        from minzheng.funeral.models import FuneralCase

        funeral_case = FuneralCase.objects.filter(person=person).first()
    filing = Filing.objects.create(
        region_code=village_code,
        kind=kind,
        household=household,
        family=family[:64],
        person=person,
        funeral_case=funeral_case,
        event_date=event_date,
        tables=tables,
        guests=guests,
        spending=spending,
        gift=gift,
        simplified=simplified and kind == EventKind.FUNERAL,
        norm=norm,
        over_norm=bool(items),
        over_items=items,
        filed_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.CREATE,
        target_type="credit.filing",
        target_id=filing.pk,
        region_code=village_code,
        new={"kind": kind, "over_norm": filing.over_norm, "guests": guests, "spending": str(spending)},
    )
    return filing


@transaction.atomic
def filing_advise(*, actor: Any, filing: Filing, advice: str) -> Filing:
    require(actor, CUSTOMS, region_code=filing.region_code, target=f"credit:filing:{filing.pk}")
    advice = advice.strip()
    if not advice:
        raise ValidationError("请填写红白理事会的意见")
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    filing.advice = advice[:500]
    filing.advised_by = actor
    filing.advised_at = timezone.now()
    filing.status = FilingStatus.ADVISED
    filing.save(update_fields=["advice", "advised_by", "advised_at", "status"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="credit.filing",
        target_id=filing.pk,
        region_code=filing.region_code,
        new={"status": filing.status},
    )
    return filing


def photo_open(*, actor: Any, record: PointRecord) -> Any:
    """Open a record's evidence photo; each viewing is audited (the caller has checked the scope)."""
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="credit.record_photo",
        target_id=record.pk,
        region_code=record.region_code,
    )
    return record.photo.open("rb")
