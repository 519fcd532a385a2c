"""A recorded capability assessment: two assessors, graded by the same code as the trial, the elder's
profile updated, next due a year later, the item detail audited on every read, bad input refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.elderly.models import CapabilityAssessment, ElderProfile
from minzheng.elderly.services import assessment_record
from tests.conftest import TOWN_A, TOWN_B

pytestmark = pytest.mark.django_db


def test_an_assessment_by_two_assessors_sets_the_elders_level_and_next_due(make_user, make_elder, capability):
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    elder = make_elder(82)
    on = timezone.localdate() - dt.timedelta(days=3)
    a = assessment_record(
        actor=clerk,
        person=elder,
        second_assessor=officer,
        capability=capability(50, diagnosis=True),
        assessed_on=on,
    )
    assert (a.total, a.preliminary_level, a.level) == (50, 2, 3)
    assert a.next_due == on.replace(year=on.year + 1)
    profile = ElderProfile.objects.get(person=elder)
    assert (profile.capability_level, profile.capability_assessed_on) == (3, on)


def test_one_assessor_alone_cannot_record_an_assessment(make_user, make_elder, capability):
    clerk = make_user("township_clerk", TOWN_A)
    with pytest.raises(ValidationError, match="两名"):
        assessment_record(
            actor=clerk,
            person=make_elder(),
            second_assessor=clerk,
            capability=capability(),
            assessed_on=timezone.localdate(),
        )
    assert not CapabilityAssessment.objects.exists()


def test_an_item_out_of_range_is_refused_and_nothing_is_written(make_user, make_elder, capability):
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    bad = capability()
    bad["mobility"]["stairs"] = 4
    with pytest.raises(ValidationError, match="上下楼梯"):
        assessment_record(
            actor=clerk,
            person=make_elder(),
            second_assessor=officer,
            capability=bad,
            assessed_on=timezone.localdate(),
        )
    assert not CapabilityAssessment.objects.exists() and not ElderProfile.objects.exists()


def test_the_form_previews_the_level_without_saving_then_saves(client, make_user, make_elder, capability):
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    elder = make_elder(80)
    client.force_login(clerk)
    form = {
        code: v
        for part in ("self_care", "mobility", "mental", "perception")
        for code, v in capability(29)[part].items()
    }
    url = reverse("elderly-assess", args=[elder.pk])
    page = client.post(url, {**form, "action": "preview"})
    assert page.status_code == 200 and "完全失能" in page.content.decode()
    assert not CapabilityAssessment.objects.exists()
    saved = client.post(
        url,
        {
            **form,
            "action": "save",
            "second_assessor": officer.pk,
            "assessed_on": timezone.localdate().isoformat(),
        },
    )
    a = CapabilityAssessment.objects.get()
    assert saved.status_code == 302 and a.level == 4 and a.second_assessor == officer


def test_the_form_answers_a_missing_item_with_a_chinese_message_not_a_500(client, make_user, make_elder):
    clerk = make_user("township_clerk", TOWN_A)
    client.force_login(clerk)
    page = client.post(
        reverse("elderly-assess", args=[make_elder().pk]), {"eating": "4", "action": "preview"}
    )
    assert page.status_code == 200 and "缺少" in page.content.decode()


def test_reading_an_assessments_items_is_audited_each_time(client, make_user, make_elder, capability):
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    a = assessment_record(
        actor=clerk,
        person=make_elder(),
        second_assessor=officer,
        capability=capability(70),
        assessed_on=timezone.localdate(),
    )
    client.force_login(officer)
    before = AuditLog.objects.filter(target_type="elderly.assessment", event_type="reveal").count()
    page = client.get(reverse("elderly-assessment", args=[a.pk]))
    assert page.status_code == 200 and "上下楼梯" in page.content.decode()
    assert (
        AuditLog.objects.filter(target_type="elderly.assessment", event_type="reveal").count() == before + 1
    )


def test_an_assessment_of_another_township_reads_as_missing(client, make_user, make_elder, capability):
    clerk, officer = make_user("township_clerk", TOWN_A), make_user("elderly_officer", "370811")
    a = assessment_record(
        actor=clerk,
        person=make_elder(),
        second_assessor=officer,
        capability=capability(),
        assessed_on=timezone.localdate(),
    )
    client.force_login(make_user("township_clerk", TOWN_B))
    assert client.get(reverse("elderly-assessment", args=[a.pk])).status_code == 404


def test_the_county_officer_finds_a_second_assessor_for_an_elder_of_a_township_without_a_clerk(
    client, make_user, make_elder, capability
):
    officer = make_user("elderly_officer", "370811")
    neighbour = make_user("township_clerk", "370811002")
    make_user("township_clerk", TOWN_B)  # another county: never offered
    elder = make_elder(82)  # lives in 370811001001, where no clerk works
    client.force_login(officer)
    page = client.get(f"/elderly/{elder.pk}/assess/").content.decode()
    assert f'<option value="{neighbour.pk}"' in page
    a = assessment_record(
        actor=officer,
        person=elder,
        second_assessor=neighbour,
        capability=capability(),
        assessed_on=timezone.localdate(),
    )
    assert a.second_assessor == neighbour


def test_a_second_assessor_from_another_county_is_refused(make_user, make_elder, capability):
    officer = make_user("elderly_officer", "370811")
    stranger = make_user("township_clerk", TOWN_B)
    with pytest.raises(ValidationError):
        assessment_record(
            actor=officer,
            person=make_elder(),
            second_assessor=stranger,
            capability=capability(),
            assessed_on=timezone.localdate(),
        )
    assert not CapabilityAssessment.objects.exists()


def test_the_forms_error_names_the_item_in_chinese_never_by_its_code(client, make_user, make_elder):
    import re

    from minzheng.elderly.capability import ITEMS

    clerk = make_user("township_clerk", TOWN_A)
    client.force_login(clerk)
    url = reverse("elderly-assess", args=[make_elder().pk])

    def error(post: dict[str, str]) -> str:
        body = client.post(url, {**post, "action": "preview"}).content.decode()
        found = re.search(r'id="assess-error">([^<]*)<', body)
        assert found, "no error shown"
        return found.group(1)

    missing = error({"grooming": "4"})
    out_of_range = error({**{code: "0" for code, _n, _h in ITEMS}, "eating": "9"})
    assert "缺少“进食”" in missing
    assert "“进食”应在0–4之间" in out_of_range
    assert not re.search(r"[a-z]", missing + out_of_range)  # no item code, no English


def test_the_trial_api_still_names_the_fields_code_for_the_caller_to_fix_its_json(capability):
    from minzheng.elderly.capability import parse_capability

    bad = capability(90)
    bad["self_care"]["eating"] = 9
    with pytest.raises(ValidationError) as api:
        parse_capability(bad)
    with pytest.raises(ValidationError) as desk:
        parse_capability(bad, codes=False)
    assert "（eating）" in api.value.messages[0] and desk.value.messages[0] == "“进食”应在0–4之间，收到9"
