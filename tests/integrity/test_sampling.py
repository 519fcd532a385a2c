from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.integrity import services as svc
from minzheng.integrity.models import SampleCase, SampleDraw, Verdict
from minzheng.policy.selectors import policy_resolve

pytestmark = pytest.mark.django_db

VILLAGE_A2 = "370811002001"  # another street of 任城区


def _month():
    return timezone.localdate().replace(day=1)


def test_the_county_draws_the_policy_share_of_the_months_township_decisions_once(decide, staff):
    made = [decide("370811001001") for _ in range(3)] + [decide(VILLAGE_A2, "refuse")]
    rate = policy_resolve(on=_month(), region_code="370811", hukou_type="").get("integrity.sample_rate")
    draw = svc.sample_draw(actor=staff["county"], county_code="370811", month=timezone.localdate())
    assert draw.pool == 4 and draw.rate == rate
    cases = list(draw.cases.all())
    expected = max(1, -(-4 * rate // 1))
    assert len(cases) == expected
    assert {c.decision_id for c in cases} <= {d.pk for d in made}
    assert {c.region_code for c in cases} <= {"370811001001", VILLAGE_A2}
    assert AuditLog.objects.filter(target_type="integrity.sample", target_id=str(draw.pk)).exists()
    with pytest.raises(ValidationError, match="不再重新抽取"):
        svc.sample_draw(actor=staff["county"], county_code="370811", month=timezone.localdate())
    assert SampleDraw.objects.count() == 1 and SampleCase.objects.count() == expected


def test_a_township_cannot_draw_and_another_county_cannot_draw_here(decide, staff, make_user):
    decide("370811001001")
    with pytest.raises(ValidationError):
        svc.sample_draw(actor=staff["approver"], county_code="370811", month=_month())
    with pytest.raises(ValidationError):
        svc.sample_draw(actor=make_user("county_officer", "370812"), county_code="370811", month=_month())
    assert not SampleDraw.objects.exists()


def test_a_month_without_township_decisions_draws_nothing(staff):
    with pytest.raises(ValidationError, match="无需抽查"):
        svc.sample_draw(actor=staff["county"], county_code="370811", month=_month())
    assert not SampleDraw.objects.exists()


def test_a_disagreement_needs_a_reason_and_the_rate_by_township_follows_the_checks(
    decide, staff, make_user, django_assert_max_num_queries
):
    for village in ("370811001001", VILLAGE_A2):
        for _ in range(10):
            decide(village)
    draw = svc.sample_draw(actor=staff["county"], county_code="370811", month=_month())
    cases = list(draw.cases.order_by("pk"))
    assert len(cases) == 2  # 20 decisions at the fixture's 10 %
    c = Client()
    c.force_login(staff["county"])
    first = cases[0]
    r = c.post("/integrity/sampling/", {"action": "check", "case": first.pk, "agree": "0", "reason": " "})
    assert r.status_code == 200 and "请填写理由" in r.content.decode()
    first.refresh_from_db()
    assert first.verdict == Verdict.PENDING
    r = c.post(
        "/integrity/sampling/",
        {"action": "check", "case": first.pk, "agree": "0", "reason": "家庭有营运车辆未核实"},
    )
    assert r.status_code == 302
    svc.sample_check(actor=staff["county"], case=cases[1], agree=True)
    with pytest.raises(ValidationError, match="已核查"):
        svc.sample_check(actor=staff["county"], case=cases[1], agree=False, reason="x")
    assert AuditLog.objects.filter(target_type="integrity.samplecase").count() == 2
    with django_assert_max_num_queries(25):
        body = c.get("/integrity/sampling/").content.decode()
    rates = {r["township"]: r["rate"] for r in svc_rates(staff["county"])}
    town_of = {x.pk: x.region_code[:9] for x in cases}
    first_town = town_of[first.pk]
    if len(set(town_of.values())) == 2:
        assert rates[first_town] == 100.0 and rates[town_of[cases[1].pk]] == 0.0
    else:
        assert rates[first_town] == 50.0
    assert "家庭有营运车辆未核实" in body and "不同意率" in body and "370811001</td>" not in body
    # the township reads the finding on its own case, and does not see another township's cases
    town = make_user("township_clerk", first_town)
    c.force_login(town)
    body = c.get("/integrity/sampling/").content.decode()
    assert "家庭有营运车辆未核实" in body and "随机抽取本月" not in body
    other = [x for x in cases if town_of[x.pk] != first_town]
    for x in other:
        assert f'id="case-{x.pk}"' not in body
    r = c.post("/integrity/sampling/", {"action": "check", "case": cases[1].pk, "agree": "1"})
    assert r.status_code in (403, 404) or "该案件已核查" in r.content.decode()


def svc_rates(actor):
    from minzheng.integrity.selectors import sample_rates

    return sample_rates(actor=actor, month=_month())


def test_the_desk_draw_button_draws_and_a_second_press_says_it_was_drawn(decide, staff):
    decide("370811001001")
    c = Client()
    c.force_login(staff["county"])
    month = f"{_month():%Y-%m}"
    r = c.post("/integrity/sampling/", {"action": "draw", "month": month})
    assert r.status_code == 302 and SampleCase.objects.count() == 1
    r = c.post("/integrity/sampling/", {"action": "draw", "month": month})
    assert "不再重新抽取" in r.content.decode() and SampleDraw.objects.count() == 1
    r = c.post("/integrity/sampling/", {"action": "draw", "month": "十一月"})
    assert r.status_code == 200 and "抽查月份格式" in r.content.decode()


def test_the_county_home_page_lists_sampled_cases_not_yet_checked_with_the_count_and_a_link(decide, staff):
    for _ in range(3):
        decide("370811001001")
    draw = svc.sample_draw(actor=staff["county"], county_code="370811", month=_month())
    cases = list(draw.cases.order_by("pk"))
    c = Client()
    c.force_login(staff["county"])
    home = c.get("/").content.decode()
    link = f"/integrity/sampling/?month={_month():%Y-%m}"
    assert "抽查案件待核查" in home and link in home and f"#case-{cases[0].pk}" in home
    from minzheng.integrity.selectors import todo_samples

    assert todo_samples(staff["county"], timezone.localdate()).count == len(cases)
    for case in cases:
        svc.sample_check(actor=staff["county"], case=case, agree=True)
    assert todo_samples(staff["county"], timezone.localdate()).count == 0
    assert todo_samples(staff["approver"], timezone.localdate()).count == 0  # the township does not check
