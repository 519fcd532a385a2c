import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from minzheng.facilities.models import CareWorker, Facility, Residency
from minzheng.facilities.selectors import care_workers_for_actor
from minzheng.facilities.services import care_worker_award, care_worker_create, outing_request


def test_an_awarded_care_worker_shows_the_policy_stipend(officer: Any, home: Facility, client: Any) -> None:
    w = care_worker_create(
        actor=officer, facility=home, name="孔秀英", training_hours=120, certificate="四级/中级工"
    )
    assert care_workers_for_actor(actor=officer) == [(w, None)]
    care_worker_award(actor=officer, worker=w, year=2023)
    assert care_workers_for_actor(actor=officer)[0][1] == 7200
    client.force_login(officer)
    page = client.get("/facilities/workers/").content.decode()
    assert "2023年获评，政府津贴7200元/年" in page and "累计培训120学时" in page


def test_a_care_worker_without_a_name_or_with_negative_hours_is_refused(officer: Any, home: Facility) -> None:
    with pytest.raises(ValidationError, match="姓名"):
        care_worker_create(actor=officer, facility=home, name=" ")
    with pytest.raises(ValidationError, match="不能为负"):
        care_worker_create(actor=officer, facility=home, name="甲", training_hours=-1)
    assert not CareWorker.objects.exists()


def test_another_carer_sees_the_outing_request_on_the_home_page(
    client: Any, carer: Any, make_user: Callable[..., Any], admit: Callable[..., Residency]
) -> None:
    r = admit()
    outing_request(
        actor=carer,
        residency=r,
        reason="回家过节",
        leave_on=dt.date(2025, 2, 1),
        return_by=dt.date(2025, 2, 2),
    )
    other = make_user("carer", r.region_code[:9])
    client.force_login(other)
    page = client.get("/").content.decode()
    assert "待审批外出申请" in page and "王大爷" in page
