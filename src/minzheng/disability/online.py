"""残疾人两项补贴 applied for on a phone (指尖办): what the citizen's form asks (the certificate and the
facts the rule reads), checked by the intake's own rule (`services.certificate_check`), accepted by the
township clerk through the intake service (`services.application_intake`), so the case lands in this
line's worklist and is decided like any other. The citizen app knows none of this: the line registers
its offer (apps.py) and these functions are called through it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from minzheng.core.inputs import form_date
from minzheng.people.models import Household, Person

from . import services
from .models import Kind, Status, SubsidyApplication

FIELDS = ("certificate_no", "grade", "kind", "issued_on", "household_dibao", "tekun", "work_injury_care")
GRADES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
FLAGS = (
    ("household_dibao", "家庭享受低保"),
    ("tekun", "特困供养人员"),
    ("work_injury_care", "享受工伤保险生活护理费"),
)


def online_check(*, person: Person, fields: dict[str, str]) -> dict[str, Any]:
    """The resident's certificate and facts, cleaned (JSON-ready), or a ValidationError by field."""
    grade_text = (fields.get("grade") or "").strip()
    if grade_text not in {str(g) for g in GRADES}:
        raise ValidationError({"grade": "请选择残疾等级（一至四级）"})
    if (fields.get("kind") or "") not in Kind.values:
        raise ValidationError({"kind": "请选择残疾类别"})
    try:
        issued_on = form_date(fields.get("issued_on"), "发证日期")
    except ValidationError as e:
        raise ValidationError({"issued_on": e.messages}) from None
    cert = services.certificate_check(
        person=person,
        certificate_no=fields.get("certificate_no") or "",
        grade=int(grade_text),
        kind=fields["kind"],
        issued_on=issued_on,
    )
    return {
        "certificate_no": cert,
        "grade": int(grade_text),
        "kind": fields["kind"],
        "issued_on": issued_on.isoformat(),
        **{flag: fields.get(flag) == "on" for flag, _label in FLAGS},
    }


def online_describe(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """The declared facts as the clerk reads them: Chinese labels, the certificate number masked."""
    cert = str(facts.get("certificate_no") or "")
    masked = f"{cert[:6]}{'*' * 8}{cert[-6:]}" if len(cert) > 12 else cert
    rows = [
        ("残疾人证号", masked),
        ("残疾类别", str(Kind(facts["kind"]).label) if facts.get("kind") in Kind.values else "—"),
        ("残疾等级", GRADES.get(int(facts.get("grade") or 0), "—")),
        ("发证日期", str(facts.get("issued_on") or "—")),
    ]
    rows += [(label, "是" if facts.get(flag) else "否") for flag, label in FLAGS]
    return rows


def online_open_case(*, household: Household, person: Person) -> str:
    """A two-subsidies application of the resident still waiting for the decision, named; else ""."""
    app = (
        SubsidyApplication.objects.filter(person=person, status=Status.SUBMITTED)
        .order_by("-intake_at")
        .first()
    )
    if app is None:
        return ""
    return f"{app.intake_at:%Y-%m-%d}受理的残疾人两项补贴申请（{app.get_status_display()}）"


def online_accept(*, actor: Any, online: Any) -> SubsidyApplication:
    """受理 of the online application: the intake service with the facts the resident declared (the
    clerk checks them against the certificate they see)."""
    facts = online.declared.get("facts") or {}
    return services.application_intake(
        actor=actor,
        person=online.applicant,
        certificate_no=facts.get("certificate_no", ""),
        grade=int(facts.get("grade") or 0),
        kind=facts.get("kind", ""),
        issued_on=dt.date.fromisoformat(facts["issued_on"]),
        household_dibao=bool(facts.get("household_dibao")),
        tekun=bool(facts.get("tekun")),
        work_injury_care=bool(facts.get("work_injury_care")),
    )
