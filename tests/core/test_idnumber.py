import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from minzheng.core.idnumber import check_char, make_id_number, parse_id_number
from minzheng.core.masking import mask_id_number, mask_phone


def test_a_valid_id_number_yields_birth_date_sex_and_region():
    info = parse_id_number("11010519491231002X")  # GB 11643 standard's own example
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.sex == "F"
    assert info.region_code == "110105"


def test_the_check_character_follows_iso_7064_mod_11_2():
    assert check_char("11010519491231002") == "X"
    assert make_id_number("370811", dt.date(1980, 1, 1), 123, "M")[-1] == check_char(
        make_id_number("370811", dt.date(1980, 1, 1), 123, "M")[:17]
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("37081119800101123", "18位"),
        ("3708111980010112A1", "数字"),
        ("370811198002301231", "出生日期"),
        ("110105194912310021", "校验位"),
    ],
)
def test_a_malformed_id_number_is_refused_with_a_chinese_message(raw, message):
    with pytest.raises(ValidationError) as err:
        parse_id_number(raw)
    assert message in err.value.messages[0]


def test_lower_case_x_and_spaces_are_normalised():
    assert parse_id_number(" 11010519491231002x ").id_number == "11010519491231002X"


def test_ids_and_phones_are_masked_keeping_region_and_last_four():
    assert mask_id_number("370811198001011231") == "370811********1231"
    assert mask_phone("13812345678") == "138****5678"
