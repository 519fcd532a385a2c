"""Money in must cover money out: the balance, restricted donations, filing rules and fund draws."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.audit.models import AuditLog
from minzheng.charity import selectors, services
from minzheng.charity.models import Donation, Project, Spending
from minzheng.charity.rules import credit_code_clean

from .conftest import credit_code, give, spend


def test_a_credit_code_with_a_wrong_check_character_is_refused_and_a_right_one_kept():
    good = credit_code()
    assert credit_code_clean(good.lower()) == good
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        credit_code_clean(wrong)
    with pytest.raises(ValidationError, match="18位"):
        credit_code_clean("123")


def test_an_organisation_without_the_qualification_cannot_file_a_public_project(make_org, make_project):
    org = make_org(qualified=False)
    with pytest.raises(ValidationError, match="不具有公开募捐资格"):
        make_project(org=org)
    assert not Project.objects.exists()


def test_the_qualification_needs_two_years_of_registration(officer, make_org):
    org = make_org(qualified=False)
    with pytest.raises(ValidationError, match="满二年"):
        services.org_qualify(
            actor=officer, org=org, fundraising_from=dt.date(2016, 1, 1), fundraising_until=None
        )


def test_a_spending_beyond_the_balance_is_refused_and_changes_nothing(officer, project):
    give(officer, project, "1000")
    spend(officer, project, "600")
    with pytest.raises(ValidationError, match="超出项目可用余额"):
        spend(officer, project, "400.01")
    assert Spending.objects.count() == 1
    spend(officer, project, "400")
    p = selectors.project_get(actor=officer, pk=project.pk)
    assert (p.money_in, p.money_out, p.balance) == (Decimal(1000), Decimal(1000), Decimal(0))


def test_restricted_money_is_spent_only_on_its_purpose_and_only_up_to_what_is_left(officer, project):
    restricted = give(officer, project, "500", restricted_purpose="购买助听器")
    give(officer, project, "100")
    # the free balance is 100: the restricted 500 cannot pay for anything else
    with pytest.raises(ValidationError, match="超出项目可用余额"):
        spend(officer, project, "300")
    with pytest.raises(ValidationError, match="限用于“购买助听器”"):
        spend(officer, project, "300", donation_id=restricted.pk, purpose="发放助学金")
    spend(officer, project, "300", donation_id=restricted.pk, purpose="购买助听器", beneficiary_count=3)
    with pytest.raises(ValidationError, match="超出该笔定向捐赠的余额"):
        spend(officer, project, "200.01", donation_id=restricted.pk, purpose="购买助听器")
    assert selectors.donation_left(restricted) == Decimal(200)
    assert selectors.free_balance(project) == Decimal(100)


def test_a_donation_outside_the_filed_period_is_refused(officer, project):
    with pytest.raises(ValidationError, match="不在项目募捐期内"):
        give(officer, project, "10", received_on=project.starts_on - dt.timedelta(days=1))
    assert not Donation.objects.exists()


def test_an_anonymous_donor_keeps_no_name_and_a_person_is_masked_in_public(officer, project, make_person):
    donor = make_person(name="欧阳明华")
    d1 = give(officer, project, "10", donor_kind="anonymous", donor_name="张三")
    d2 = services.donation_record(
        actor=officer,
        project=project,
        donor_kind="person",
        donor_person_id=donor.pk,
        amount=Decimal(20),
        received_on=timezone.localdate(),
    )
    assert d1.donor_name == "" and d1.public_donor == "匿名"
    assert d2.donor_name == "欧阳明华" and d2.public_donor == "欧阳**"


def test_beneficiaries_of_the_registry_are_linked_and_counted(officer, project, make_person, make_user):
    give(officer, project, "1000")
    kids = [make_person(name=f"儿童{i}", birth=dt.date(2015, 1, i + 1)) for i in range(2)]
    s = spend(officer, project, "200", beneficiary_count=5, beneficiary_ids=[k.pk for k in kids])
    assert set(s.beneficiaries.values_list("pk", flat=True)) == {k.pk for k in kids}
    with pytest.raises(ValidationError, match="受益人数不能少于"):
        spend(officer, project, "10", beneficiary_count=1, beneficiary_ids=[k.pk for k in kids])
    other = make_person(village="370812001001", name="兖州儿童")
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        spend(officer, project, "10", beneficiary_count=1, beneficiary_ids=[other.pk])


def test_every_write_is_audited(officer, project):
    give(officer, project, "100")
    spend(officer, project, "50")
    types = set(AuditLog.objects.values_list("target_type", flat=True))
    assert {"charity.org", "charity.project", "charity.donation", "charity.spending"} <= types


def test_another_counties_officer_cannot_write_to_the_project(outsider, project):
    with pytest.raises(ValidationError):
        give(outsider, project, "100")


# ---------------------------------------------------------------- funds other lines draw on
@pytest.fixture
def guardianship_fund(officer, make_project, make_org):
    fund = make_project(
        kind="fund",
        fund_code="guardianship_lacking",
        name="监护缺失儿童慈善基金",
        purpose="监护缺失儿童基本生活费",
        filing_number="",
        platform="",
        target=None,
        ends_on=None,
        org=make_org(qualified=False, name="罗庄慈善会"),
    )
    give(officer, fund, "3000", donor_name="市慈善总会")
    return fund


def test_a_line_draws_its_monthly_money_from_the_fund_once_per_reference(guardianship_fund, make_user):
    payroll_officer = make_user(Role.COUNTY_OFFICER, "370811")
    month = dt.date(2026, 3, 1)
    kw = {"fund_code": "guardianship_lacking", "month": month, "actor": payroll_officer}
    first = services.fund_draw(**kw, amount=Decimal("1380"), reference="payroll:7", source_line="children")
    again = services.fund_draw(**kw, amount=Decimal("1380"), reference="payroll:7", source_line="children")
    assert first.pk == again.pk and Spending.objects.count() == 1
    assert first.source_line_label.startswith("儿童福利")
    with pytest.raises(ValidationError, match="金额不一致"):
        services.fund_draw(**kw, amount=Decimal("1400"), reference="payroll:7")
    with pytest.raises(ValidationError, match="超出项目可用余额"):
        services.fund_draw(**kw, amount=Decimal("1620.01"), reference="payroll:8")
    assert selectors.fund_balance(fund_code="guardianship_lacking") == Decimal("1620")


def test_a_draw_on_a_fund_not_yet_opened_is_refused_in_chinese(officer):
    with pytest.raises(ValidationError, match="尚未开设"):
        services.fund_draw(fund_code="jishijiu", month=dt.date(2026, 3, 1), amount=Decimal(1), actor=officer)


def test_the_central_care_top_up_is_drawn_from_the_charity_fund_with_the_elders(
    officer, make_project, make_org, make_person, make_user
):
    from minzheng.benefits.models import Enrolment
    from minzheng.elderly.models import CentralCareCost

    fund = make_project(
        kind="fund",
        fund_code="central_care",
        name="集中照护补足基金",
        purpose="低保失能老人集中照护",
        filing_number="",
        platform="",
        target=None,
        ends_on=None,
        org=make_org(qualified=False, name="任城区慈善会"),
    )
    give(officer, fund, "50000")
    recorder = make_user(Role.COUNTY_OFFICER, "370811")
    elders = [make_person(name=f"老人{i}", birth=dt.date(1940, 1, i + 1)) for i in range(2)]
    for i, e in enumerate(elders):
        CentralCareCost.objects.create(
            person=e,
            region_code=e.region_code,
            year=2025,
            annual_cost=20000,
            dibao_paid=12000,
            charity_paid=8000 + i,
            recorded_by=recorder,
        )
    assert not Enrolment.objects.exists()  # rows made directly: only the charity side is under test
    s = services.central_care_draw(actor=officer, year=2025)
    assert s.amount == Decimal(16001) and s.project_id == fund.pk
    assert set(s.beneficiaries.values_list("pk", flat=True)) == {e.pk for e in elders}
    assert services.central_care_draw(actor=officer, year=2025).pk == s.pk
    with pytest.raises(ValidationError, match="没有需慈善基金补足"):
        services.central_care_draw(actor=officer, year=2024)


def test_a_community_fund_belongs_to_one_community(make_project):
    with pytest.raises(ValidationError, match="村（社区）"):
        make_project(kind="community", filing_number="", platform="", target=None, ends_on=None)
    fund = make_project(
        kind="community", filing_number="", platform="", target=None, ends_on=None, region_code="370811001001"
    )
    assert fund.region_code == "370811001001" and fund.filing_number == ""
