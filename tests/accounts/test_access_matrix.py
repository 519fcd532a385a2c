"""Generated access matrix (issue 7): every URL and API route that takes an object id, with every HTTP
verb, as a township clerk against another township's records — each answer must be identical to the
answer for an id that does not exist (out-of-region looks missing), and nothing may leak."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from minzheng.accounts.models import ApiToken
from minzheng.accounts.services import _api_token_create
from minzheng.assistance import services as svc
from minzheng.assistance.models import Application, Decision, PublicNotice, Review
from minzheng.benefits.models import Enrolment, PayrollRun
from minzheng.benefits.services import payroll_generate
from minzheng.exchange.models import ImportJob, Snapshot
from minzheng.monitoring.models import Alert, ScreeningRun
from minzheng.people.models import Person
from minzheng.people.services import household_create
from minzheng.verification.models import VerificationReport
from tests.conftest import TOWN_A

VERBS = ("get", "post", "put", "patch", "delete")
# Pages that read another region's record by design: (route, verb) → why. Issue 16: the standard names
# of the gazetteer are read city-wide by every staff role (reading only: reserve names and every edit
# route stay region-scoped, and still answer as missing). Only the listed ids may answer 200.
CITY_WIDE = {("placenames/<int:place_id>/", "get"): "标准地名全市可查（只读）"}
MISSING = 987654321
ACTIONS = (
    "authorise",
    "upload",
    "submit",
    "verify",
    "home_visit",
    "to_review",
    "village_review",
    "objection",
    "decide",
    "escalate",
    "refer",
)


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out.extend(_patterns(p, route))
        elif isinstance(p, URLPattern):
            names = re.findall(r"<(?:int|slug|str):(\w+)>", route)
            if any(n.endswith("_id") for n in names):
                out.append((route, names))
    return out


def _fill(route: str, values: dict[str, Any]) -> str:
    return "/" + re.sub(r"<(?:int|slug|str):(\w+)>", lambda m: str(values[m.group(1)]), route).lstrip(
        "^"
    ).rstrip("$")


@pytest.fixture
def other_township(make_household, make_person, make_user):
    """Records in 兖州区 (another county entirely) plus their ids by URL parameter name."""
    clerk_b = make_user("township_clerk", "370812001")
    approver_b = make_user("township_approver", "370812001")
    county_b = make_user("county_officer", "370812")
    ids: dict[str, list[int]] = {
        k: []
        for k in (
            "person_id",
            "household_id",
            "application_id",
            "enrolment_id",
            "review_id",
            "escalation_id",
            "run_id",
        )
    }
    for i in range(8):
        hh = make_household(village="370812001001", size=2)
        head = hh.memberships.get(relation="head").person
        ids["household_id"].append(hh.pk)
        ids["person_id"].extend(m.person_id for m in hh.memberships.all())
        app = svc.application_create(
            actor=clerk_b,
            programme="temporary",
            household=hh,
            applicant=head,
            declared={"members": [{"person_id": head.pk}]},
            amount_requested=500 + i,
            emergency_kind="urgent",
        )
        ids["application_id"].append(app.pk)
        if i < 2:
            svc.application_submit(actor=clerk_b, application=app)
            svc.application_decide(
                actor=approver_b, application=app, outcome="refuse" if i else "grant", reasons="测试"
            )
    enrolment = Enrolment.objects.get()
    ids["enrolment_id"].append(enrolment.pk)
    ids["review_id"].append(
        svc.review_open(actor=approver_b, enrolment=enrolment, due_date=dt.date(2030, 1, 1)).pk
    )
    refused = Application.objects.get(state="closed")
    ids["escalation_id"].append(svc.escalation_request(actor=clerk_b, application=refused, reason="不服").pk)
    ids["run_id"].append(
        payroll_generate(actor=county_b, county_code="370812", month=enrolment.first_month).pk
    )
    assert Review.objects.count() == 1 and PayrollRun.objects.count() == 1
    # Verification reports, screening alerts and snapshots of that county (rows made directly: only the
    # access path is under test here).
    app = Application.objects.first()
    ids["report_id"] = [
        VerificationReport.objects.create(
            application=app,
            region_code=app.region_code,
            snapshot_month="2025-06",
            snapshot_sha="0" * 64,
            rule_version="x",
            conclusion="match",
            members=[],
            totals={},
            tests=[],
            declared_vs_verified=[],
            created_by=clerk_b,
        ).pk
    ]
    run = ScreeningRun.objects.create(month="2025-06", status="published")
    ids["alert_id"] = [
        Alert.objects.create(
            run=run,
            month="2025-06",
            rule="discovery_dibao",
            severity="medium",
            id_hash=str(i) * 64,
            id_masked="370812********0000",
            region_code="370812001001",
            evidence={},
            trend="new",
        ).pk
        for i in range(3)
    ]
    ids["snapshot_id"] = [
        Snapshot.objects.create(
            month="2025-06", manifest_sha256="a" * 64, status="accepted", imported_at=timezone.now()
        ).pk
    ]
    ids["job_id"] = [
        ImportJob.objects.create(
            file_name="2025-06.zip", region_code="370812", status="accepted", created_at=timezone.now()
        ).pk
    ]
    for i in range(2):
        _api_token_create(user=clerk_b, name=f"手机{i}", otp_verified=False, ip="")
    ids["token_id"] = list(ApiToken.objects.filter(user=clerk_b).values_list("pk", flat=True))
    ids["user_id"] = [clerk_b.pk]
    # 养老设施 (facilities): a home of that county with a resident, an outing, a grant, an adaptation, a
    # care worker and a 双随机 draw
    from minzheng.facilities import services as fac
    from minzheng.facilities.models import Inspector
    from tests.elderly.conftest import record_level

    elderly_b = make_user("elderly_officer", "370812")
    carer_b = make_user("carer", "370812001")
    home_b = fac.facility_create(
        actor=elderly_b,
        name="兖州敬老院",
        kind="tekun_home",
        operator="甲",
        address="乙",
        region_code="370812001",
        beds_total=10,
        beds_nursing=5,
    )
    elder_b = make_person(village="370812001001", birth=dt.date(1940, 5, 1), name="兖州老人")
    record_level(make_user, elder_b, 2)  # graded care follows a recorded assessment
    stay_b = fac.residency_admit(
        actor=elderly_b,
        facility=home_b,
        person=elder_b,
        identity="other",
        monthly_fee=1000,
        admitted_on=dt.date(2025, 1, 1),
    )
    for name in ("甲", "乙"):
        Inspector.objects.create(name=name, unit="兖州区民政局", region_code="370812")
    draw_b = fac.draw_make(actor=elderly_b, region_code="370812", count=1, seed=1)
    ids["facility_id"] = [home_b.pk]
    ids["residency_id"] = [stay_b.pk]
    ids["outing_id"] = [
        fac.outing_request(
            actor=carer_b,
            residency=stay_b,
            reason="探亲",
            leave_on=dt.date(2025, 2, 1),
            return_by=dt.date(2025, 2, 2),
        ).pk
    ]
    ids["grant_id"] = [
        fac.grant_apply(
            actor=elderly_b,
            facility=home_b,
            kind="nursing_beds",
            year=2025,
            area_m2=100,
            rural=True,
            amount=1,
        ).pk
    ]
    ids["adaptation_id"] = [fac.adaptation_apply(actor=elderly_b, person=head, year=2025, items="扶手").pk]
    ids["draw_id"] = [draw_b.pk]
    ids["inspection_id"] = [draw_b.inspections.get().pk]
    ids["worker_id"] = [fac.care_worker_create(actor=elderly_b, facility=home_b, name="丙").pk]
    # 儿童福利: a decided category case of that county (its page, letter and actions).
    from minzheng.children import services as child_svc

    child_case = child_svc.category_case_intake(
        actor=clerk_b,
        child=Person.objects.get(pk=ids["person_id"][1]),
        father={"situation": "none"},
        mother={"situation": "none"},
        declared_category="key_difficult",
    )
    child_svc.category_case_verify(actor=clerk_b, case=child_case)
    child_svc.category_case_decide(actor=approver_b, case=child_case)
    ids["case_id"] = [child_case.pk]
    # 婚姻登记 (marriage): an office of that county, a booking, a marriage with its household change, a
    # divorce application in its cooling-off period
    from minzheng.accounts.system import system_actor
    from minzheng.marriage import services as marriage

    shehui_b = make_user("social_affairs_officer", "370812")
    office_b = marriage.office_create(
        actor=shehui_b, name="兖州区婚姻登记处", region_code="370812", address="兖州区", quotas=[5] * 7
    )
    groom = Person.objects.get(pk=ids["person_id"][0])
    bride = make_person(village="370812001001", birth=dt.date(1985, 1, 1), sex="F", name="兖州新娘")
    household_create(
        actor=system_actor(purpose="测试数据"),
        number="HMARRIAGE1",
        region_code="370812001001",
        hukou_type="urban",
        head=bride,
        start_date=dt.date(2010, 1, 1),
    )
    wedding = marriage.appointment_book(
        actor=shehui_b,
        office=office_b,
        date=timezone.localdate(),
        kind="marriage",
        party_a={"name": groom.name, "id_number": groom.id_number},
        party_b={"name": bride.name, "id_number": bride.id_number},
    )
    registration_b = marriage.marriage_register(actor=shehui_b, appointment=wedding)
    split = marriage.appointment_book(
        actor=shehui_b,
        office=office_b,
        date=timezone.localdate(),
        kind="divorce",
        party_a={"name": groom.name, "id_number": groom.id_number},
        party_b={"name": bride.name, "id_number": bride.id_number},
    )
    ids["registry_office_id"] = [office_b.pk]
    ids["appointment_id"] = [wedding.pk, split.pk]
    ids["registration_id"] = [registration_b.pk]
    ids["divorce_id"] = [marriage.divorce_apply(actor=shehui_b, appointment=split).pk]
    ids["household_change_id"] = list(registration_b.household_changes.values_list("pk", flat=True))
    assert ids["household_change_id"]
    # 地名 (place names): a standard name of that county and an application pending review
    from minzheng.placenames import services as placenames
    from minzheng.placenames.models import PlaceName

    namer = make_user("social_affairs_officer", "370812")
    road = placenames.application_submit(
        actor=shehui_b,
        kind="naming",
        proposed_name="兖州大道",
        pinyin="Yǎnzhōu Dàdào",
        category="road",
        region_code="370812001",
        reason="以区名命名的主干道",
        applicant_unit="兖州区自然资源局",
    )
    placenames.application_review(actor=namer, application=road, note="同意")
    placenames.application_decide(
        actor=make_user("county_officer", "370812"),
        application=road,
        approve=True,
        decision_no="兖政字〔2026〕1号",
    )
    pending = placenames.application_submit(
        actor=shehui_b,
        kind="naming",
        proposed_name="兖州新苑",
        pinyin="Yǎnzhōu Xīnyuàn",
        category="residential",
        region_code="370812001",
        reason="新建居民区",
        applicant_unit="兖州区自然资源局",
    )
    # a reserve name of that county: reserve names stay in their region (only standard names are city-wide)
    placenames.reserve_add(
        actor=shehui_b,
        name="兖州备用路",
        pinyin="Yǎnzhōu Bèiyòng Lù",
        category="road",
        region_code="370812001",
    )
    ids["place_id"] = list(PlaceName.objects.values_list("pk", flat=True))
    assert PlaceName.objects.filter(status="reserve").exists()
    ids["naming_id"] = [road.pk, pending.pk]
    # 信用积分与移风易俗 (credit): a template and its village copy, an approved point record with a photo, a
    # redemption, a pending fund entry and a filing checked against the village's norm, all in 兖州区
    from decimal import Decimal as _D

    from minzheng.credit import services as credit

    cunxieli_b = make_user("village_assistant", "370812001001")
    template_b = credit.rule_template_create(
        actor=clerk_b,
        township_code="370812001",
        category="good_deed",
        name="好人好事",
        points=10,
        min_points=5,
        max_points=20,
        evidence_required=False,
    )
    credit.rules_copy(actor=cunxieli_b, village_code="370812001001")
    rule_b = template_b.copies.get()
    hh_b = Person.objects.get(pk=ids["person_id"][0]).memberships.get(end_date__isnull=True).household
    point_b = credit.point_record(
        actor=cunxieli_b,
        household=hh_b,
        rule=rule_b,
        occurred_on=timezone.localdate(),
        evidence="扶老人过马路",
    )
    credit.point_decide(actor=approver_b, record=point_b, approve=True)
    soap_b = credit.goods_create(
        actor=cunxieli_b, village_code="370812001001", name="香皂", unit="块", price=5, stock=3
    )
    ids["record_id"] = [point_b.pk]
    ids["rule_id"] = [template_b.pk, rule_b.pk]
    ids["redemption_id"] = [credit.redeem(actor=cunxieli_b, household=hh_b, goods=soap_b, quantity=1).pk]
    ids["entry_id"] = [
        credit.fund_entry_record(
            actor=cunxieli_b,
            village_code="370812001001",
            kind="donation",
            amount=_D("100"),
            counterparty="爱心人士",
            entry_date=timezone.localdate(),
        ).pk
    ]
    credit.norm_set(
        actor=cunxieli_b,
        village_code="370812001001",
        kind="wedding",
        effective_from=dt.date(2020, 1, 1),
        max_tables=10,
        max_guests=100,
        max_spending=_D("20000"),
        max_gift=_D("100"),
        source="村规民约",
    )
    ids["filing_id"] = [
        credit.filing_create(
            actor=cunxieli_b,
            village_code="370812001001",
            kind="wedding",
            family="兖州张家",
            event_date=timezone.localdate(),
            tables=20,
            guests=200,
            spending=_D("50000"),
            gift=_D("200"),
        ).pk
    ]
    # 跟踪转介 (assistance referrals): one of that county's cases referred to its county
    ids["referral_id"] = [
        svc.referral_create(actor=clerk_b, application=Application.objects.first(), target="慈善项目").pk
    ]
    # 大学生全程资助 and 诚信救助 (issue 19): a student of a dibao family in 兖州区 with a decided year, and a
    # false declaration found from one of that county's 核对 reports
    from minzheng.benefits.services import enrolment_create as _enrol
    from minzheng.integrity.services import findings_detect
    from minzheng.students import services as students

    hh_s = make_household(village="370812001001", size=2)
    _enrol(
        actor=county_b,
        programme="dibao",
        person=hh_s.memberships.get(relation="head").person,
        household=hh_s,
        amount=500,
        first_month=timezone.localdate().replace(day=1),
    )
    year = students.academic_term(timezone.localdate())[0]
    pupil = students.student_enrol(
        actor=clerk_b,
        person=hh_s.memberships.exclude(relation="head").get().person,
        school="济宁学院",
        major="数学",
        entry_year=year,
        graduation_year=year + 4,
        student_number="1",
    )
    ids["student_id"] = [pupil.pk]
    ids["award_id"] = [
        students.award_propose(actor=county_b, student=pupil, academic_year=year, tuition_fee=3000).pk
    ]
    # the education source's per-term file, imported by that county
    from django.core.files.uploadedfile import SimpleUploadedFile

    term = f"{year}-{year + 1}-{students.academic_term(timezone.localdate())[1]}"
    rows = f"身份证号,姓名,学校,学期,学籍状态\n{pupil.person.id_number},学生,济宁学院,{term},在读\n"
    upload = SimpleUploadedFile("term.csv", rows.encode(), content_type="text/csv")
    ids["import_id"] = [students.term_file_import(actor=county_b, upload=upload).pk]
    # a 公示 of that county (made directly): the citizen objection route answers staff as for a missing one
    today = timezone.localdate()
    pending = Application.objects.exclude(state="closed").first()
    ids["decision_id"] = list(
        Decision.objects.filter(application__region_code__startswith="370812").values_list("pk", flat=True)
    )
    notice = PublicNotice.objects.create(application=pending, start_date=today, end_date=today)
    ids["notice_id"] = [notice.pk]
    # a resident's online application, its document and an online objection there (rows made directly)
    from minzheng.citizen.models import OnlineApplication, OnlineDocument, OnlineObjection

    online = OnlineApplication.objects.create(
        programme="temporary",
        household=hh_s,
        applicant=hh_s.memberships.get(relation="head").person,
        region_code=hh_s.region_code,
        signed_name="测试",
        signed_at=timezone.now(),
    )
    ids["online_id"] = [online.pk]
    ids["document_id"] = [
        OnlineDocument.objects.create(online=online, kind=OnlineDocument.KINDS[0][0], file="citizen/x.pdf").pk
    ]
    ids["objection_id"] = [
        OnlineObjection.objects.create(
            notice=notice, person=online.applicant, region_code=online.region_code, content="异议"
        ).pk
    ]
    VerificationReport.objects.filter(pk=ids["report_id"][0]).update(
        declared_vs_verified=[
            {"item": "月收入", "declared": 0, "verified": 900},
            {"item": "金融资产", "declared": 0, "verified": 0},
        ]
    )
    ids["finding_id"] = [f.pk for f in findings_detect(actor=clerk_b)]
    assert ids["finding_id"]
    return ids


def test_every_route_answers_another_townships_ids_exactly_like_missing_ones(other_township, make_user):
    clerk = make_user("township_clerk", TOWN_A)
    c = Client()
    c.force_login(clerk)
    routes = _patterns(get_resolver())
    api_routes = [
        ("api/v1/people/<int:person_id>", ["person_id"]),
        ("api/v1/people/<int:person_id>/reveal", ["person_id"]),
        ("api/v1/people/households/<int:household_id>", ["household_id"]),
    ]
    from minzheng.placenames.models import PlaceName

    standard = set(PlaceName.objects.filter(status="standard").values_list("pk", flat=True))
    attempts = leaks = readable = 0
    for route, names in routes + api_routes:
        id_names = [n for n in names if n.endswith("_id")]
        assert id_names, route
        # a route with two ids (a case's letter): the first varies, the others are that county's too
        key, *others = id_names
        theirs = {n: other_township[n][0] for n in others}
        absent = dict.fromkeys(others, MISSING)
        slugs = ACTIONS if "action" in names else ("csv",) if "fmt" in names else ("",)
        for slug in slugs:
            for object_id in other_township[key]:
                extra = {"action": slug, "fmt": slug}
                url = _fill(route, {key: object_id, **theirs, **extra})
                missing_url = _fill(route, {key: MISSING, **absent, **extra})
                for verb in VERBS:
                    got = getattr(c, verb)(url)
                    ref = getattr(c, verb)(missing_url)
                    attempts += 1
                    if (route, verb) in CITY_WIDE and key == "place_id" and object_id in standard:
                        assert got.status_code == 200 and ref.status_code == 404, url
                        readable += 1
                        continue
                    same = got.status_code == ref.status_code and (
                        got.status_code != 404 or got.content == ref.content
                    )
                    if not same or got.status_code == 200:
                        leaks += 1
                        print("LEAK", verb, url, got.status_code, ref.status_code)
    assert attempts >= 1000, attempts
    assert leaks == 0
    assert readable == len(standard) >= 1  # the city-wide read is exercised, not skipped


def test_lists_and_exports_of_a_scoped_user_hold_no_out_of_scope_rows(
    other_township, make_user, make_household
):
    mine = make_household(size=1)
    clerk = make_user("township_clerk", TOWN_A)
    c = Client()
    c.force_login(clerk)
    api = c.get("/api/v1/people/").json()
    assert [p["id"] for p in api["items"]] == [mine.memberships.get().person_id]
    assert "370812" not in c.get("/assistance/").content.decode()
    assert "370812" not in c.get("/payroll/").content.decode()
    assert "370812" not in c.post("/people/", {"q": ""}).content.decode()
    assert c.get("/assistance/reviews/").content.decode().count("发起核查</button>") == 0
