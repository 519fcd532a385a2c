"""Every write of 指尖办. The citizen's own (sign-in, online application, objection, every access to a
case or letter) are audited with the citizen as actor; the clerk's (accept, return, record an objection)
are checked against the permission the offer names, in the case's region.

A failed sign-in is audited even though the resident sees an error: those services write the failure in
their own transaction and raise the Chinese message after it has committed."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from minzheng.accounts.permissions import require
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.core import crypto
from minzheng.core.idnumber import parse_id_number
from minzheng.core.pii import redact
from minzheng.core.uploads import checked_file
from minzheng.people.models import Household, Membership, Person
from minzheng.programmes.registry import OnlineOffer, load, online_offer

from .actor import Citizen
from .models import (
    EMERGENCY_KINDS,
    CitizenSession,
    OnlineApplication,
    OnlineDocument,
    OnlineObjection,
    OnlineState,
    SignInCode,
)
from .sms import backend

CODE_WRONG = "验证码不正确或已过期，请重新获取"
SENT = (
    "验证码已发送到您在民政部门登记的手机号，{minutes}分钟内有效。"
    "没有收到的，请联系村（社区）核对登记的手机号。"
)
MAX_DOCUMENTS = 10
MONEY_FIELDS = ("monthly_wage", "monthly_pension", "other_income")


def _hash(kind: str, value: str) -> str:
    return crypto.blind_index(f"citizen:{kind}:{value}")


def _person(id_number: str) -> Person | None:
    try:
        info = parse_id_number(id_number)
    except ValidationError:
        raise ValidationError("身份证号不正确，请核对后重新填写") from None
    return Person.objects.filter(id_hash=crypto.blind_index(info.id_number), is_alive=True).first()


def _failed(*, person: Person | None, detail: str, ip: str) -> None:
    audit_record(
        actor=Citizen(person_id=person.pk, name=person.name) if person else "群众（未识别）",
        event_type=AuditEvent.LOGIN_FAILED,
        target_type="citizen.sign_in",
        target_id=person.pk if person else "",
        region_code=person.region_code if person else "",
        outcome="failed",
        detail=detail,
        ip=ip,
    )


# ------------------------------------------------------------------ sign-in
def sign_in_code_send(*, id_number: str, ip: str) -> str:
    """Send a sign-in code to the phone on the person's record. Returns the message to show; the same
    message whether or not the ID is registered with a phone (the page does not tell who is on record).
    Too many codes for one person or from one address in an hour is refused (audited)."""
    with transaction.atomic():
        error = _code_send(id_number=id_number, ip=ip)
    if error:
        raise ValidationError(error)
    return SENT.format(minutes=settings.CITIZEN_CODE_MINUTES)


def _code_send(*, id_number: str, ip: str) -> str:
    now = timezone.now()
    ip_key = f"citizen:sends:{_hash('ip', ip or '-')}"
    cache.add(ip_key, 0, timeout=3600)
    if cache.incr(ip_key) > settings.CITIZEN_CODES_PER_HOUR * 4:
        _failed(person=None, detail="同一地址获取验证码过于频繁", ip=ip)
        return "获取验证码过于频繁，请一小时后再试"
    try:
        person = _person(id_number)
    except ValidationError as e:
        _failed(person=None, detail="身份证号格式不正确", ip=ip)
        return str(e.messages[0])
    if person is None or not person.phone_enc:
        _failed(person=person, detail="身份证号未登记或未登记手机号，未发送验证码", ip=ip)
        return ""
    recent = SignInCode.objects.filter(person=person, created_at__gte=now - dt.timedelta(hours=1)).count()
    if recent >= settings.CITIZEN_CODES_PER_HOUR:
        _failed(person=person, detail="一小时内获取验证码次数已达上限", ip=ip)
        return "获取验证码过于频繁，请一小时后再试"
    code = f"{secrets.randbelow(1_000_000):06d}"
    # A new code replaces the ones before it: only the latest can be used.
    SignInCode.objects.filter(person=person, used_at__isnull=True).update(used_at=now)
    SignInCode.objects.create(
        person=person,
        code_hash=_hash("code", f"{person.pk}:{code}"),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=settings.CITIZEN_CODE_MINUTES),
        ip=ip[:64],
    )
    backend().send(
        person=person,
        phone=crypto.decrypt(person.phone_enc),
        text=f"【济宁民政】您的登录验证码为{code}，{settings.CITIZEN_CODE_MINUTES}分钟内有效，请勿告诉他人。",
    )
    audit_record(
        actor=Citizen(person_id=person.pk, name=person.name),
        event_type=AuditEvent.CREATE,
        target_type="citizen.sign_in_code",
        target_id=person.pk,
        region_code=person.region_code,
        detail="发送登录验证码",
        ip=ip,
    )
    return ""


def sign_in_verify(*, id_number: str, code: str, ip: str) -> tuple[CitizenSession, str]:
    """The session of a resident who typed the right code (used once, in time, within the tries), and the
    raw key for the cookie. A wrong code counts against the code and is audited."""
    with transaction.atomic():
        result = _verify(id_number=id_number, code=(code or "").strip(), ip=ip)
    if isinstance(result, str):
        raise ValidationError(result)
    return result


def _verify(*, id_number: str, code: str, ip: str) -> tuple[CitizenSession, str] | str:
    now = timezone.now()
    try:
        person = _person(id_number)
    except ValidationError as e:
        _failed(person=None, detail="身份证号格式不正确", ip=ip)
        return str(e.messages[0])
    if not (code.isdigit() and len(code) == 6):
        _failed(person=person, detail="验证码格式不正确", ip=ip)
        return "验证码为6位数字"
    row = (
        SignInCode.objects.select_for_update()
        .filter(person=person, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at", "-id")
        .first()
        if person
        else None
    )
    if person is None or row is None or row.attempts >= settings.CITIZEN_CODE_ATTEMPTS:
        _failed(person=person, detail="验证码不存在、已使用或已过期", ip=ip)
        return CODE_WRONG
    if not secrets.compare_digest(row.code_hash, _hash("code", f"{person.pk}:{code}")):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        _failed(person=person, detail=f"验证码错误（第{row.attempts}次）", ip=ip)
        left = settings.CITIZEN_CODE_ATTEMPTS - row.attempts
        return f"验证码不正确，还可以再试{left}次" if left > 0 else CODE_WRONG
    row.used_at = now
    row.save(update_fields=["used_at"])
    key = secrets.token_urlsafe(32)
    session = CitizenSession.objects.create(
        key_hash=_hash("session", key),
        person=person,
        expires_at=now + dt.timedelta(hours=settings.CITIZEN_SESSION_HOURS),
        ip=ip[:64],
    )
    audit_record(
        actor=Citizen(person_id=person.pk, name=person.name, session_id=session.pk),
        event_type=AuditEvent.LOGIN,
        target_type="citizen.session",
        target_id=session.pk,
        region_code=person.region_code,
        ip=ip,
    )
    return session, key


@transaction.atomic
def citizen_sign_out(*, citizen: Citizen, ip: str = "") -> None:
    CitizenSession.objects.filter(pk=citizen.session_id or 0, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    audit_record(
        actor=citizen,
        event_type=AuditEvent.LOGOUT,
        target_type="citizen.session",
        target_id=citizen.session_id or "",
        ip=ip,
    )


# ------------------------------------------------------------------ audited reads by the citizen
def _own_membership(citizen: Citizen) -> Membership:
    membership = (
        Membership.objects.filter(person_id=citizen.person_id, end_date__isnull=True)
        .select_related("household", "person")
        .first()
    )
    if membership is None:
        raise ValidationError("您没有登记的家庭户，请到村（社区）登记后再申请")
    return membership


def _own_case(citizen: Citizen, application_id: int) -> Any:
    from minzheng.assistance.models import Application

    household_ids = Membership.objects.filter(person_id=citizen.person_id, end_date__isnull=True).values(
        "household_id"
    )
    return (
        Application.objects.select_related("household", "applicant")
        .filter(pk=application_id, household_id__in=household_ids)
        .first()
    )


def _refused(*, citizen: Citizen, target_type: str, target_id: int, ip: str) -> None:
    """A citizen asking for a case or letter not of their household: audited in its own transaction (the
    404 the caller raises afterwards must not roll it back); the log says only what was asked for."""
    with transaction.atomic():
        audit_record(
            actor=citizen,
            event_type=AuditEvent.DENIED,
            target_type=target_type,
            target_id=target_id,
            outcome="denied",
            detail="非本户的申请或告知书",
            ip=ip,
        )


def citizen_case_open(*, citizen: Citizen, application_id: int, ip: str = "") -> Any:
    """One of the citizen's household's assistance cases (404 for any other), the access audited (the
    refusal too)."""
    found = _own_case(citizen, application_id)
    return _revealed_or_404(
        citizen=citizen, found=found, target_type="citizen.case", target_id=application_id, ip=ip
    )


def citizen_online_open(*, citizen: Citizen, online_id: int, ip: str = "") -> OnlineApplication:
    """One of the citizen's household's online applications (两项补贴 and the others not an assistance case),
    read-only; 404 for any other household's, the access audited (the refusal too)."""
    household_ids = Membership.objects.filter(person_id=citizen.person_id, end_date__isnull=True).values(
        "household_id"
    )
    found = (
        OnlineApplication.objects.select_related("applicant")
        .filter(pk=online_id, household_id__in=household_ids)
        .first()
    )
    return _revealed_or_404(
        citizen=citizen, found=found, target_type="citizen.online", target_id=online_id, ip=ip
    )


