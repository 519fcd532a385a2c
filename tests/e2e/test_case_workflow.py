"""The case workflow in a real browser (issues 11 and 12): a 特困 case from intake to the letter, each step by
a different officer; a 公示 objection raised and resolved; a periodic review that stops a benefit, the
escalation and the county's reversal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import verified
from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e


def _age(app_id: int) -> None:
    """The 7-day 公示 runs on the server's clock; a test cannot wait a week, so the notice is moved back."""
    from minzheng.assistance.models import Application
    from tests.assistance.conftest import age_notice

    age_notice(Application.objects.get(pk=app_id))


def _officers() -> dict[str, Any]:
    return {
        "verifier": staff("verifier", "township_clerk", "370811001"),
        "recorder": staff("recorder", "township_clerk", "370811001"),
        "approver": staff("approver", "township_approver", "370811001"),
        "county": staff("county", "county_officer", "370811"),
    }


def _app_id(url: str) -> int:
    return int(url.rstrip("/").rsplit("/", 1)[-1])


def test_a_tekun_case_goes_from_intake_to_the_decision_letter_step_by_step(
    clerk: Any, snapshot: None, live_server: Any, browser_page: Any
) -> None:
    _officers()
    hh, _ = family("E2E0101", [("孙秀兰", "head", dt.date(1950, 3, 4), "F", "41")])
    head = hh.memberships.get(relation="head").person
    base, page = live_server.url, browser_page

    login(page, base, "clerk")
    page.goto(f"{base}/households/{hh.pk}/")
    page.click("#apply")
    page.select_option("#programme", "tekun")
    page.uncheck(f"input[name=has_supporter_{head.pk}]")  # 无赡养人: the box unticked must mean "no"
    page.select_option("select[name=care_mode]", "dispersed")
    page.click("#create-application")
    page.wait_for_selector("#do-authorise")
    assert "符合条件" in page.inner_text("#trial")
    page.click("#do-authorise")
    page.click("#do-submit")
    assert "已受理" in page.inner_text("#state")
    app_url = page.url
    assert page.locator("#do-verify").count() == 0  # the clerk who took the case does not verify it

    login(page, base, "verifier")
    page.goto(app_url)
    page.click("#do-verify")
    page.fill("input[name=visitors]", "张明、李华")
    page.fill("textarea[name=findings]", "独居，无子女，与申报一致")
    page.click("#do-visit")
    page.click("#do-check")
    page.goto(app_url)
    page.click("#do-to-review")
    assert "民主评议" in page.inner_text("#state")

    login(page, base, "recorder")
    page.goto(app_url)
    page.fill("input[name=participants]", "9")
    page.fill("input[name=agreed]", "8")
    page.click("#do-village-review")
    assert "公示中" in page.inner_text("#state")
    history = page.inner_text("#history")
    assert "草稿" in history and "已受理" in history and "核对中" in history and "draft" not in history

    login(page, base, "approver")
    page.goto(app_url)
    page.click("#do-decide")
    assert "公示期满后才能审批" in page.content()  # the 7 days run on the server's clock
    _age(_app_id(app_url))
    page.goto(app_url)
    assert "参加9人，同意8人" in page.inner_text("#evidence")
    page.check("#outcome-grant")
    page.click("#do-decide")
    page.wait_for_selector("#decision")
    assert "保障中" in page.inner_text("#state")
    letter = page.context.request.get(base + page.get_attribute("#letter", "href"))
    assert letter.ok and letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")


