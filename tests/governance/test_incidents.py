from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from minzheng.accounts.models import Role
from minzheng.casework.models import CaseEvent
from minzheng.governance import selectors, services
from minzheng.governance.models import Incident, IncidentCategory
from minzheng.policy.selectors import policy_resolve
from tests.conftest import TOWN_A, VILLAGE_A

from .conftest import GRID_A, GRID_A2

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _png() -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return SimpleUploadedFile("site.png", out.getvalue(), content_type="image/png")


def _report(actor: Any, code: str = "dispute", on: dt.date = DAY, **kw: Any) -> Incident:
    return services.incident_report(
        actor=actor,
        category=IncidentCategory.objects.get(code=code),
        description="楼道堆物引发邻里纠纷",
        on=on,
        **kw,
    )


def test_a_reported_incident_is_routed_to_its_categorys_office_with_the_policy_time_limit(wangge):
    incident = _report(wangge, "safety")
    days = policy_resolve(on=DAY, region_code=GRID_A, hukou_type="").get("governance.incident_days.safety")
    assert incident.office == IncidentCategory.objects.get(code="safety").office
    assert incident.due_on == DAY + dt.timedelta(days=int(days))
    assert incident.region_code == GRID_A and incident.state == "reported"


def test_every_category_has_a_routing_office_and_a_time_limit_in_policy():
    policy = policy_resolve(on=DAY, region_code=GRID_A, hukou_type="")
    names = set()
    for c in IncidentCategory.objects.all():
        assert c.office
        assert policy.get(c.days_key) > 0
        names.add(c.name)
    assert names == {"矛盾纠纷", "安全隐患", "困难群众", "环境卫生", "其他"}


def test_the_township_accepts_handles_and_closes_an_incident_and_the_reporter_sees_the_result(wangge, clerk):
    incident = _report(wangge)
    services.incident_accept(actor=clerk, incident=incident)
    services.incident_handle(actor=clerk, incident=incident, result="已调解，双方签订协议")
    services.incident_close(actor=clerk, incident=incident, on=DAY + dt.timedelta(days=2))
    incident.refresh_from_db()
    assert incident.state == "closed" and incident.closed_on == DAY + dt.timedelta(days=2)
    assert CaseEvent.objects.filter(case_id=incident.pk, workflow="grid_incident").count() == 3
    body = _login(wangge).get(reverse("governance-incident", args=[incident.pk])).content.decode()
    assert "已调解，双方签订协议" in body and "已办结" in body and "按时办结" in body


def test_a_grid_worker_cannot_accept_and_a_township_clerk_cannot_report(wangge, clerk):
    incident = _report(wangge)
    with pytest.raises(ValidationError):
        services.incident_accept(actor=wangge, incident=incident)
    with pytest.raises(ValidationError):
        _report(clerk)
    assert Incident.objects.get(pk=incident.pk).state == "reported"


def test_another_townships_clerk_cannot_handle_or_see_the_incident(wangge, clerk_b):
    incident = _report(wangge)
    with pytest.raises(ValidationError):
        services.incident_accept(actor=clerk_b, incident=incident)
    c = _login(clerk_b)
    assert c.get(reverse("governance-incident", args=[incident.pk])).status_code == 404
    assert c.post(reverse("governance-incident-act", args=[incident.pk, "accept"])).status_code == 404


def test_another_grids_worker_does_not_see_the_incident(wangge, wangge2):
    incident = _report(wangge)
    assert _login(wangge2).get(reverse("governance-incident", args=[incident.pk])).status_code == 404
    assert not selectors.readable_incidents(wangge2).exists()


def test_handling_needs_a_result_and_an_empty_one_changes_nothing(wangge, clerk):
    incident = _report(wangge)
    services.incident_accept(actor=clerk, incident=incident)
    r = _login(clerk).post(
        reverse("governance-incident-act", args=[incident.pk, "handle"]), {"result": "  "}, follow=True
    )
    assert "请填写办理结果" in r.content.decode()
    assert Incident.objects.get(pk=incident.pk).state == "accepted"


