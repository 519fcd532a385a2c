"""People read names, not codes: relations, rule tests, states, policy keys, amounts and regions."""

from __future__ import annotations

from decimal import Decimal

from minzheng.core import labels


def test_relations_and_rule_tests_read_as_chinese_words():
    assert labels.relation_label("head") == "户主"
    assert labels.relation_label("spouse") == "配偶"
    assert labels.relation_label("nonsense") == "其他"  # an unknown code never shows through
    assert labels.test_label("financial_assets") == "金融资产"
    assert labels.dimension_label("income_gap") == "收入差距"
    assert labels.education_label("university") == "大学本科及以上"


def test_states_read_by_their_names(db):
    assert labels.state_label("draft") == "草稿"
    assert labels.state_label("submitted") == "已受理"


def test_amounts_have_no_trailing_zeros_and_keep_their_sign():
    assert labels.amount(Decimal("537.0000")) == "537元"
    assert labels.amount("193.3333") == "193.33元"
    assert labels.amount(-12.5) == "-12.5元"
    assert labels.amount(Decimal("0.2000"), "比例") == "20%"
    assert labels.number("1197") == "1197"


def test_policy_keys_read_by_their_parameter_labels(db):
    rows = dict(
        labels.policy_rows({"dibao.standard": "537.0000", "dibao.employment_deduction_rate": "0.2000"})
    )
    assert rows == {"低保标准": "537元/人·月", "就业成本扣减比例": "20%"}
    assert labels.policy_labels(["no.such.key"])["no.such.key"][0] == "政策参数"


def test_region_codes_become_names(db):
    assert labels.region_name("370811") == "任城区"
    assert labels.region_name("370811001") == "王邹街道"
    assert labels.region_name("999999") == "未知区划"
    text = labels.humanise("急难发生地370811001受理；有机动车2辆（car、truck）")
    assert "370811001" not in text and "王邹街道" in text and "（小汽车、货车）" in text
