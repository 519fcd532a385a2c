"""Browser run of 指尖办 at 390 px: a resident signs in with the ID number and the SMS code (read from the
local outbox), applies for dibao with the electronic authorisation and a document; the township clerk
accepts it at the desk; the resident follows the case to its decision letter and, during another
household's 公示, raises an objection that reaches the township."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import login, staff

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _head(name: str, seq: int, phone: str, number: str) -> Any:
    from minzheng.accounts.system import system_actor
    from minzheng.core.idnumber import make_id_number
    from minzheng.people.services import household_create, person_create

    actor = system_actor(purpose="测试数据")
    head = person_create(
        actor=actor,
        id_number=make_id_number("370811", dt.date(1976, 2, 3), seq, "F"),
        name=name,
        hukou_type="urban",
        hukou_region_code="370811001001",
        phone=phone,
    )
    household = household_create(
        actor=actor,
        number=number,
        region_code="370811001001",
        hukou_type="urban",
        head=head,
        start_date=dt.date(2010, 1, 1),
    )
    return head, household


def _sign_in(page: Any, base: str, id_number: str) -> None:
    from minzheng.citizen.models import SmsMessage

    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/citizen/")
    page.fill("input[name=id_number]", id_number)
    page.click("button[value=send]")
    page.wait_for_selector(".messages")
    text = SmsMessage.objects.order_by("-id").values_list("text", flat=True).first() or ""
    code = re.search(r"验证码为(\d{6})", text).group(1)  # type: ignore[union-attr]
    page.fill("input[name=id_number]", id_number)
    page.fill("input[name=code]", code)
    page.click("button[value=verify]")
    page.wait_for_url(f"{base}/citizen/me/")
    # on the phone the resident can always sign out and find 公示 (the staff bar folds behind 菜单)
    assert page.locator("nav.citizen-nav button", has_text="退出").is_visible()
    assert page.locator("nav.citizen-nav a", has_text="公示").is_visible()
    # white on the blue bar (not blue on blue), and each a 44 px touch target at 390 px
    looks = page.eval_on_selector_all(
        "nav.citizen-nav a, nav.citizen-nav button",
        "els => els.map(e => [getComputedStyle(e).color, e.getBoundingClientRect().height])",
    )
    assert all(color == "rgb(255, 255, 255)" and height >= 44 for color, height in looks), looks


def _to_notice(app: Any, users: dict[str, Any]) -> Any:
    """The case through 核对, the home visit and the village review into 公示 (the desk's own steps,
    tested in tests/assistance)."""
    from django.utils import timezone

    from minzheng.assistance import services as assistance
    from minzheng.assistance.models import PublicNotice, State
    from tests.conftest import verified

    today = timezone.localdate()
    if app.state == State.DRAFT:
        assistance.application_sign_authorisation(actor=users["clerk"], application=app, signed_on=today)
        app = assistance.application_submit(actor=users["clerk"], application=app)
    assistance.application_start_verification(actor=users["verifier"], application=app)
    assistance.application_record_home_visit(
        actor=users["verifier"], application=app, visited_on=today, visitors="王、李", findings="属实"
    )
    verified(app, users["verifier"])
    assistance.application_to_village_review(actor=users["verifier"], application=app)
    assistance.application_record_village_review(
        actor=users["recorder"], application=app, held_on=today, participants=9, agreed=9
    )
    app.refresh_from_db()
    assert app.state == State.PUBLIC_NOTICE
    return PublicNotice.objects.get(application=app)


def _narrow(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_resident_on_a_phone_applies_follows_the_case_to_its_letter_and_objects_during_a_notice(
    clerk: Any, live_server: Any, browser_page: Any, tmp_path: Path
):
    from minzheng.assistance import services as assistance
    from minzheng.assistance.models import Application
    from minzheng.citizen.models import OnlineApplication, OnlineDocument, OnlineObjection

    users = {
        "clerk": clerk,
        "verifier": staff("verifier", "township_clerk", "370811001"),
        "recorder": staff("recorder", "township_clerk", "370811001"),
        "approver": staff("approver", "township_approver", "370811001"),
    }
    head, _household = _head("周玉梅", 77, "13911112222", "ZJB0001")
    page, base = browser_page, live_server.url

    # the resident applies on the phone: signature of the authorisation and a document from the camera roll
    _sign_in(page, base, head.id_number)
    page.click("text=申请最低生活保障")
    page.select_option("select[name=kind_file1]", "income_proof")
    page.set_input_files(
        "input[name=file1]", files=[{"name": "收入证明.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.check("input[name=authorised]")
    page.fill("input[name=signed_name]", "周玉梅")
    _narrow(page)
    page.click("text=提交申请")
    page.wait_for_url(f"{base}/citizen/me/")
    assert "待受理" in page.content()
    _narrow(page)
    online = OnlineApplication.objects.get()
    assert online.authorised and online.signed_name == "周玉梅"
    assert OnlineDocument.objects.get(online=online).kind == "income_proof"

    # the township clerk accepts it at the desk's online to-do
    login(page, base, "clerk")
    page.set_viewport_size(DESK)
    page.goto(f"{base}/citizen/desk/")
    page.click("text=周玉梅")
    page.click("button[value=accept]")
    page.wait_for_selector(".messages")
    assert "已受理" in page.content()
    online.refresh_from_db()
    case = Application.objects.get(pk=online.case_id)
    assert case.documents.count() == 1

    # the case goes its way at the desk, to a decision after the 公示
    notice = _to_notice(case, users)
    assistance.application_decide(
        actor=users["approver"],
        application=case,
        outcome="refuse",
        reasons="家庭人均收入高于本地低保标准",
        on=notice.end_date + dt.timedelta(days=1),
    )

    # the resident follows the case on the phone and downloads the letter
    _sign_in(page, base, head.id_number)
    page.click(".case-row a")
    page.wait_for_selector("ol.steps")
    assert "公示" in page.content() and "告知书" in page.content()
    _narrow(page)
    with page.expect_download() as download:
        page.click("a[href*='/letter/']")
    saved = tmp_path / "letter.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # another household of the village is in 公示: the resident objects online, masked names only
    neighbour, household = _head("赵大海", 78, "13700001111", "ZJB0002")
    other = assistance.application_create(
        actor=clerk,
        programme="dibao",
        household=household,
        applicant=neighbour,
        declared={
            "members": [{"person_id": neighbour.pk, "monthly_wage": 0}],
            "assets": {"financial": 0, "vehicles": [], "residential_properties": 1},
        },
    )
    _to_notice(other, users)
    page.goto(f"{base}/citizen/notices/")
    assert "赵**" in page.content() and "赵大海" not in page.content()
    _narrow(page)
    page.click("text=提出异议")
    page.fill("textarea[name=content]", "该户家中有营运车辆，收入不实")
    page.click("text=提交异议")
    page.wait_for_url(f"{base}/citizen/notices/")
    assert "异议已提交" in page.content()
    objection = OnlineObjection.objects.get()
    assert objection.person_id == head.pk and objection.notice.application_id == other.pk

    # and the township sees it in its online to-do
    login(page, base, "clerk")
    page.goto(f"{base}/citizen/desk/")
    assert "赵大海" in page.content()


def test_on_a_phone_a_refused_form_keeps_the_input_a_duplicate_is_named_and_the_disability_subsidies_apply(
    clerk: Any, live_server: Any, browser_page: Any
):
    """The walk's findings at 390 px: a bad amount keeps everything typed with the message under the
    field; a second 低保 application while the first waits is refused naming it; the two disability
    subsidies are applied for with the certificate and followed like the others."""
    from minzheng.citizen.models import OnlineApplication
    from minzheng.disability.models import SubsidyApplication

    head, _household = _head("孙桂兰", 79, "13911113333", "ZJB0003")
    page, base = browser_page, live_server.url
    _sign_in(page, base, head.id_number)

    # 临时救助 with an amount in words: refused, the form comes back as filled in
    page.click("text=申请临时救助")
    page.select_option("select[name=emergency_kind]", "expense")
    page.fill("textarea[name=description]", "住院自付医疗费两万元")
    page.fill("input[name=amount_requested]", "两万")
    page.check("input[name=authorised]")
    page.fill("input[name=signed_name]", "孙桂兰")
    page.click("text=提交申请")
    error = page.locator("p.field-error", has_text="申请金额应为整数")
    error.wait_for()
    assert error.is_visible()
    assert page.input_value("textarea[name=description]") == "住院自付医疗费两万元"
    assert page.input_value("select[name=emergency_kind]") == "expense"
    assert page.input_value("input[name=signed_name]") == "孙桂兰"
    _narrow(page)
    page.fill("input[name=amount_requested]", "20000")
    page.click("text=提交申请")
    page.wait_for_url(f"{base}/citizen/me/")

    # 低保 twice: the second is refused and names the first
    for _n in range(2):
        page.goto(f"{base}/citizen/me/")
        page.click("text=申请最低生活保障")
        page.check("input[name=authorised]")
        page.fill("input[name=signed_name]", "孙桂兰")
        page.click("text=提交申请")
        page.wait_for_selector(".messages")
    assert "在网上提交最低生活保障申请（待受理），请勿重复申请" in page.content()
    assert OnlineApplication.objects.filter(programme="dibao").count() == 1
    _narrow(page)

    # 残疾人两项补贴: the certificate the line asks for, then followed on the home page
    page.goto(f"{base}/citizen/me/")
    page.click("text=申请残疾人两项补贴")
    page.fill("input[name=certificate_no]", head.id_number + "14")
    page.select_option("select[name=kind]", "physical")
    page.select_option("select[name=grade]", "1")
    page.fill("input[name=issued_on]", "2015-03-01")
    page.check("input[name=authorised]")
    page.fill("input[name=signed_name]", "孙桂兰")
    _narrow(page)
    page.click("text=提交申请")
    page.wait_for_url(f"{base}/citizen/me/")
    online = OnlineApplication.objects.get(programme="dis_living")
    assert online.declared["facts"]["kind"] == "physical"
    row = page.locator(".case-row", has_text="残疾人两项补贴")
    assert "待受理" in row.inner_text()

    # the clerk accepts it into the disability line's intake; the resident sees 待审批
    login(page, base, "clerk")
    page.set_viewport_size(DESK)
    page.goto(f"{base}/citizen/desk/{online.pk}/")
    assert "肢体残疾" in page.content() and "一级" in page.content()
    page.click("button[value=accept]")
    page.wait_for_selector(".messages")
    assert SubsidyApplication.objects.get().person_id == head.pk
    _sign_in(page, base, head.id_number)
    assert "待审批" in page.locator(".case-row", has_text="残疾人两项补贴").inner_text()
    _narrow(page)
