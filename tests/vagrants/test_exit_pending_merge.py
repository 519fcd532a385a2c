"""A person whose identity merge still awaits the second officer's check is not handed home, escorted or
referred on that identity; walking out (自行离站) is recorded as the fact it is."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
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
    with pytest.raises(ValidationError, match="等待审核"):
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
