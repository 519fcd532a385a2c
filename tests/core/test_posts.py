"""core.posts knows a refusal by its kind (core.exceptions.Refusal, which accounts' Denied is), not by an
attribute: a refusal is a 403, any other ValidationError a form error shown on the page again."""

from __future__ import annotations

from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from minzheng.accounts.permissions import Denied
from minzheng.core.exceptions import Refusal
from minzheng.core.posts import posted


def _request():
    request = RequestFactory().post("/x/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _raise(e: Exception):
    def do() -> None:
        raise e

    return do


def test_a_refusal_is_a_403_with_its_chinese_message_whatever_attributes_it_carries():
    r = posted(_request(), _raise(Refusal("无权办理")), ok="", then=lambda _: HttpResponse())
    assert r is not None and r.status_code == 403 and "无权办理" in r.content.decode()
    denied = Denied("无权查看", permission="x.read", region_code="370811", target="t")
    assert isinstance(denied, Refusal)
    assert posted(_request(), _raise(denied), ok="", then=lambda _: HttpResponse()).status_code == 403  # type: ignore[union-attr]


def test_bad_input_that_happens_to_carry_a_permission_attribute_is_a_form_error_not_a_403():
    e = ValidationError("金额不能为负数")
    e.permission = "x.manage"  # type: ignore[attr-defined]
    request = _request()
    assert posted(request, _raise(e), ok="", then=lambda _: HttpResponse()) is None
    assert [str(m) for m in request._messages] == ["金额不能为负数"]
