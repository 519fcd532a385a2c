"""Issue 16 walk: the page of a temporary record merged into the identified person is a read-only history:
the notice "已合并至" with a link to the person, the record and its history, and no panel or action form."""

from __future__ import annotations

from django.test import Client

from minzheng.people import selectors
from minzheng.people.models import UnidentifiedRecord
from minzheng.people.services import unidentified_merge_approve, unidentified_merge_request


def _merged(register, patrol, make_user, make_person) -> tuple[UnidentifiedRecord, object]:
    record = register(estimated_age="85")  # old enough for the 高龄津贴 panel
    target = make_person(name="周八")
    unidentified_merge_request(actor=patrol, record=record, id_number=target.id_number, note="女儿到站辨认")
    unidentified_merge_approve(actor=make_user("township_approver", "370811001"), record=record)
    record.refresh_from_db()
    return record, target


def _page(user, person_id: int) -> str:
    c = Client()
    c.force_login(user)
    response = c.get(f"/people/{person_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_open_temporary_record_still_shows_its_panels(register, patrol):
    record = register(estimated_age="85")
    html = _page(patrol, record.person_id)
    assert "享受的保障项目" in html and 'id="payee-account"' in html


def test_a_merged_temporary_record_shows_the_notice_and_its_history_and_no_action_form(
    register, patrol, make_user, make_person
):
    record, target = _merged(register, patrol, make_user, make_person)
    html = _page(patrol, record.person_id)
    assert 'id="merged-banner"' in html and "已合并至" in html
    assert f'href="/people/{target.pk}/"' in html and "周八" in html
    assert record.person.temp_number in html and "火车站南广场" in html  # the record itself
    assert 'id="merge-history"' in html and "女儿到站辨认" in html  # who asked, on what, who approved
    assert "家庭变动记录" in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]  # the menu names every line
    assert "享受的保障项目" not in main and "高龄津贴" not in main
    assert 'id="payee-account' not in main
    assert "<form" not in main and "hx-post" not in main


def test_the_page_actions_come_from_the_selector(register, patrol, make_user, make_person):
    open_record = register()
    actions = selectors.person_page_actions(actor=patrol, person=open_record.person)
    assert actions.panels and actions.merged_into is None and actions.may_merge
    record, target = _merged(register, patrol, make_user, make_person)
    actions = selectors.person_page_actions(actor=patrol, person=record.person)
    assert actions.merged_into == target
    assert not (actions.panels or actions.may_merge or actions.may_approve)
    assert selectors.person_page_actions(actor=patrol, person=target).panels
