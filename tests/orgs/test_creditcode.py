"""统一社会信用代码 (GB 32100-2015): real published codes pass, a changed character fails the check."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from minzheng.orgs.creditcode import check_char, credit_code_error
from minzheng.orgs.services import credit_code_check

# Codes printed on real licences (published in the standard's commentary and public registers).
GOLDEN = ["91350100M000100Y43", "91110000600037341L", "12100000400000624D"]


@pytest.mark.parametrize("code", GOLDEN)
def test_published_codes_are_valid_and_their_check_character_is_recomputed(code):
    assert credit_code_error(code) == ""
    assert check_char(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y44", "校验位不正确"),
        ("91350100M000100Y4", "应为18位"),
        ("91350100M0001O0Y43", "不允许的字符"),
        ("9135A100M000100Y43", "行政区划码"),
    ],
)
def test_a_wrong_code_is_refused_with_the_reason(code, reason):
    assert reason in credit_code_error(code)


def test_lower_case_input_is_read_as_upper_case():
    assert credit_code_error("91350100m000100y43") == ""


def test_a_valid_code_of_another_registering_authority_or_kind_is_refused_for_a_social_group():
    with pytest.raises(ValidationError, match="登记管理部门或机构类别"):
        credit_code_check("91350100M000100Y43", "group")
    first17 = "52370811MJ1234567"  # 民办非企业单位, not a social group
    with pytest.raises(ValidationError, match="登记管理部门或机构类别"):
        credit_code_check(first17 + check_char(first17), "group")
    assert credit_code_check(first17 + check_char(first17), "service").startswith("52")
