"""A death ends the person's services when it is recorded — at the funeral case's first step, where
`person_record_death` is called — not only at the 停发 step; payments stay with the 停发 step, which ends
and reports nothing a second time."""

from __future__ import annotations

from django.test import Client

from minzheng.audit.models import AuditLog
from minzheng.benefits.models import Enrolment
from minzheng.casework.selectors import case_history
from minzheng.funeral import services
from minzheng.funeral.workflow import FUNERAL
from minzheng.programmes.services import TARGET
from minzheng.vagrants.models import LedgerEntry
from minzheng.vagrants.services import ledger_add

from .conftest import open_case, through_subsidy


def _on_ledger(officer, person):
    return ledger_add(actor=officer, person=person, kind="at_risk", risk="dementia", guardian="家属")


def test_recording_the_death_ends_the_244_ledger_entry_but_pays_on_until_the_stop_step(clerk, officer, elder):
    entry = _on_ledger(officer, elder)
    case = open_case(clerk, elder)
    assert case.state == "certified"
    assert not LedgerEntry.objects.get(pk=entry.pk).active
    # payments are the 停发 step's: both enrolments still open
    assert Enrolment.objects.filter(person=elder, last_month__isnull=True).count() == 2
    notes = [h["note"] for h in case_history(workflow=FUNERAL, case=case)]
    assert notes == [f"死亡证明{case.certificate_number}，终止1项服务"]


def test_the_case_page_and_the_family_receipt_list_the_services_ended_at_the_first_step(
    clerk, officer, elder
):
    _on_ledger(officer, elder)
    case = open_case(clerk, elder)
    c = Client()
    c.force_login(clerk)
    for url in (f"/funeral/{case.pk}/", f"/funeral/{case.pk}/letter/receipt/"):
        html = c.get(url).content.decode()
        assert 'id="funeral-services"' in html and "244台账" in html and "已销账：本人死亡" in html
        assert "已终止的服务" in html


def test_the_stop_step_neither_ends_nor_reports_the_services_a_second_time(clerk, officer, elder, home):
    _on_ledger(officer, elder)
    case = through_subsidy(clerk, open_case(clerk, elder), home)
    case = services.funeral_benefits_stop(actor=clerk, case=case)
    assert AuditLog.objects.filter(target_type=TARGET, target_id=str(elder.pk)).count() == 1
    notes = [h["note"] for h in case_history(workflow=FUNERAL, case=case)]
    assert any("终止1项服务" in n for n in notes if "死亡证明" in n)
    assert not any("终止" in n for n in notes if "停发" in n)
    assert not Enrolment.objects.filter(person=elder, last_month__isnull=True).exists()
