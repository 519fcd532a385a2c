"""assistance's and people's desks read typed figures and dates through core.inputs, not private parsers."""

import pytest
from django.core.exceptions import ValidationError

from minzheng.assistance import views as assistance_views
from minzheng.core.inputs import form_decimal, form_int
from minzheng.people import views as people_views


@pytest.mark.parametrize(
    ("module", "name"),
    [
        (assistance_views, "_date"),
        (assistance_views, "_int"),
        (assistance_views, "_money"),
        (people_views, "_date"),
    ],
)
def test_the_assistance_and_people_desks_keep_no_parser_of_their_own(module, name):
    assert not hasattr(module, name)


def test_a_negative_amount_or_count_is_refused_as_negative_naming_the_field():
    with pytest.raises(ValidationError, match="收入不能为负数"):
        form_decimal("-5", "收入")
    with pytest.raises(ValidationError, match="参加人数不能为负数"):
        form_int("-1", "参加人数")


def test_a_figure_with_extra_digits_is_refused_as_beyond_reason_with_the_rule():
    with pytest.raises(ValidationError, match="申请金额超出合理范围（应为0至"):
        form_int(str(2**63), "申请金额")
    with pytest.raises(ValidationError, match="金融资产超出合理范围（应在0至"):
        form_decimal("99999999999", "金融资产")