_Found = TypeVar("_Found", bound=Any)


def _revealed_or_404(
    *, citizen: Citizen, found: _Found | None, target_type: str, target_id: int, ip: str
) -> _Found:
    """The citizen's own record, its reading audited; anything else answers 404 like a missing one, the
    refusal audited too."""
    if found is None:
        _refused(citizen=citizen, target_type=target_type, target_id=target_id, ip=ip)
        raise Http404("未找到该申请")
    audit_record(
        actor=citizen,
        event_type=AuditEvent.REVEAL,
        target_type=target_type,
        target_id=found.pk,
        region_code=found.region_code,
        ip=ip,
    )
    return found


def citizen_letter_download(
    *, citizen: Citizen, application_id: int, decision_id: int, ip: str = ""
) -> bytes:
    """The decision letter of one of the citizen's cases, as the PDF the office prints (same 文号); the
    download audited, a refusal (another household's case, or a letter not of this case) too."""
    from minzheng.accounts.system import system_actor
    from minzheng.assistance.letters import decision_letter

    with transaction.atomic():
        app = _own_case(citizen, application_id)
        decision = app.decisions.filter(pk=decision_id).first() if app is not None else None
        if app is not None and decision is not None:
            audit_record(
                actor=citizen,
                event_type=AuditEvent.EXPORT,
                target_type="citizen.letter",
                target_id=decision.pk,
                region_code=app.region_code,
                ip=ip,
            )
            return decision_letter(decision, actor=system_actor(purpose="群众网上下载告知书"))
    _refused(citizen=citizen, target_type="citizen.letter", target_id=decision_id, ip=ip)
    raise Http404("未找到该告知书")


