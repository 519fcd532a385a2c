"""The trial calculation on an application's declared facts (a read): the desk's preview, the decision's
rules and the workflow's guards (e.g. whether a 临时救助 is within the township's authority) ask here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.people.models import Household, Membership
from minzheng.policy.selectors import PolicyMissing

from . import rules
from .assess import assess_case, parse_case
from .models import Application


def _case_dict(
    *,
    programme: str,
    on: dt.date,
    household: Household,
    region_code: str,
    declared: dict[str, Any],
    amount_requested: int | None,
) -> dict[str, Any]:
    """Declared facts + registry members → the assess contract's input (one shape for trial and decision)."""
    members = {
        m.person_id: m
        for m in Membership.objects.filter(household=household, end_date__isnull=True).select_related(
            "person"
        )
    }
    rows = declared.get("members") or []
    if not isinstance(rows, list) or not rows:
        raise ValidationError("请至少申报一名家庭成员")
    out_members = []
    for row in rows:
        if not isinstance(row, dict):
            raise ValidationError("家庭成员申报格式不正确")
        try:
            pid = int(row.get("person_id", 0))
        except (TypeError, ValueError):
            raise ValidationError("家庭成员编号不正确") from None
        membership = members.get(pid)
        if membership is None:
            raise ValidationError("申报的成员不是该户现有成员")
        if not membership.person.is_alive:
            raise ValidationError(f"{membership.person.name}已死亡，不能作为保障成员")
        item = {k: v for k, v in row.items() if k != "person_id"}
        item.update(
            id_number=membership.person.id_number, relation=membership.relation, name=membership.person.name
        )
        out_members.append(item)
    return {
        "programme": programme,
        "date": on.isoformat(),
        "region": region_code[:12],
        "hukou_type": household.hukou_type,
        "members": out_members,
        "assets": declared.get("assets") or {},
        "amount_requested": amount_requested,
    }


def application_assess(*, application: Application, on: dt.date | None = None) -> rules.Result:
    """The trial calculation on this application's declared facts — the same rules the decision uses."""
    case = _case_dict(
        programme=application.programme,
        on=on or timezone.localdate(),
        household=application.household,
        region_code=application.region_code,
        declared=application.declared,
        amount_requested=application.amount_requested,
    )
    try:
        return assess_case(parse_case(case))
    except PolicyMissing as e:
        raise ValidationError(f"没有有效的救助政策：{e}") from None


def application_assess_living(*, application: Application, on: dt.date | None = None) -> rules.Result:
    """The same rules on the declared facts without the members who have died since (the household's
    re-decision after a death: one fewer member, income and all recomputed by the rule)."""
    rows = (application.declared or {}).get("members") or []
    ids = [r.get("person_id") for r in rows if isinstance(r, dict)]
    dead = set(
        Membership.objects.filter(
            household=application.household, person_id__in=ids, person__is_alive=False
        ).values_list("person_id", flat=True)
    )
    living = [r for r in rows if not (isinstance(r, dict) and r.get("person_id") in dead)]
    if not living:
        raise ValidationError("该户已无在世的保障成员")
    case = _case_dict(
        programme=application.programme,
        on=on or timezone.localdate(),
        household=application.household,
        region_code=application.region_code,
        declared={**(application.declared or {}), "members": living},
        amount_requested=application.amount_requested,
    )
    try:
        return assess_case(parse_case(case))
    except PolicyMissing as e:
        raise ValidationError(f"没有有效的救助政策：{e}") from None


def _living_members(household: Household) -> dict[int, Membership]:
    return {
        m.person_id: m
        for m in Membership.objects.filter(
            household=household, end_date__isnull=True, person__is_alive=True
        ).select_related("person")
    }


def _case_from_report(
    *, report: Any, programme: str, household: Household, region_code: str, on: dt.date
) -> dict[str, Any]:
    """The assess contract's case from a 核对 report's verified figures (per member: wages, pension,
    unemployment, disability, medical bills; household: financial assets, homes, vehicles, businesses),
    for the members alive now."""
    living = _living_members(household)
    members, vehicles = [], []
    for row in report.members or []:
        membership = living.get(row.get("person_id"))
        if membership is None or row.get("died"):
            continue
        disability = row.get("disability") or {}
        members.append(
            {
                "id_number": membership.person.id_number,
                "relation": membership.relation,
                "monthly_wage": row.get("wages") or 0,
                "employed": bool(row.get("wages")),
                "monthly_pension": row.get("pension") or 0,
                "other_income": row.get("unemployment") or 0,
                "disability_grade": disability.get("grade"),
                "disability_kind": disability.get("kind"),
                "medical_oop": row.get("medical_oop") or 0,
            }
        )
        vehicles += [{"kind": v["kind"], "value": v["value"]} for v in row.get("vehicles") or []]
    if not members:
        raise ValidationError("该户已无在世的保障成员")
    if not any(m["relation"] == "head" for m in members):
        members[0]["relation"] = "head"  # the head died: the next member stands in for the test
    totals = report.totals or {}
    return {
        "programme": programme,
        "date": on.isoformat(),
        "region": region_code[:12],
        "hukou_type": household.hukou_type,
        "members": members,
        "assets": {
            "financial": totals.get("financial") or 0,
            "vehicles": vehicles,
            "residential_properties": totals.get("residential") or 0,
            "business_capital": totals.get("business_capital") or 0,
        },
    }


def household_assess_on_file(
    *, programme: str, household: Household, region_code: str, on: dt.date
) -> rules.Result:
    """The rule on the facts the household has on file when the enrolment has no application of its own
    (stock imported from the old system): the latest 核对 report of any of the household's applications
    (verified figures), else the latest application's declared facts, for the members alive now. With
    neither, a ValidationError that names the missing facts — never a default figure."""
    applications = Application.objects.filter(household=household)
    latest = applications.filter(verifications__isnull=False).order_by("-verifications__created_at", "-pk")
    application = latest.first()
    if programme == "dibao" and application is not None:
        report = application.verifications.order_by("-created_at", "-pk").first()
        case = _case_from_report(
            report=report, programme=programme, household=household, region_code=region_code, on=on
        )
    else:
        declared = (
            applications.filter(programme=programme)
            .exclude(declared={})
            .order_by("-submitted_at", "-pk")
            .first()
        )
        if declared is None:
            raise ValidationError(
                "该户是从原系统导入的存量对象，系统中既没有原申请的申报收入，也没有家庭经济状况核对报告"
            )
        return application_assess_living(application=declared, on=on)
    try:
        return assess_case(parse_case(case))
    except PolicyMissing as e:
        raise ValidationError(f"没有有效的救助政策：{e}") from None
