"""Error pages an officer can read: 未找到 / 无权访问 / 请求方式不对 / 系统错误, in Chinese, with a way back
to 首页 — under `make run` (DEBUG on) as in production.

How Django decides (django.core.handlers.exception.response_for_exception): a PermissionDenied always goes
to handler403; an Http404 goes to handler404 only when DEBUG is off (on, it shows the English technical
page); a 405 is not an exception at all — require_POST returns an empty HttpResponseNotAllowed. So:
the templates 404.html / 403.html / 400.html / 500.html serve the handlers (production), and
`FriendlyErrorsMiddleware` covers what DEBUG would show in English: an Http404 a view raises, a URL that
resolves to nothing, and every 405 of a desk page. A 500 under DEBUG keeps its traceback (developers).
The API (/api/) answers its own JSON errors and is left alone.

The 404 page is the same bytes whatever the URL (no path, no CSRF token in it): an out-of-scope record must
read exactly like a missing one."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.urls import Resolver404, get_urlconf, resolve

API_PREFIX = "/api/"


def render_error(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    """The error page for `status`, rendered without a CSRF token (the bytes must not depend on the call);
    `message` is the view's own Chinese reason (a refusal names what is missing)."""
    body = loader.render_to_string(f"{status}.html", {"message": message})
    response = HttpResponse(body, status=status)
    response.minzheng_error_page = True  # type: ignore[attr-defined]
    return response


def _plain_reason(response: HttpResponse) -> str | None:
    """The text of a bare refusal (HttpResponseForbidden("…")), None for a page, a file or a stream."""
    if response.streaming or not response.get("Content-Type", "").startswith(("text/html", "text/plain")):
        return None
    text = response.content.decode("utf-8", "replace").strip()
    return None if "<" in text or len(text) > 500 else text


class FriendlyErrorsMiddleware:
    """Chinese 404 and 405 pages for the desk, whatever DEBUG says (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if settings.DEBUG:  # off, handler404 renders 404.html already
            try:
                resolve(request.path_info, getattr(request, "urlconf", None) or get_urlconf())
            except Resolver404:
                return render_error(request, 404)  # CommonMiddleware still redirects a missing slash
        response = self.get_response(request)
        if getattr(response, "minzheng_error_page", False) or request.headers.get("HX-Request"):
            return response  # htmx swaps its own fragments
        if response.status_code == 405:
            page = render_error(request, 405)
            page["Allow"] = response.get("Allow", "")
            return page
        if response.status_code in (403, 404) and (reason := _plain_reason(response)) is not None:
            return render_error(request, response.status_code, reason)  # a bare "只有…可以办理" line
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404) and not request.path.startswith(API_PREFIX):
            return render_error(request, 404)
        return None
