"""Online applications: the form (members from the registry, the signed authorisation, uploads), the
clerk's acceptance into a normal case or return with a reason, the citizen's own cases only (404
otherwise, every access audited), the public 公示 list masked, and an objection reaching the to-do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from minzheng.assistance import services as assistance
from minzheng.assistance.models import Application, Objection, PublicNotice, State
from minzheng.audit.models import AuditEvent, AuditLog
from minzheng.citizen import selectors
from minzheng.citizen.models import OnlineApplication, OnlineObjection, OnlineState
from tests.citizen.conftest import PDF, staff_client
from tests.conftest import verified


def _form(resident, **extra):
    head, child = resident["head"], resident["child"]
    form = {
        "member": [str(head.pk), str(child.pk)],
        f"monthly_wage_{head.pk}": "300",
        f"monthly_pension_{head.pk}": "0",
        f"other_income_{head.pk}": "0",
        "financial": "0",
        "authorised": "on",
        "signed_name": head.name,
    }
    form.update(extra)
    return form


def _apply(client, resident, **extra):
    form = _form(resident, **extra)
    form["file1"] = SimpleUploadedFile("收入证明.pdf", PDF, content_type="application/pdf")
    form["kind_file1"] = "income_proof"
    return client.post("/citizen/apply/dibao/", form)


def test_a_resident_applies_online_with_the_signed_authorisation_and_a_document(citizen_client, resident):
    r = _apply(citizen_client, resident)
    assert r.status_code == 302, r.content.decode()[:500]
    online = OnlineApplication.objects.get()
    assert online.state == OnlineState.PENDING and online.signed_name == "王秀英" and online.authorised
    assert online.signed_at is not None and online.documents.count() == 1
    assert [m["person_id"] for m in online.declared["members"]] == [resident["head"].pk, resident["child"].pk]
    assert AuditLog.objects.filter(
        target_type="citizen.online_application", event_type=AuditEvent.CREATE
    ).exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"authorised": ""}, "勾选同意"),
        ({"signed_name": "别人"}, "签名须与您登记的姓名一致"),
        ({"member": ["999999"]}, "不是您家现有成员"),
        ({"financial": "abc"}, "应为数字"),
    ],
)
def test_bad_input_is_a_chinese_message_and_nothing_is_stored(citizen_client, resident, extra, message):
    r = _apply(citizen_client, resident, **extra)
    assert r.status_code == 200 and message in r.content.decode()
    assert not OnlineApplication.objects.exists()


def test_a_renamed_file_is_refused(citizen_client, resident):
    form = _form(resident)
    form["file1"] = SimpleUploadedFile("a.pdf", b"not a pdf at all", content_type="application/pdf")
    r = citizen_client.post("/citizen/apply/dibao/", form)
    assert r.status_code == 200 and "只能上传" in r.content.decode()
    assert not OnlineApplication.objects.exists()


def test_temporary_assistance_asks_for_the_emergency(citizen_client, resident):
    r = citizen_client.post("/citizen/apply/temporary/", _form(resident))
    assert "临时救助类型" in r.content.decode() and not OnlineApplication.objects.exists()


def test_a_programme_not_offered_online_is_404(citizen_client):
    assert citizen_client.get("/citizen/apply/tekun/").status_code == 404


def test_the_clerk_accepts_it_into_a_submitted_case_the_citizen_follows(citizen_client, resident, staff):
    _apply(citizen_client, resident)
    online = OnlineApplication.objects.get()
    todo = selectors.online_todo(staff["clerk"], timezone.localdate())
    assert todo.count == 1
    assert selectors.online_todo(staff["other_clerk"], timezone.localdate()).count == 0
    r = staff_client(staff["clerk"]).post(f"/citizen/desk/{online.pk}/", {"action": "accept"})
    assert r.status_code == 302
    online.refresh_from_db()
    app = Application.objects.get()
    assert online.state == OnlineState.ACCEPTED and online.case_id == app.pk
    assert app.state == State.SUBMITTED and app.authorisation_signed_on is not None
    assert app.documents.count() == 1
    page = citizen_client.get(f"/citizen/case/{app.pk}/")
    assert page.status_code == 200 and "已受理" in page.content.decode()
    assert AuditLog.objects.filter(target_type="citizen.case", event_type=AuditEvent.REVEAL).count() == 1


def test_a_returned_application_shows_the_reason_to_the_citizen(citizen_client, resident, staff):
    _apply(citizen_client, resident)
    online = OnlineApplication.objects.get()
    c = staff_client(staff["clerk"])
    r = c.post(f"/citizen/desk/{online.pk}/", {"action": "return", "reason": ""})
    assert "请填写退回理由" in r.content.decode()
    c.post(f"/citizen/desk/{online.pk}/", {"action": "return", "reason": "请补充收入证明原件"})
    assert "请补充收入证明原件" in citizen_client.get("/citizen/me/").content.decode()


def test_a_clerk_of_another_township_cannot_see_or_accept_it(citizen_client, resident, staff):
    _apply(citizen_client, resident)
    online = OnlineApplication.objects.get()
    assert (
        staff_client(staff["other_clerk"])
        .post(f"/citizen/desk/{online.pk}/", {"action": "accept"})
        .status_code
        == 404
    )
    assert OnlineApplication.objects.get().state == OnlineState.PENDING


def test_a_citizen_sees_only_their_own_households_cases(citizen_client, neighbour, staff):
    other = assistance.application_create(
        actor=staff["clerk"],
        programme="dibao",
        household=neighbour["household"],
        applicant=neighbour["head"],
        declared={"members": [{"person_id": neighbour["head"].pk}], "assets": {}},
    )
    assert citizen_client.get(f"/citizen/case/{other.pk}/").status_code == 404
    assert citizen_client.get(f"/citizen/case/{other.pk}/letter/1.pdf").status_code == 404


def _in_notice(neighbour, staff):
    app = assistance.application_create(
        actor=staff["clerk"],
        programme="dibao",
        household=neighbour["household"],
        applicant=neighbour["head"],
        declared={
            "members": [{"person_id": neighbour["head"].pk, "monthly_wage": 0}],
            "assets": {"financial": 0, "vehicles": [], "residential_properties": 1},
        },
    )
    today = timezone.localdate()
    assistance.application_sign_authorisation(actor=staff["clerk"], application=app, signed_on=today)
    assistance.application_submit(actor=staff["clerk"], application=app)
    assistance.application_start_verification(actor=staff["verifier"], application=app)
    assistance.application_record_home_visit(
        actor=staff["verifier"], application=app, visited_on=today, visitors="王、李", findings="属实"
    )
    verified(app, staff["verifier"])
    assistance.application_to_village_review(actor=staff["verifier"], application=app)
    assistance.application_record_village_review(
        actor=staff["recorder"], application=app, held_on=today, participants=9, agreed=9
    )
    app.refresh_from_db()
    assert app.state == State.PUBLIC_NOTICE
    return app


def test_the_public_notice_list_needs_no_sign_in_and_masks_names_and_ids(
    neighbour, staff, django_assert_max_num_queries
):
    _in_notice(neighbour, staff)
    with django_assert_max_num_queries(6):
        r = Client().get("/citizen/notices/")
    text = r.content.decode()
    assert r.status_code == 200 and "赵**" in text and "赵大海" not in text
    assert neighbour["id_number"] not in text and neighbour["id_number"][-4:] in text


def test_an_objection_raised_online_reaches_the_township_and_is_recorded_on_the_case(
    citizen_client, neighbour, staff
):
    app = _in_notice(neighbour, staff)
    notice = PublicNotice.objects.get(application=app)
    r = citizen_client.post(f"/citizen/notices/{notice.pk}/objection/", {"content": "短"})
    assert "至少5个字" in r.content.decode() and not OnlineObjection.objects.exists()
    citizen_client.post(
        f"/citizen/notices/{notice.pk}/objection/", {"content": "该户家中有营运车辆，收入不实"}
    )
    objection = OnlineObjection.objects.get()
    assert selectors.online_todo(staff["clerk"], timezone.localdate()).count == 1
    r = staff_client(staff["clerk"]).post(f"/citizen/desk/objections/{objection.pk}/")
    assert r.status_code == 302
    recorded = Objection.objects.get()
    assert recorded.notice == notice and "营运车辆" in recorded.content
    assert selectors.online_todo(staff["clerk"], timezone.localdate()).count == 0


def test_an_objection_without_sign_in_leads_to_the_sign_in(neighbour, staff):
    app = _in_notice(neighbour, staff)
    notice = PublicNotice.objects.get(application=app)
    r = Client().post(f"/citizen/notices/{notice.pk}/objection/", {"content": "该户家中有营运车辆"})
    assert r["Location"] == "/citizen/" and not OnlineObjection.objects.exists()


def test_a_duplicate_pending_application_is_refused(citizen_client, resident):
    _apply(citizen_client, resident)
    r = _apply(citizen_client, resident)
    assert "请勿重复申请" in r.content.decode()
    assert OnlineApplication.objects.count() == 1


def test_the_citizen_is_no_staff_actor(resident):
    from minzheng.accounts.permissions import can
    from minzheng.citizen.actor import Citizen

    citizen = Citizen(person_id=resident["head"].pk, name="王秀英")
    assert not can(citizen, "assistance.intake") and not can(citizen, "assistance.read")


def _decided(neighbour, staff):
    app = _in_notice(neighbour, staff)
    notice = PublicNotice.objects.get(application=app)
    decision = assistance.application_decide(
        actor=staff["approver"],
        application=app,
        outcome="refuse",
        reasons="家庭收入高于本地低保标准",
        on=notice.end_date + dt.timedelta(days=1),
    )
    return app, decision


def test_a_second_resident_gets_404_on_the_first_residents_case_and_letter_and_the_refusal_is_audited(
    citizen_client, neighbour, staff
):
    from tests.citizen.conftest import sign_in

    app, decision = _decided(neighbour, staff)
    owner = Client()
    sign_in(owner, neighbour["id_number"])
    assert owner.get(f"/citizen/case/{app.pk}/").status_code == 200
    letter = owner.get(f"/citizen/case/{app.pk}/letter/{decision.pk}.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    assert AuditLog.objects.filter(event_type=AuditEvent.REVEAL, target_type="citizen.case").count() == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.EXPORT, target_type="citizen.letter").count() == 1

    # the resident of the first fixture is a neighbour in the same village: not their household
    assert citizen_client.get(f"/citizen/case/{app.pk}/").status_code == 404
    assert citizen_client.get(f"/citizen/case/{app.pk}/letter/{decision.pk}.pdf").status_code == 404
    denied = AuditLog.objects.filter(event_type=AuditEvent.DENIED, target_type__startswith="citizen.")
    assert sorted(denied.values_list("target_type", flat=True)) == ["citizen.case", "citizen.letter"]
    assert AuditLog.objects.filter(event_type=AuditEvent.REVEAL, target_type="citizen.case").count() == 1


def test_a_letter_of_another_case_under_the_residents_own_case_is_404(
    citizen_client, resident, neighbour, staff
):
    _other, decision = _decided(neighbour, staff)
    _apply(citizen_client, resident)
    own = assistance_accept_online(staff)
    r = citizen_client.get(f"/citizen/case/{own.pk}/letter/{decision.pk}.pdf")
    assert r.status_code == 404
    assert AuditLog.objects.filter(event_type=AuditEvent.DENIED, target_type="citizen.letter").count() == 1


def assistance_accept_online(staff):
    from minzheng.citizen import services

    online = services.online_application_accept(actor=staff["clerk"], online=OnlineApplication.objects.get())
    return Application.objects.get(pk=online.case_id)


def test_the_residents_list_of_cases_is_an_audited_access(citizen_client, resident):
    r = citizen_client.get("/citizen/me/")
    assert r.status_code == 200
    row = AuditLog.objects.get(event_type=AuditEvent.REVEAL, target_type="citizen.cases")
    assert row.target_id == str(resident["head"].pk)
