"""等级评估, 双随机一公开, penalties, zombies, illegal organisations and the plan-target selectors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.orgs import selectors, services
from minzheng.orgs.models import AnnualReport, Inspection
from minzheng.policy.models import PolicyParameter
from tests.conftest import TOWN_A, VILLAGE_A

TODAY = timezone.localdate()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _scores(basic, governance, performance, reputation):
    return {
        "basic": Decimal(basic),
        "governance": Decimal(governance),
        "performance": Decimal(performance),
        "reputation": Decimal(reputation),
    }


@pytest.mark.parametrize(
    ("scores", "grade"),
    [((60, 380, 380, 130), 5), ((60, 350, 300, 100), 4), ((50, 300, 250, 100), 3), ((10, 100, 100, 50), 0)],
)
def test_the_grade_follows_the_policy_thresholds(officer, make_org, scores, grade):
    ev = services.evaluation_record(
        actor=officer, org=make_org(), scores=_scores(*scores), evaluated_on=TODAY
    )
    assert ev.grade == grade and ev.total == sum(Decimal(s) for s in scores)
    assert (ev.valid_until is not None) == bool(grade)


def test_a_changed_threshold_in_the_policy_table_changes_the_grade(officer, make_org):
    PolicyParameter.objects.filter(key="orgs.grade.a5").update(value=Decimal("960"))
    ev = services.evaluation_record(
        actor=officer, org=make_org(), scores=_scores(60, 380, 380, 130), evaluated_on=TODAY
    )
    assert ev.grade == 4


def test_scores_read_as_people_write_them_not_as_stored_decimals(officer, make_org):
    whole = make_org(name="济宁市任城区助老服务协会")
    half = make_org(name="济宁市任城区邻里互助协会")
    services.evaluation_record(actor=officer, org=whole, scores=_scores(60, 380, 100, 0), evaluated_on=TODAY)
    services.evaluation_record(
        actor=officer, org=half, scores=_scores("50.5", 300, 100, 0), evaluated_on=TODAY
    )
    c = _client(officer)
    listing = c.get("/orgs/inspections/").content.decode()
    assert "（540分）" in listing and "（450.5分）" in listing and ".0分" not in listing
    detail = c.get(f"/orgs/{whole.pk}/").content.decode()
    assert "总分 540分" in detail and "540.0" not in detail


def test_a_section_above_its_maximum_is_refused(officer, make_org):
    with pytest.raises(ValidationError, match="基础条件得分应在0至60分之间"):
        services.evaluation_record(
            actor=officer, org=make_org(), scores=_scores(61, 1, 1, 1), evaluated_on=TODAY
        )


def test_the_draw_is_reproducible_from_its_seed(officer, officer2, make_org):
    for i in range(8):
        make_org(name=f"协会{i}")
    a = services.inspection_draw(actor=officer, region_code="370811", year=TODAY.year, size=3, seed=42)
    b = services.inspection_draw(actor=officer, region_code="370811", year=TODAY.year, size=3, seed=42)

    def pairs(d):
        return [(i.org_id, sorted(u.pk for u in i.inspectors.all())) for i in d.items.order_by("org_id")]

    assert pairs(a) == pairs(b) and len(pairs(a)) == 3
    assert all(len(p) == 2 for _, p in pairs(a))


def test_a_draw_needs_two_inspectors(officer, make_org):
    make_org()
    with pytest.raises(ValidationError, match="不足2名"):
        services.inspection_draw(actor=officer, region_code="370811", year=TODAY.year, size=1, seed=1)


def test_an_inspection_finding_runs_to_rectification_and_an_overdue_one_is_on_the_home_page(
    officer, officer2, make_org
):
    make_org(name="任城区某促进会")
    draw = services.inspection_draw(actor=officer, region_code="370811", year=TODAY.year, size=1, seed=7)
    item = draw.items.get()
    services.inspection_record(
        actor=officer,
        item=item,
        inspected_on=TODAY - dt.timedelta(days=20),
        findings="未按章程召开理事会",
        rectify_by=TODAY - dt.timedelta(days=1),
    )
    assert [i.pk for i in selectors.rectifications_overdue(actor=officer, on=TODAY)] == [item.pk]
    assert "社会组织抽查整改超期" in _client(officer).get("/").content.decode()
    services.inspection_rectified(actor=officer, item=item, rectified_on=TODAY, note="已召开理事会并报备")
    assert Inspection.objects.get(pk=item.pk).state == "rectified"
    assert not selectors.rectifications_overdue(actor=officer, on=TODAY).exists()


def test_a_revocation_is_a_penalty_with_its_legal_basis_and_ends_the_registration(officer, make_org):
    org = make_org()
    with pytest.raises(ValidationError, match="须填写金额"):
        services.penalty_decide(
            actor=officer,
            org=org,
            kind="fine",
            legal_basis="group30",
            facts="超出章程规定的宗旨和业务范围进行活动",
            amount=Decimal(0),
            decision_no="济任民罚〔2026〕1号",
            decided_on=TODAY,
        )
    services.penalty_decide(
        actor=officer,
        org=org,
        kind="revoke",
        legal_basis="group30",
        facts="涂改、出租登记证书，情节严重",
        amount=Decimal(0),
        decision_no="济任民罚〔2026〕2号",
        decided_on=TODAY,
    )
    org.refresh_from_db()
    assert org.status == "revoked" and org.ended_on == TODAY
    html = _client(officer).get(f"/orgs/{org.pk}/").content.decode()
    assert "《社会团体登记管理条例》第三十条" in html and "已撤销登记" in html


def test_zombie_organisations_are_found_by_each_reason(officer, make_org):
    old = dt.date(TODAY.year - 4, 1, 1)
    silent = make_org(name="连续未报年报的协会", registered_on=old)
    filed = make_org(name="按时年报的协会", registered_on=old)
    for year in (TODAY.year - 2, TODAY.year - 1):
        AnnualReport.objects.create(org=filed, region_code=filed.region_code, year=year, state="approved")
    filed.last_activity_on = TODAY - dt.timedelta(days=30)
    filed.save()
    lost = make_org(name="无法联系的协会")
    lost.unreachable = True
    lost.save()
    make_org(name="新成立的协会")
    found = {o.name: o for o in selectors.zombies(actor=officer, on=TODAY)}
    assert set(found) == {"连续未报年报的协会", "无法联系的协会"}
    assert found["连续未报年报的协会"].r_report and found["连续未报年报的协会"].r_idle
    assert not found["无法联系的协会"].r_report
    assert silent.pk in [o.pk for o in selectors.zombies(actor=officer, on=TODAY)]


def test_the_organisation_count_and_community_organisations_per_community(officer, make_org):
    last_year = TODAY - dt.timedelta(days=400)
    for i in range(4):
        make_org(name=f"老协会{i}", registered_on=last_year)
    make_org(name="新协会")
    for i in range(3):
        make_org(name=f"社区组织{i}", kind="community", region_code=VILLAGE_A, registered_on=last_year)
    t = selectors.target_count(actor=officer, on=TODAY)
    assert (t["count"], t["year_ago"], t["target"]) == (8, 7, 5000)
    assert t["growth"] == Decimal("0.1429") and t["growth_met"]
    rows = {r["county"]: r for r in selectors.community_orgs_by_county(actor=officer, on=TODAY)}
    row = rows["370811"]
    assert row["urban_orgs"] + row["rural_orgs"] == 3
    assert _client(officer).get("/orgs/targets/").status_code == 200


def test_an_illegal_organisation_case_is_opened_and_banned(officer):
    c = _client(officer)
    c.post(
        "/orgs/illegal/",
        {
            "name": "中华某某文化总会",
            "place_county": "370811",
            "place_township": TOWN_A,
            "found_on": TODAY.isoformat(),
            "summary": "未经登记以社会组织名义开展募捐活动",
        },
    )
    from minzheng.orgs.models import IllegalCase

    case = IllegalCase.objects.get()
    c.post(
        f"/orgs/illegal/{case.pk}/ban/",
        {"decision_no": "济任民取〔2026〕1号", "closed_on": TODAY.isoformat()},
    )
    case.refresh_from_db()
    assert (case.state, case.decision_no) == ("banned", "济任民取〔2026〕1号")


def test_another_countys_officer_cannot_draw_or_evaluate_here(outsider, make_org, make_user):
    org = make_org()
    make_user(Role.ORG_OFFICER, "370812")
    with pytest.raises(ValidationError):
        services.evaluation_record(
            actor=outsider, org=org, scores=_scores(60, 380, 380, 130), evaluated_on=TODAY
        )
    with pytest.raises(ValidationError):
        services.inspection_draw(actor=outsider, region_code="370811", year=TODAY.year, size=1, seed=1)