@transaction.atomic
def citizen_cases_open(*, citizen: Citizen, ip: str = "") -> Any:
    """The household's cases and online applications for the citizen's home page, the access audited."""
    from .selectors import citizen_cases

    rows = citizen_cases(citizen)
    audit_record(
        actor=citizen,
        event_type=AuditEvent.REVEAL,
        target_type="citizen.cases",
        target_id=citizen.person_id,
        new={"rows": len(rows)},
        ip=ip,
    )
    return rows


# ------------------------------------------------------------------ online application
def _money(value: Any, label: str) -> str:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise ValidationError(f"{label}应为数字") from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("1000000"):
        raise ValidationError(f"{label}应为0至1000000之间的金额")
    return str(amount.quantize(Decimal("0.01")))


def _keyed(key: str, e: ValidationError) -> ValidationError:
    return ValidationError({key: e.messages})


def _duplicate(*, offer: OnlineOffer, household: Household, person: Person) -> str:
    """The application of the same household and programme still waiting (online, or at the desk of its
    line), named with its date and status; "" when there is none."""
    pending = (
        OnlineApplication.objects.filter(
            household=household, programme=offer.programme, state=OnlineState.PENDING
        )
        .order_by("-created_at")
        .first()
    )
    if pending is not None:
        return (
            f"您家已于{timezone.localtime(pending.created_at):%Y-%m-%d}在网上提交"
            f"{pending.get_programme_display()}申请（{pending.get_state_display()}），请勿重复申请"
        )
    open_case = load(offer.open_case) if isinstance(offer.open_case, str) else offer.open_case
    existing = open_case(household=household, person=person) if open_case else ""
    return f"您家已有{existing}，正在办理中，请勿重复申请" if existing else ""