def test_the_pages_offer_only_the_actions_of_the_current_step(wangge, clerk):
    incident = _report(wangge)
    body = _login(clerk).get(reverse("governance-incident", args=[incident.pk])).content.decode()
    assert 'id="gov-accept"' in body and 'id="gov-close"' not in body
    worker_body = _login(wangge).get(reverse("governance-incident", args=[incident.pk])).content.decode()
    assert 'id="gov-accept"' not in worker_body


def test_a_household_of_another_grid_cannot_be_named_on_a_report(wangge, placed):
    other = placed(GRID_A2)
    with pytest.raises(ValidationError, match="不在您的网格内"):
        _report(wangge, household=other)
    mine = placed(GRID_A)
    assert _report(wangge, household=mine).household == mine


def test_a_photo_is_kept_and_a_file_that_is_not_a_photo_is_refused(wangge):
    incident = _report(wangge, photo=_png())
    assert incident.photo
    r = _login(wangge).get(reverse("governance-incident-photo", args=[incident.pk]))
    assert r.status_code == 200
    with pytest.raises(ValidationError, match="JPG或PNG"):
        _report(wangge, photo=SimpleUploadedFile("x.png", b"<?php echo 1; ?>"))


def test_the_report_page_reports_an_incident_and_a_bad_form_is_a_chinese_message(wangge):
    c = _login(wangge)
    r = c.post(reverse("governance-incident-new"), {"category": "", "description": "x"}, follow=True)
    assert "请选择事件类别" in r.content.decode()
    r = c.post(reverse("governance-incident-new"), {"category": "sanitation", "description": "垃圾未清运"})
    assert r.status_code == 302
    assert Incident.objects.get().category.code == "sanitation"


def test_overdue_incidents_are_listed_and_counted_on_the_home_todo(wangge, clerk):
    late = _report(wangge, on=DAY - dt.timedelta(days=60))
    _report(wangge, on=DAY)
    assert list(selectors.overdue_incidents(actor=clerk, on=DAY)) == [late]
    todo = selectors.overdue_todo(clerk, DAY)
    assert todo.count == 1 and todo.items[0].url.endswith(f"/{late.pk}/")
    assert selectors.to_accept_todo(clerk, DAY).count == 2


def test_the_todos_cost_two_queries_whatever_the_number_of_incidents(
    wangge, clerk, django_assert_num_queries
):
    for i in range(6):
        _report(wangge, on=DAY - dt.timedelta(days=30 + i))
    with django_assert_num_queries(2):
        selectors.overdue_todo(clerk, DAY)
    with django_assert_num_queries(2):
        selectors.to_accept_todo(clerk, DAY)


def test_the_closed_on_time_rate_is_by_township(wangge, clerk, make_user):
    on_time = _report(wangge)
    late = _report(wangge)
    for i, closed in ((on_time, DAY), (late, DAY + dt.timedelta(days=60))):
        services.incident_accept(actor=clerk, incident=i)
        services.incident_handle(actor=clerk, incident=i, result="已处理")
        services.incident_close(actor=clerk, incident=i, on=closed)
    _report(wangge)
    city = make_user(Role.CITY_OFFICER, "370800")
    rows = selectors.on_time_rates(actor=city, on=DAY)
    assert [(r.code, r.closed, r.on_time, r.open) for r in rows] == [(TOWN_A, 2, 1, 1)]
    assert rows[0].rate == 50
    assert "50.0%" in _login(city).get(reverse("governance-rates")).content.decode()


def test_the_incident_list_is_a_fixed_number_of_queries(wangge, django_assert_max_num_queries):
    for _ in range(8):
        _report(wangge)
    c = _login(wangge)
    with django_assert_max_num_queries(12):
        assert c.get(reverse("governance-incidents")).status_code == 200


def test_a_stale_second_accept_is_refused(wangge, clerk, make_user):
    incident = _report(wangge)
    other = make_user(Role.TOWNSHIP_APPROVER, TOWN_A)
    stale = Incident.objects.get(pk=incident.pk)
    services.incident_accept(actor=clerk, incident=incident)
    with pytest.raises(ValidationError):
        services.incident_accept(actor=other, incident=stale)
    assert VILLAGE_A in GRID_A
