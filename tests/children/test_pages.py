"""The category case pages: the clerk takes a child in from the parents' situations and checks the
evidence, the approver decides, the page shows the why and offers the letter (authority, 文号, seal
position, appeal route); bad input gets a Chinese message and writes nothing."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from minzheng.children.models import CategoryCase
from tests.conftest import TOWN_A

FORM = {
    "father_situation": "dead",
    "father_evidence_kind": "死亡证明",
    "father_evidence_number": "SW-1",
    "father_evidence_date": "2023-01-01",
    "father_evidence_issuer": "任城区人民医院",
    "mother_situation": "lost_contact",
    "mother_evidence_kind": "派出所出具的查找不到证明",
    "mother_evidence_number": "GA-7",
    "mother_evidence_date": "2024-02-02",
    "mother_evidence_issuer": "任城区公安分局",
    "guardian_name": "李奶奶",
}


def test_a_clerk_takes_in_and_an_approver_decides_a_de_facto_unsupported_child(make_user, child):
    clerk, approver = Client(), Client()
    clerk.force_login(make_user("township_clerk", TOWN_A))
    approver.force_login(make_user("township_approver", TOWN_A))
    r = clerk.post(reverse("children-case-new"), {**FORM, "id_number": child.id_number})
    assert r.status_code == 302, r.content.decode()
    case = CategoryCase.objects.get()
    assert clerk.post(reverse("children-case-act", args=[case.pk, "verify"])).status_code == 302
    page = approver.get(reverse("children-case", args=[case.pk])).content.decode()
    assert 'id="action-decide"' in page and "失联" in page and "任城区公安分局" in page
    assert approver.post(reverse("children-case-act", args=[case.pk, "decide"])).status_code == 302
    page = approver.get(reverse("children-case", args=[case.pk])).content.decode()
    assert "事实无人抚养儿童" in page and "父母情形：死亡、失联" in page and "打印决定书" in page
    letter = approver.get(reverse("children-case-letter", args=[case.pk])).content.decode()
    assert "民儿认〔" in letter and "人民政府" in letter and "行政复议" in letter and "盖章" in letter
    # A clean print page: no navigation or account bar; the appeal names both bodies and both limits.
    assert "<nav" not in letter and "退出" not in letter and "css/document.css" in letter
    assert "60日内" in letter and "6个月内" in letter and "人民法院提起行政诉讼" in letter
    assert child.id_number not in letter


def test_a_missing_child_or_evidence_gets_a_chinese_message_and_writes_nothing(make_user, child):
    c = Client()
    c.force_login(make_user("township_clerk", TOWN_A))
    r = c.post(reverse("children-case-new"), {**FORM, "id_number": "370811200001010000"})
    assert r.status_code == 400 and "没有找到该身份证号的儿童" in r.content.decode()
    r = c.post(
        reverse("children-case-new"), {**FORM, "id_number": child.id_number, "mother_evidence_issuer": ""}
    )
    assert r.status_code == 400 and "须登记证明材料的出具机关" in r.content.decode()
    r = c.post(
        reverse("children-case-new"), {**FORM, "id_number": child.id_number, "father_evidence_date": "昨天"}
    )
    assert r.status_code == 400 and "出具日期格式应为年-月-日" in r.content.decode()
    assert not CategoryCase.objects.exists()


def test_the_case_list_pages_in_few_queries(make_user, child, django_assert_max_num_queries):
    c = Client()
    clerk = make_user("township_clerk", TOWN_A)
    c.force_login(clerk)
    c.post(reverse("children-case-new"), {**FORM, "id_number": child.id_number})
    with django_assert_max_num_queries(12):
        page = c.get(reverse("children-cases")).content.decode()
    assert child.name in page and "已受理" in page
