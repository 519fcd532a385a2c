from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from minzheng.audit.models import AuditLog
from minzheng.regions.models import Region
from minzheng.villageaffairs import services
from minzheng.villageaffairs.models import CatalogueItem, Disclosure, Question
from minzheng.villageaffairs.periods import due_q
from tests.conftest import VILLAGE_A

from .conftest import DAY, PERIOD, client


def test_the_village_assistant_lands_on_the_village_period_and_publishes_a_missing_item(assistant):
    c = client(assistant)
    village = Region.objects.get(code=VILLAGE_A)
    r = c.get("/villageaffairs/")
    assert r.status_code == 302 and r.url.startswith(f"/villageaffairs/village/{village.pk}/")
    page = c.get(f"/villageaffairs/village/{village.pk}/?period={PERIOD}").content.decode()
    assert "未公开" in page and "还有" in page
    item = CatalogueItem.objects.filter(due_q(PERIOD)).first()
    form = c.get(f"/villageaffairs/village/{village.pk}/publish/?period={PERIOD}&item={item.pk}")
    assert item.name in form.content.decode()
    r = c.post(
        f"/villageaffairs/village/{village.pk}/publish/",
        {
            "period": PERIOD,
            "item": item.pk,
            "text": "本月收支明细",
            "published_on": DAY.isoformat(),
            "files": SimpleUploadedFile("明细.pdf", b"%PDF-1.4 x"),
        },
    )
    assert r.status_code == 302
    d = Disclosure.objects.get()
    assert d.attachments.count() == 1
    assert c.get(f"/villageaffairs/disclosure/{d.pk}/").status_code == 200
    assert c.get(f"/villageaffairs/attachment/{d.attachments.get().pk}/").status_code == 200


def test_bad_input_gets_a_chinese_message_and_writes_nothing(assistant):
    c = client(assistant)
    village = Region.objects.get(code=VILLAGE_A)
    item = CatalogueItem.objects.filter(due_q(PERIOD)).first()
    for data in (
        {"period": "2026-13", "item": item.pk, "text": "x", "published_on": DAY.isoformat()},
        {"period": PERIOD, "item": "abc", "text": "x", "published_on": DAY.isoformat()},
        {"period": PERIOD, "item": item.pk, "text": "x", "published_on": "2026-02-30"},
        {"period": PERIOD, "item": item.pk, "text": "", "published_on": DAY.isoformat()},
    ):
        r = c.post(f"/villageaffairs/village/{village.pk}/publish/", data, follow=True)
        assert r.status_code == 200
        assert any("公开" in str(m) or "日期" in str(m) for m in r.context["messages"])
    assert not Disclosure.objects.exists()
    assert c.get(f"/villageaffairs/village/{village.pk}/?period=abc").status_code == 200


def test_the_question_flow_through_the_pages_ends_on_the_villages_public_list(assistant, clerk, approver):
    village = Region.objects.get(code=VILLAGE_A)
    a = client(assistant)
    r = a.post(
        "/villageaffairs/questions/new/",
        {"village": VILLAGE_A, "text": "低保名单为什么没有公示？", "raised_on": DAY.isoformat(), "item": ""},
    )
    q = Question.objects.get()
    assert r.status_code == 302 and r.url == f"/villageaffairs/questions/{q.pk}/"
    assert "act-assign" not in a.get(r.url).content.decode()
    c = client(clerk)
    assert 'id="act-assign"' in c.get(r.url).content.decode()
    c.post(f"/villageaffairs/questions/{q.pk}/assign/", {"version": 0, "assignee": "村委会"})
    c.post(f"/villageaffairs/questions/{q.pk}/answer/", {"version": 1, "answer": "已于本月补充公示"})
    client(approver).post(f"/villageaffairs/questions/{q.pk}/close/", {"version": 2})
    board = a.get(f"/villageaffairs/village/{village.pk}/board/").content.decode()
    assert "低保名单为什么没有公示？" in board and "已于本月补充公示" in board
    assert c.post(f"/villageaffairs/questions/{q.pk}/nonsense/").status_code == 404


def test_lists_have_bounded_queries_and_the_export_is_formula_safe_and_audited(
    assistant, clerk, django_assert_max_num_queries
):
    for i in range(12):
        services.question_record(actor=assistant, region_code=VILLAGE_A, text=f"问题{i}", raised_on=DAY)
    services.question_record(actor=assistant, region_code=VILLAGE_A, text='=HYPERLINK("x")', raised_on=DAY)
    c = client(clerk)
    with django_assert_max_num_queries(14):
        assert c.get("/villageaffairs/questions/").status_code == 200
    with django_assert_max_num_queries(16):
        assert c.get(f"/villageaffairs/?period={PERIOD}").status_code == 200
    ws = load_workbook(io.BytesIO(c.get("/villageaffairs/questions/?export=xlsx").content)).active
    texts = [row[2].value for row in ws.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("x")' in texts and len(texts) == 13
    assert AuditLog.objects.filter(event_type="export", target_type="villageaffairs.questions").exists()
    ws = load_workbook(io.BytesIO(c.get(f"/villageaffairs/?period={PERIOD}&export=xlsx").content)).active
    assert ws.max_row > 1
