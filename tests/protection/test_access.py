"""The most sensitive data in the system: a protection case is read only by its assigned workers and the
county child-welfare officers who assign them; everyone else gets 404 (pages and API), every read is
audited, and a search never shows the unassigned anything."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.protection import services


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize(
    "who", ["other_director", "other_supervisor", "other_county_officer", "township_clerk", "county_officer"]
)
def test_an_unassigned_user_gets_404_on_the_case_page_its_actions_and_the_api(reported, outsiders, who):
    c = _client(outsiders[who])
    assert c.get(f"/protection/{reported.pk}/").status_code == 404
    assert c.post(f"/protection/{reported.pk}/assess/", {"item": ["injury"]}).status_code == 404
    assert c.get(f"/api/v1/protection/cases/{reported.pk}").status_code == 404
    reported.refresh_from_db()
    assert reported.state == "reported"


def test_a_missing_case_and_an_unassigned_case_answer_alike(reported, outsiders):
    c = _client(outsiders["other_director"])
    assert c.get("/protection/999999/").status_code == c.get(f"/protection/{reported.pk}/").status_code == 404


def test_the_assigned_director_and_the_county_officer_who_assigns_read_the_case(team, reported):
    for user in (team["director"], team["officer"]):
        r = _client(user).get(f"/protection/{reported.pk}/")
        assert r.status_code == 200
        assert "疑似遭受家庭暴力" in r.content.decode()
        assert "13912345678" not in r.content.decode()


def test_a_supervisor_reads_the_case_once_assigned_and_not_before(team, reported):
    c = _client(team["supervisor"])
    assert c.get(f"/protection/{reported.pk}/").status_code == 404
    services.case_assign(
        actor=team["officer"], case=reported, user_id=team["supervisor"].pk, duty="supervisor"
    )
    assert c.get(f"/protection/{reported.pk}/").status_code == 200


def test_only_the_officer_assigns_and_only_staff_of_the_cases_region(team, reported, outsiders):
    with pytest.raises(ValidationError):
        services.case_assign(
            actor=team["director"], case=reported, user_id=team["supervisor"].pk, duty="supervisor"
        )
    with pytest.raises(ValidationError, match="不能承办"):
        services.case_assign(
            actor=team["officer"], case=reported, user_id=outsiders["other_county_officer"].pk, duty="officer"
        )


def test_every_read_is_audited_and_so_is_every_refusal(team, reported, outsiders):
    before = AuditLog.objects.filter(target_type="protectioncase", event_type="reveal").count()
    _client(team["director"]).get(f"/protection/{reported.pk}/")
    _client(team["director"]).get(f"/protection/{reported.pk}/")
    _client(team["officer"]).get(f"/api/v1/protection/cases/{reported.pk}")
    reads = AuditLog.objects.filter(target_type="protectioncase", event_type="reveal")
    assert reads.count() == before + 3
    _client(outsiders["other_director"]).get(f"/protection/{reported.pk}/")
    assert AuditLog.objects.filter(
        target_type="protectioncase", event_type="denied", actor=outsiders["other_director"]
    ).exists()


def test_search_shows_the_unassigned_nothing_of_the_case(team, reported, outsiders):
    r = _client(outsiders["other_director"]).get("/protection/", {"q": "小明"})
    assert r.status_code == 200
    rows = r.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    assert f'href="/protection/{reported.pk}/"' not in rows and "小明" not in rows
    assert _client(outsiders["other_supervisor"]).get("/api/v1/protection/cases", {"q": "小明"}).json() == []
    mine = _client(team["director"]).get("/protection/", {"q": "小明"}).content.decode()
    assert f'href="/protection/{reported.pk}/"' in mine


def test_the_api_lists_only_readable_cases_with_no_child_details(team, reported):
    rows = _client(team["director"]).get("/api/v1/protection/cases").json()
    assert [r["id"] for r in rows] == [reported.pk]
    assert "小明" not in str(rows)


def test_a_user_without_the_permission_is_refused_the_list(outsiders):
    assert _client(outsiders["township_clerk"]).get("/protection/").status_code == 403


def test_the_case_list_runs_a_bounded_number_of_queries(team, child, django_assert_max_num_queries):

    for _ in range(5):
        services.case_report(
            actor=team["director"],
            source="police",
            summary="派出所通报",
            reported_on=timezone.localdate(),
            child_id=child.pk,
        )
    c = _client(team["director"])
    with django_assert_max_num_queries(12):
        r = c.get("/protection/")
    assert r.content.decode().count("/protection/") >= 5


def test_a_report_in_his_township_is_assigned_to_the_supervisor_on_the_roll_who_finds_it_in_list_and_page(
    team, child, outsiders, make_user
):
    """The walk: the county officer filed a report in dudao's township and dudao, the township's supervisor
    on the workforce roll, found neither the case in his list nor its page (未找到)."""
    import datetime as dt

    from minzheng.accounts.models import Role
    from minzheng.children.services import child_worker_appoint

    elsewhere = make_user(Role.CHILD_SUPERVISOR, child.region_code[:6] + "002")  # another township
    for user in (team["supervisor"], elsewhere):
        child_worker_appoint(
            actor=team["officer"], user=user, position="supervisor", appointed_on=dt.date(2024, 3, 1)
        )
    case = services.case_report(
        actor=team["officer"],
        source="hotline",
        summary="12345热线：邻居反映孩子长期独自在家",
        reported_on=timezone.localdate(),
        child_id=child.pk,
    )
    assert case.assignments.filter(user=team["supervisor"], duty="supervisor", active=True).exists()
    c = _client(team["supervisor"])
    assert f'href="/protection/{case.pk}/"' in c.get("/protection/").content.decode()
    assert c.get(f"/protection/{case.pk}/").status_code == 200
    assert c.get(f"/api/v1/protection/cases/{case.pk}").status_code == 200
    for outsider in (outsiders["other_supervisor"], elsewhere):
        oc = _client(outsider)
        assert oc.get(f"/protection/{case.pk}/").status_code == 404
        assert f"/protection/{case.pk}/" not in oc.get("/protection/").content.decode()


def test_the_list_and_the_page_answer_by_one_rule_a_non_number_id_is_missing(team, reported):
    from minzheng.protection.selectors import case_get_for_actor, case_readable, readable_cases

    for user in (team["director"], team["supervisor"], team["officer"]):
        listed = readable_cases(user).filter(pk=reported.pk).exists()
        assert (
            listed
            == case_readable(user, reported)
            == (case_get_for_actor(actor=user, pk=reported.pk) is not None)
        )
    assert case_get_for_actor(actor=team["officer"], pk="x1") is None
    with pytest.raises(services.CaseNotFound):
        services.case_view(actor=team["officer"], case_id="x1")
