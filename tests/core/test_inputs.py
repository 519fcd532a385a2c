import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.core.inputs import form_date, form_decimal, form_int


@pytest.mark.parametrize("typed", ["abc", "1.5", "-1", "9223372036854775808", "1e9"])
def test_a_typed_integer_that_is_not_a_plausible_count_is_refused_in_chinese(typed):
    with pytest.raises(ValidationError) as e:
        form_int(typed, "床位数")
    assert "床位数" in e.value.messages[0]


def test_a_blank_integer_is_none_only_when_it_is_optional():
    assert form_int(" ", "床位数", required=False) is None
    with pytest.raises(ValidationError, match="请填写床位数"):
        form_int("", "床位数")
    assert form_int(" 42 ", "床位数") == 42


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "-0.01", "12.345", "x", "2000000000"])
def test_an_amount_that_is_not_yuan_and_fen_is_refused(typed):
    with pytest.raises(ValidationError):
        form_decimal(typed, "补贴金额")


@pytest.mark.parametrize("typed", ["1e3", "1E3", "5e-1", "0x10", "1_000", "1.2.3"])
def test_an_amount_written_with_an_exponent_or_other_notation_is_refused_naming_the_field(typed):
    with pytest.raises(ValidationError, match="补贴金额应为数字"):
        form_decimal(typed, "补贴金额")


def test_an_amount_keeps_its_fen_and_reads_thousands_separators():
    assert form_decimal("1,234.5", "补贴金额") == Decimal("1234.50")


def test_a_date_in_year_9999_or_in_a_wrong_format_is_refused():
    with pytest.raises(ValidationError, match="登记日期"):
        form_date("9999-01-01", "登记日期")
    with pytest.raises(ValidationError, match="格式"):
        form_date("2026/01/01", "登记日期")
    today = timezone.localdate()
    assert form_date(today.isoformat(), "登记日期") == today
    assert form_date((today + dt.timedelta(days=30)).isoformat(), "预约日期", future_days=90)
