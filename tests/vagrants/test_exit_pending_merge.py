"""A person whose identity merge still awaits the second officer's check is not handed home, escorted or
referred on that identity; walking out (自行离站) is recorded as the fact it is."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.people.models import UnidentifiedRecord
from minzheng.people.services import unidentified_merge_approve
from minzheng.vagrants import services
from minzheng.vagrants.models import LedgerEntry

from .test_tracing import registry  # noqa: F401  (the fixture)


def _confirmed(unknown_intake, staff, registry):  # noqa: F811
    stay = unknown_intake()
    tracing = services.tracing_open(actor=staff["officer"], stay=stay, claimed_name="王建国")
    services.tracing_confirm(
        actor=staff["officer"], tracing=tracing, person_id=registry["match"].pk, note="其子视频辨认"
    )
    stay.refresh_from_db()
    return stay


@pytest.mark.parametrize("kind", ["returned", "escorted", "tekun", "facility"])
def test_an_exit_is_refused_while_the_identity_merge_awaits_review(unknown_intake, staff, registry, kind):  # noqa: F811
    stay = _confirmed(unknown_intake, staff, registry)
    with pytest.raises(ValidationError, match="等待复核"):
        services.stay_exit(actor=staff["officer"], stay=stay, kind=kind, on=timezone.localdate())
    stay.refresh_from_db()
    assert stay.exit_kind == "" or stay.exit_kind is None
    assert not LedgerEntry.objects.filter(person=registry["match"]).exists()


def test_after_the_check_the_person_goes_home_and_onto_the_ledger(unknown_intake, staff, registry):  # noqa: F811
    stay = _confirmed(unknown_intake, staff, registry)
    unidentified_merge_approve(
        actor=staff["checker"], record=UnidentifiedRecord.objects.get(person=stay.person)
    )
    services.stay_exit(actor=staff["officer"], stay=stay, kind="returned", on=timezone.localdate())
    assert LedgerEntry.objects.filter(person=registry["match"], kind="returned").exists()


def test_walking_out_is_recorded_even_while_the_merge_awaits_review(unknown_intake, staff, registry):  # noqa: F811
    stay = _confirmed(unknown_intake, staff, registry)
    services.stay_exit(
        actor=staff["officer"], stay=stay, kind="left", on=timezone.localdate(), note="夜间自行离开"
    )
    stay.refresh_from_db()
    assert stay.exit_kind == "left"


def _page(user, stay) -> str:
    c = Client()
    c.force_login(user)
    return c.get(f"/vagrants/stay/{stay.pk}/").content.decode()


def _offered(html: str) -> set[str]:
    form = html[html.index('id="exit-form"') :]
    form = form[: form.index("</form>")]
    return set(re.findall(r'<option value="([a-z_]+)"', form))


def test_while_the_merge_awaits_its_check_the_page_names_the_checkers_and_offers_only_walking_out(
    unknown_intake,
    staff,
    registry,  # noqa: F811
):
    stay = _confirmed(unknown_intake, staff, registry)
    html = _page(staff["officer"], stay)
    assert (
        'id="merge-waiting"' in html
        and "须由县级或乡镇审批岗位的工作人员复核" in html
        and "提出人本人不能复核" in html
    )
    assert f'href="/people/{stay.person_id}/#merge-pending"' in html
    assert _offered(html) == {"left"}
    assert "复核通过前只能登记自行离站" in html


def test_after_the_check_every_way_out_is_offered(unknown_intake, staff, registry):  # noqa: F811
    stay = _confirmed(unknown_intake, staff, registry)
    unidentified_merge_approve(
        actor=staff["checker"], record=UnidentifiedRecord.objects.get(person=stay.person)
    )
    html = _page(staff["officer"], stay)
    assert 'id="merge-waiting"' not in html and 'id="exit-held"' not in html
    assert _offered(html) == {"returned", "escorted", "tekun", "facility", "left"}


def test_an_unidentified_stay_is_not_offered_a_return_home(unknown_intake, staff):
    stay = unknown_intake()
    html = _page(staff["officer"], stay)
    assert _offered(html) == {"tekun", "facility", "left"} and "身份尚未确认" in html


def test_a_merge_asked_and_checked_on_the_person_page_lets_the_stay_go_home(unknown_intake, staff, registry):  # noqa: F811
    """The walk merged the temporary record on the person page (people's own path, not tracing): after the
    check the stay still said 身份尚未确认 and could not return him home."""
    from minzheng.people.services import unidentified_merge_request

    stay = unknown_intake()
    record = UnidentifiedRecord.objects.get(person=stay.person)
    unidentified_merge_request(
        actor=staff["officer"], record=record, id_number=registry["match"].id_number, note="其子视频辨认"
    )
    unidentified_merge_approve(actor=staff["checker"], record=record)
    stay.refresh_from_db()
    assert "returned" in services.exit_kinds_open(stay=stay)[0]
    services.stay_exit(actor=staff["officer"], stay=stay, kind="returned", on=timezone.localdate())
    stay.refresh_from_db()
    assert stay.subject == registry["match"]
    assert LedgerEntry.objects.filter(person=registry["match"], kind="returned").exists()
