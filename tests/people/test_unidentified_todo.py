"""The merge to-do on the checker's 首页 shows the day the merge was asked in Beijing time."""

import datetime as dt

from minzheng.people.models import UnidentifiedRecord
from minzheng.people.services import unidentified_merge_request
from minzheng.web.selectors import _merges


def test_a_merge_asked_at_02_01_beijing_time_shows_that_local_day(register, patrol, make_user, make_person):
    record = register()
    unidentified_merge_request(
        actor=patrol, record=record, id_number=make_person(name="王五").id_number, note="亲属到站辨认"
    )
    asked = dt.datetime(2026, 11, 30, 18, 1, tzinfo=dt.UTC)  # 2026-12-01 02:01 in Beijing
    UnidentifiedRecord.objects.filter(pk=record.pk).update(merge_requested_at=asked)
    todo = _merges(make_user("county_officer", "370811"), dt.date(2026, 12, 1))
    assert [i.note for i in todo.items] == ["申请于 2026-12-01"]