def _declared_members(household: Household, members: list[dict[str, Any]], citizen: Citizen) -> list[Any]:
    current = {
        m.person_id: m.person
        for m in Membership.objects.filter(household=household, end_date__isnull=True).select_related(
            "person"
        )
    }
    if not members:
        raise ValidationError({"member": "请至少申报一名家庭成员"})
    rows, seen = [], set()
    for m in members:
        pid = m.get("person_id")
        if pid not in current or pid in seen:
            raise ValidationError({"member": "申报的成员不是您家现有成员"})
        if not current[pid].is_alive:
            raise ValidationError({"member": f"{current[pid].name}已死亡，不能作为申报成员"})
        seen.add(pid)
        row: dict[str, Any] = {"person_id": pid, "employed": bool(m.get("employed"))}
        for f in MONEY_FIELDS:
            try:
                row[f] = _money(m.get(f), f"{current[pid].name}的收入")
            except ValidationError as e:
                raise _keyed(f"{f}_{pid}", e) from None
        rows.append(row)
    if citizen.person_id not in seen:
        raise ValidationError({"member": "申报成员须包括申请人本人"})
    return rows


@transaction.atomic
def online_application_create(
    *,
    citizen: Citizen,
    programme: str,
    members: list[dict[str, Any]] | None = None,
    financial: Any = 0,
    fields: dict[str, str] | None = None,
    signed_name: str,
    authorised: bool,
    emergency_kind: str = "",
    description: str = "",
    amount_requested: int | None = None,
    documents: list[tuple[str, UploadedFile]] | None = None,
    ip: str = "",
) -> OnlineApplication:
    """A resident's online application. Bad input is a ValidationError keyed by the form field at fault
    (the page shows it under the field, the input kept). The household row is locked first, so two
    submissions at once make one application; a second one while the first (or a case of the same
    programme at the line's desk) is still in progress is refused, naming it. A programme whose line
    asks other facts (`offer.form`) has them checked by the line's own rule and kept as
    `declared["facts"]`; the others declare the members' income and the assets."""
    offer = online_offer(programme)
    membership = _own_membership(citizen)
    person = membership.person
    household = Household.objects.select_for_update().get(pk=membership.household_id)
    declared: dict[str, Any]
    if offer.form:
        check = load(offer.check) if isinstance(offer.check, str) else offer.check
        if check is None:  # a line's form without its check is not offered
            raise ValidationError("该项目不接受网上申请")
        declared = {"facts": check(person=person, fields=fields or {})}
    else:
        rows = _declared_members(household, members or [], citizen)
        try:
            assets = _money(financial, "金融资产")
        except ValidationError as e:
            raise _keyed("financial", e) from None
        declared = {
            "members": rows,
            "assets": {"financial": assets, "vehicles": [], "residential_properties": 0},
        }
    if offer.emergency:
        if emergency_kind not in EMERGENCY_KINDS:
            raise ValidationError({"emergency_kind": "请选择临时救助类型：急难型或支出型"})
        if not description.strip():
            raise ValidationError({"description": "请说明遇到的困难情况"})
        if amount_requested is None or amount_requested <= 0:
            raise ValidationError({"amount_requested": "请填写申请金额（元），应大于0"})
    if not authorised:
        raise ValidationError({"authorised": "请阅读核对授权书并勾选同意"})
    if (signed_name or "").strip() != person.name:
        raise ValidationError({"signed_name": "授权书签名须与您登记的姓名一致"})
    documents = documents or []
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationError({"documents": f"材料最多上传{MAX_DOCUMENTS}个文件"})
    kinds = dict(OnlineDocument.KINDS)
    checked = []
    for kind, upload in documents:  # every file checked before anything is stored
        if kind not in kinds:
            raise ValidationError({"documents": "材料类型不正确"})
        try:  # the desk's rule: type by content, ≤ 10 MB
            checked.append((kind, upload, checked_file(upload)))
        except ValidationError as e:
            raise _keyed("documents", e) from None
    if duplicate := _duplicate(offer=offer, household=household, person=person):
        raise ValidationError(duplicate)
    try:
        with transaction.atomic():  # the partial unique index: the last word if the lock did not hold
            online = OnlineApplication.objects.create(
                programme=programme,
                household=household,
                applicant=person,
                region_code=household.region_code,
                declared=declared,
                emergency_kind=emergency_kind if offer.emergency else "",
                description=description.strip()[:2000],
                amount_requested=amount_requested if offer.emergency else None,
                signed_name=person.name,
                signed_at=timezone.now(),
                signed_ip=ip[:64],
                authorised=True,
            )
    except IntegrityError:
        raise ValidationError("您家已有同一项目的网上申请等待受理，请勿重复申请") from None
    for kind, upload, ext in checked:
        original = redact(upload.name or "")[:200]
        upload.name = f"{kind}{ext}"
        OnlineDocument.objects.create(online=online, kind=kind, file=upload, original_name=original)
    audit_record(
        actor=citizen,
        event_type=AuditEvent.CREATE,
        target_type="citizen.online_application",
        target_id=online.pk,
        region_code=online.region_code,
        new={"programme": programme, "documents": len(documents), "authorisation_signed": True},
        ip=ip,
    )
    return online


