"""The line's demo module registers organisations in three counties through the registration flow, files
last year's reports at about the city's rate and leaves tianbao bound to one organisation with its report
still to file; a draw with an overdue rectification and zombie candidates show on the 首页 cards."""

from __future__ import annotations

from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.accounts.system import system_actor
from minzheng.demo.lines import orgs as demo
from minzheng.orgs import selectors
from minzheng.orgs.models import AnnualReport, Organisation, OrgFiler


def test_the_demo_seeds_a_believable_registry_with_reports_inspections_and_a_bound_filer(make_user):
    shezu = make_user(Role.ORG_OFFICER, "370811", username="shezu")
    tianbao = make_user(Role.ORG_FILER, "370811", username="tianbao")
    line = demo.seed(actor=system_actor(purpose="测试"), seed=7)
    assert "社会组织" in line and "tianbao" in line
    assert Organisation.objects.filter(status="active").count() >= 30
    assert len({o[:6] for o in Organisation.objects.values_list("region_code", flat=True)}) == 3
    own = OrgFiler.objects.get(user=tianbao).org
    last = timezone.localdate().year - 1
    assert not AnnualReport.objects.filter(org=own, year=last).exists()
    rate = selectors.report_rate(actor=shezu, year=last)[0]
    assert 70 <= rate["rate"] < 100
    today = timezone.localdate()
    assert selectors.rectifications_todo(shezu, today).count == 1
    assert selectors.zombies_todo(shezu, today).count >= 1
    assert selectors.reports_todo(shezu, today).count >= 1
    # The campaign: some organisations filed, tianbao's has still to (its 首页 shows both to-dos).
    assert selectors.filer_todo(tianbao, today).count >= 1
    assert selectors.campaigns_todo(tianbao, today).count == 1
    assert selectors.campaign_review_todo(shezu, today).count >= 1
