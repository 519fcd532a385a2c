"""Error pages an officer can read: Chinese 未找到 / 无权访问 / 不能直接打开, with a way back to 首页, under
`make run` (DEBUG on) as in production (DEBUG off)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from minzheng.web.errors import FriendlyErrorsMiddleware

CITY = "370800"  # 济宁市

ENGLISH = ("Page not found", "Not Found", "Django", "Forbidden", "URLconf", "Method Not Allowed")


def _client(user: Any) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def _chinese(response: Any, heading: str) -> str:
    body = response.content.decode()
    assert heading in body and "返回首页" in body, body[:400]
    assert not any(word in body for word in ENGLISH), body[:400]
    return body


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_address_answers_a_chinese_not_found_page_with_debug_on_or_off(
    make_user: Any, debug: bool
) -> None:
    c = _client(make_user("city_officer", CITY))
    with override_settings(DEBUG=debug):
        got = c.get("/no-such-desk/anything/")
    assert got.status_code == 404
    _chinese(got, "未找到")


@pytest.mark.parametrize("debug", [True, False])
def test_a_missing_record_answers_the_same_chinese_page_whatever_its_address(
    make_user: Any, debug: bool
) -> None:
    c = _client(make_user("city_officer", CITY))
    with override_settings(DEBUG=debug):
        one, other = c.get("/people/987654321/"), c.get("/households/987654320/")
    assert one.status_code == other.status_code == 404
    _chinese(one, "未找到")
    assert one.content == other.content  # no path, no CSRF token: out of scope reads exactly like missing


def test_a_missing_slash_is_still_redirected_before_the_not_found_page(make_user: Any) -> None:
    c = _client(make_user("city_officer", CITY))
    with override_settings(DEBUG=True):
        got = c.get("/people")
    assert got.status_code == 301 and got["Location"] == "/people/"


def test_the_api_keeps_its_own_answers(make_user: Any) -> None:
    with override_settings(DEBUG=True):
        got = Client().get("/api/v1/no-such-endpoint")
    assert b"\xe6\x9c\xaa\xe6\x89\xbe\xe5\x88\xb0" not in got.content  # 未找到: the desk page is not served


def test_a_refused_permission_answers_a_chinese_forbidden_page(rf: Any) -> None:
    from django.views.defaults import permission_denied

    got = permission_denied(rf.get("/x/"), PermissionDenied())
    assert got.status_code == 403
    _chinese(got, "无权访问")


def test_a_server_error_and_a_bad_request_answer_chinese_pages(rf: Any) -> None:
    from django.views.defaults import bad_request, server_error

    _chinese(server_error(rf.get("/x/")), "系统出错")
    _chinese(bad_request(rf.get("/x/"), Exception()), "请求有误")


def test_a_stale_form_answers_a_chinese_page_not_djangos_csrf_explanation() -> None:
    c = Client(enforce_csrf_checks=True)
    got = c.post("/login/", {"username": "x", "password": "y"})
    assert got.status_code == 403
    _chinese(got, "页面已过期")


def _methods(view: Any, depth: int = 0) -> list[str] | None:
    """The methods a view accepts, read off require_http_methods' closure (through other decorators)."""
    if depth > 6 or not callable(view):
        return None
    for cell in getattr(view, "__closure__", None) or ():
        value = cell.cell_contents
        if (
            isinstance(value, list | tuple)
            and value
            and all(isinstance(m, str) and m.isupper() for m in value)
        ):
            return list(value)
        if callable(value) and (found := _methods(value, depth + 1)) is not None:
            return found
    return _methods(getattr(view, "__wrapped__", None), depth + 1)


def _post_only_routes() -> list[str]:
    out: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p, route)
            elif (
                isinstance(p, URLPattern)
                and not route.startswith(("api/", "^", "i18n/"))
                and "GET" not in (_methods(p.callback) or ["GET"])
            ):
                out.append("/" + re.sub(r"<(\w+:)?\w+>", "1", route))

    walk(get_resolver(), "")
    return out


ROLES = ("city_officer", "org_officer", "elderly_officer", "child_welfare_officer", "social_affairs_officer")


@pytest.mark.parametrize("debug", [True, False])
def test_every_post_only_desk_address_opened_in_the_browser_answers_a_chinese_page(
    make_user: Any, debug: bool
) -> None:
    clients = [_client(make_user(role, CITY if role == "city_officer" else "370811")) for role in ROLES]
    routes = _post_only_routes()
    assert len(routes) >= 40, routes
    not_allowed = []
    with override_settings(DEBUG=debug):
        for url in routes:
            for c in clients:
                got = c.get(url)
                heading = {403: "无权访问", 404: "未找到", 405: "不能直接打开"}.get(got.status_code)
                assert heading, (url, got.status_code)
                _chinese(got, heading)
                if got.status_code == 405:
                    assert "POST" in got["Allow"], url
                    not_allowed.append(url)
                    break
    assert not_allowed  # an officer who may act there is told to use the page's button, not refused
    assert len(not_allowed) >= len(routes) // 2, sorted(set(routes) - set(not_allowed))


def test_a_bare_refusal_keeps_its_chinese_reason_inside_the_page(make_user: Any) -> None:
    got = _client(make_user("city_officer", CITY)).get("/charity/")
    assert got.status_code == 403
    body = _chinese(got, "无权访问")
    assert "慈善组织与募捐管理" in body or "只有" in body, body


def test_the_middleware_leaves_other_answers_alone(rf: Any) -> None:
    from django.http import HttpResponse

    mw = FriendlyErrorsMiddleware(lambda request: HttpResponse("好", status=200))
    assert mw(rf.get("/")).content.decode() == "好"
