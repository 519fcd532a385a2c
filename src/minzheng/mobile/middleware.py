"""The site denies geolocation to every page (core.middleware); the field forms that record where a visit
was made (selectors.GEO_FORMS) may ask the browser for it, same origin only. Listed after
SecurityHeadersMiddleware, so this answer is set first and that one's default leaves it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from .selectors import GEO_FORMS

FIELD_POLICY = "camera=(), microphone=(), geolocation=(self)"


class FieldGeolocationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in GEO_FORMS and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = FIELD_POLICY
        return response


def cache_owner(user_pk: int) -> str:
    """An opaque token for the user a page was served to: the service worker keeps one user's pages at a
    time and drops them when another user's page arrives (sw.js). Not the ID, not reversible."""
    return salted_hmac("minzheng.mobile.cache-owner", str(user_pk)).hexdigest()[:20]


class CacheOwnerMiddleware:
    """Marks each signed-in HTML page with X-Cache-Owner (see cache_owner). After AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        html = response.get("Content-Type", "").startswith("text/html")
        if html and user is not None and user.is_authenticated:
            response["X-Cache-Owner"] = cache_owner(user.pk)
        return response