def test_a_public_notice_objection_is_raised_investigated_and_resolved(
    clerk: Any, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.assistance import services as svc

    officers = _officers()
    hh, _ = family(
        "E2E0102",
        [
            ("吴建国", "head", dt.date(1970, 1, 2), "M", "51"),
            ("郑丽", "spouse", dt.date(1972, 5, 6), "F", "52"),
        ],
    )
    head = hh.memberships.get(relation="head").person
    today = timezone.localdate()
    app = svc.application_create(
        actor=clerk,
        programme="dibao",
        household=hh,
        applicant=head,
        declared={"members": [{"person_id": m.person_id} for m in hh.memberships.all()]},
    )
    svc.application_sign_authorisation(actor=clerk, application=app, signed_on=today)
    svc.application_submit(actor=clerk, application=app)
    svc.application_start_verification(actor=officers["verifier"], application=app)
    svc.application_record_home_visit(
        actor=officers["verifier"], application=app, visited_on=today, visitors="张", findings="属实"
    )
    verified(app, officers["verifier"])
    svc.application_to_village_review(actor=officers["verifier"], application=app)
    svc.application_record_village_review(
        actor=officers["recorder"], application=app, held_on=today, participants=7, agreed=7
    )
    _age(app.pk)
    base, page = live_server.url, browser_page
    app_url = f"{base}/assistance/{app.pk}/"

    login(page, base, "clerk")
    page.goto(app_url)
    page.fill("input[name=objector]", "邻居王某")
    page.fill("textarea[name=content]", "他家有一辆小汽车")
    page.click("#do-objection")
    assert "待核实处理" in page.inner_text("#objections")

    login(page, base, "approver")
    page.goto(app_url)
    assert "他家有一辆小汽车" in page.inner_text("#objections")
    assert page.locator("#do-decide").count() == 0  # no decision while the objection is open
    page.select_option("select[name=resolve_action]", "reject")
    page.fill("textarea[name=resolution]", "经核实车辆已于去年报废注销")
    page.fill("input[name=informed_how]", "电话告知")
    page.click(".do-resolve")
    assert "已告知异议人（电话告知）" in page.inner_text("#objections")
    page.click("#do-decide")
    page.wait_for_selector("#decision")
    assert "保障中" in page.inner_text("#state")


def test_a_review_stops_a_benefit_and_the_county_reverses_it_on_escalation(
    clerk: Any, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.assistance import services as svc
    from minzheng.benefits.models import Enrolment

    officers = _officers()
    hh, _ = family("E2E0103", [("冯志强", "head", dt.date(1960, 8, 9), "M", "61")])
    head = hh.memberships.get(relation="head").person
    today = timezone.localdate()
    app = svc.application_create(
        actor=clerk,
        programme="dibao",
        household=hh,
        applicant=head,
        declared={"members": [{"person_id": head.pk}]},
    )
    svc.application_sign_authorisation(actor=clerk, application=app, signed_on=today)
    svc.application_submit(actor=clerk, application=app)
    svc.application_start_verification(actor=officers["verifier"], application=app)
    svc.application_record_home_visit(
        actor=officers["verifier"], application=app, visited_on=today, visitors="张", findings="属实"
    )
    verified(app, officers["verifier"])
    svc.application_to_village_review(actor=officers["verifier"], application=app)
    svc.application_record_village_review(
        actor=officers["recorder"], application=app, held_on=today, participants=7, agreed=7
    )
    _age(app.pk)
    svc.application_decide(actor=officers["approver"], application=app, outcome="grant")
    enrolment = Enrolment.objects.get()
    # Half a year of payment has passed (the review is due): the benefit started months ago.
    Enrolment.objects.filter(pk=enrolment.pk).update(
        first_month=today.replace(day=1) - dt.timedelta(days=180)
    )
    svc.review_open(actor=officers["verifier"], enrolment=enrolment, due_date=today)
    base, page = live_server.url, browser_page
    app_url = f"{base}/assistance/{app.pk}/"

    login(page, base, "approver")
    page.goto(f"{base}/assistance/reviews/")
    page.select_option("select[name=outcome]", "stop")
    page.fill("input[name=reasons]", "入户核查发现有稳定务工收入")
    page.click("form[action*='/decide/'] button[type=submit]")
    page.goto(app_url)
    assert "已办结" in page.inner_text("#state")

    login(page, base, "clerk")
    page.goto(app_url)
    page.fill("textarea[name=reason]", "务工为临时性，已于上月结束")
    page.click("#do-escalate")
    assert "已提交县级提级复审" in page.content()

    login(page, base, "county")
    page.goto(f"{base}/assistance/reviews/")
    page.select_option(".escalation-form select[name=outcome]", "grant")
    page.fill(".escalation-form input[name=notes]", "县级复核：务工已结束，恢复保障")
    page.click(".escalation-form button[type=submit]")
    assert "已作出县级复审决定" in page.content()
    page.goto(app_url)
    assert "保障中" in page.inner_text("#state")
    assert "已办结" in page.inner_text("#history")


def test_a_temporary_grant_is_decided_at_once_and_its_letter_says_paid_once_with_no_steps_it_skipped(
    clerk: Any, live_server: Any, browser_page: Any, tmp_path: Any
) -> None:
    import shutil
    import subprocess

    officers = _officers()
    hh, _ = family("E2ETMP", [("冯建国", "head", dt.date(1968, 2, 2), "M", "51")])
    base, page = live_server.url, browser_page

    login(page, base, "clerk")
    page.goto(f"{base}/assistance/new/{hh.pk}/")
    page.select_option("#programme", "temporary")
    page.select_option("select[name=emergency_kind]", "urgent")
    page.fill("input[name=amount_requested]", "1500")
    page.fill("textarea[name=emergency_description]", "房屋失火，生活用品全部损毁")
    page.click("#create-application")
    page.wait_for_selector("#do-submit")
    page.click("#do-submit")
    app_url = page.url

    login(page, base, "approver")
    page.goto(app_url)
    page.check("#outcome-grant")
    page.click("#do-decide")
    page.wait_for_selector("#decision")
    decision = page.inner_text("#decision")
    assert "一次性发放" in decision and "元/月" not in decision
    letter = page.context.request.get(base + page.get_attribute("#letter", "href"))
    assert letter.ok and letter.body().startswith(b"%PDF")
    assert officers["approver"].username == "approver"
    if shutil.which("pdftotext"):  # CI installs poppler-utils; read the letter as a citizen would
        pdf = tmp_path / "letter.pdf"
        pdf.write_bytes(letter.body())
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S607
        flat = "".join(text.split())
        assert "一次性发放" in flat and "按月发放" not in flat
        for skipped in ("入户调查", "民主评议", "公示"):
            assert skipped not in flat
        assert "〔" in flat and "行政复议" in flat and "行政诉讼" in flat