def _pending(online: OnlineApplication) -> OnlineApplication:
    online = OnlineApplication.objects.select_for_update().get(pk=online.pk)
    if online.state != OnlineState.PENDING:
        raise ValidationError("该网上申请已处理")
    return online


@transaction.atomic
def online_application_accept(*, actor: Any, online: OnlineApplication) -> OnlineApplication:
    """The clerk accepts the online application into a normal case of its programme."""
    offer = online_offer(online.programme)
    require(actor, offer.permission, region_code=online.region_code, target=f"online_application:{online.pk}")
    online = _pending(online)
    accept = load(offer.accept) if isinstance(offer.accept, str) else offer.accept
    case = accept(actor=actor, online=online)
    online.state = OnlineState.ACCEPTED
    online.handled_by = actor
    online.handled_at = timezone.now()
    online.case_type = case._meta.label_lower
    online.case_id = case.pk
    online.save(update_fields=["state", "handled_by", "handled_at", "case_type", "case_id"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="citizen.online_application",
        target_id=online.pk,
        region_code=online.region_code,
        old={"state": OnlineState.PENDING},
        new={"state": OnlineState.ACCEPTED, "case": f"{online.case_type}:{online.case_id}"},
    )
    return online


@transaction.atomic
def online_application_return(*, actor: Any, online: OnlineApplication, reason: str) -> OnlineApplication:
    """The clerk returns it with a reason the resident reads (材料不全、不属于本项目 …)."""
    offer = online_offer(online.programme)
    require(actor, offer.permission, region_code=online.region_code, target=f"online_application:{online.pk}")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError("请填写退回理由，申请人将看到该理由")
    online = _pending(online)
    online.state = OnlineState.RETURNED
    online.return_reason = reason[:1000]
    online.handled_by = actor
    online.handled_at = timezone.now()
    online.save(update_fields=["state", "return_reason", "handled_by", "handled_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="citizen.online_application",
        target_id=online.pk,
        region_code=online.region_code,
        old={"state": OnlineState.PENDING},
        new={"state": OnlineState.RETURNED, "reason": online.return_reason},
    )
    return online


def document_open(*, actor: Any, document: OnlineDocument, permission: str) -> Any:
    """Open an uploaded file for the clerk (the caller scoped the online application); audited."""
    require(
        actor, permission, region_code=document.online.region_code, target=f"online_document:{document.pk}"
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.REVEAL,
        target_type="citizen.online_document",
        target_id=document.pk,
        region_code=document.online.region_code,
        new={"kind": document.kind},
    )
    return document.file.open("rb")


# ------------------------------------------------------------------ 公示 objections
@transaction.atomic
def online_objection_create(
    *, citizen: Citizen, notice_id: int, content: str, ip: str = ""
) -> OnlineObjection:
    """A resident objects online to a case in 公示: it reaches the township's to-do."""
    from .selectors import notice_open

    notice = notice_open(notice_id=notice_id, on=timezone.localdate())
    content = (content or "").strip()
    if len(content) < 5:
        raise ValidationError("请写明异议的事实和理由（至少5个字）")
    if len(content) > 1000:
        raise ValidationError("异议内容不超过1000字")
    if OnlineObjection.objects.filter(
        notice=notice, person_id=citizen.person_id, recorded_at__isnull=True
    ).exists():
        raise ValidationError("您对该公示的异议已提交，正在等待处理")
    objection = OnlineObjection.objects.create(
        notice=notice,
        person_id=citizen.person_id,
        region_code=notice.application.region_code,
        content=content,
    )
    audit_record(
        actor=citizen,
        event_type=AuditEvent.CREATE,
        target_type="citizen.objection",
        target_id=objection.pk,
        region_code=objection.region_code,
        ip=ip,
    )
    return objection


@transaction.atomic
def online_objection_record(*, actor: Any, objection: OnlineObjection) -> OnlineObjection:
    """The clerk records the online objection on the case, where it is investigated like any other."""
    from minzheng.assistance.services import application_record_objection

    objection = (
        OnlineObjection.objects.select_for_update()
        .select_related("notice__application", "person")
        .get(pk=objection.pk)
    )
    require(
        actor,
        "assistance.intake",
        region_code=objection.region_code,
        target=f"online_objection:{objection.pk}",
    )
    if objection.recorded_at is not None:
        raise ValidationError("该异议已登记")
    recorded = application_record_objection(
        actor=actor,
        application=objection.notice.application,
        received_on=timezone.localtime(objection.created_at).date(),
        content=objection.content,
        objector=f"{objection.person.name}（网上提交）",
    )
    objection.objection = recorded
    objection.recorded_by = actor
    objection.recorded_at = timezone.now()
    objection.save(update_fields=["objection", "recorded_by", "recorded_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.UPDATE,
        target_type="citizen.objection",
        target_id=objection.pk,
        region_code=objection.region_code,
        new={"objection": recorded.pk},
    )
    return objection


# ------------------------------------------------------------------ the assistance offers' acceptance
def assistance_open_case(*, household: Household, person: Person, programme: str) -> str:
    """The household's case of the programme at the one-window desk still in progress (not yet 保障中 or
    办结), named with its date and state; else ""."""
    from minzheng.assistance.models import Application, State

    app = (
        Application.objects.filter(household=household, programme=programme)
        .exclude(state__in=(State.ACTIVE, State.CLOSED))
        .order_by("-created_at")
        .first()
    )
    if app is None:
        return ""
    return (
        f"{timezone.localtime(app.created_at):%Y-%m-%d}登记的{app.get_programme_display()}申请"
        f"（{app.get_state_display()}）"
    )


def dibao_open_case(*, household: Household, person: Person) -> str:
    return assistance_open_case(household=household, person=person, programme="dibao")


def temporary_open_case(*, household: Household, person: Person) -> str:
    return assistance_open_case(household=household, person=person, programme="temporary")


def assistance_accept(*, actor: Any, online: OnlineApplication) -> Any:
    """An online dibao or temporary-assistance application as a case at the one-window desk: created,
    the signed authorisation registered, the documents attached, and submitted (已受理)."""
    from minzheng.assistance import services as assistance

    app = assistance.application_create(
        actor=actor,
        programme=online.programme,
        household=online.household,
        applicant=online.applicant,
        declared=online.declared,
        amount_requested=online.amount_requested,
        emergency_kind=online.emergency_kind,
        emergency_description=online.description,
    )
    app = assistance.application_sign_authorisation(
        actor=actor, application=app, signed_on=timezone.localtime(online.signed_at).date()
    )
    for doc in online.documents.all():
        with doc.file.open("rb") as f:
            content = f.read()
        upload = SimpleUploadedFile(PurePath(doc.file.name).name, content)
        assistance.application_add_document(actor=actor, application=app, kind=doc.kind, upload=upload)
    return assistance.application_submit(actor=actor, application=app)
