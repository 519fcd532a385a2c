"""core.views.service_errors: a refused service call becomes one Chinese error message and the view goes on
to its fallback; a malformed form field shows the view's fixed message; nothing else is swallowed."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.test import RequestFactory

from minzheng.core.views import service_errors


def _request(data: dict[str, str] | None = None) -> HttpRequest:
    request = RequestFactory().post("/", data or {})
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _shown(request: HttpRequest) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(request)]


def _view(request: HttpRequest, error: Exception | None, **kw: str) -> str:
    with service_errors(request, **kw):
        if error is not None:
            raise error
        messages.success(request, "已办理")
        return "success"
    return "fallback"


def test_without_an_error_the_block_returns_its_response_and_adds_only_its_own_message():
    request = _request()
    assert _view(request, None) == "success"
    assert _shown(request) == [("success", "已办理")]


def test_a_validation_error_becomes_one_error_message_joined_with_a_chinese_semicolon():
    request = _request()
    error = ValidationError(["开户行不能为空", "银行账号应为12至19位数字"])
    assert _view(request, error) == "fallback"
    assert _shown(request) == [("error", "开户行不能为空；银行账号应为12至19位数字")]


def test_a_validation_error_is_shown_even_when_the_view_has_a_bad_input_message():
    request = _request()
    assert _view(request, ValidationError("发放名册已冻结"), bad_input="金额应为整数") == "fallback"
    assert _shown(request) == [("error", "发放名册已冻结")]


@pytest.mark.parametrize("error", [ValueError("invalid literal for int()"), KeyError("enrolment")])
def test_a_malformed_or_missing_field_shows_the_fixed_bad_input_message(error):
    request = _request()
    assert _view(request, error, bad_input="待遇编号和金额应为整数") == "fallback"
    assert _shown(request) == [("error", "待遇编号和金额应为整数")]


def test_a_missing_post_field_is_bad_input_too():
    request = _request({"amount": "x"})
    with service_errors(request, bad_input="待遇编号和金额应为整数"):
        int(request.POST["enrolment"])
    assert _shown(request) == [("error", "待遇编号和金额应为整数")]


@pytest.mark.parametrize("error", [ValueError("bug"), KeyError("bug")])
def test_without_a_bad_input_message_value_and_key_errors_are_not_swallowed(error):
    request = _request()
    with pytest.raises(type(error)):
        _view(request, error)
    assert _shown(request) == []


def test_other_exceptions_such_as_not_found_pass_through():
    request = _request()
    with pytest.raises(Http404):
        _view(request, Http404(), bad_input="参数有误")
    assert _shown(request) == []
