from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

# No inline script anywhere: every script is a vendored static file (government intranets are offline).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)


class ChineseFirstMiddleware:
    """zh-hans first: the interface is Chinese unless the user picked English (language cookie), whatever
    language the browser advertises (LocaleMiddleware would otherwise follow Accept-Language)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RejectNulMiddleware:
    """NUL characters cannot be stored (PostgreSQL text) and never belong in civil-affairs data: refuse the
    request with a Chinese 400 before any view runs, for forms, query strings and JSON bodies alike."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        multipart = request.content_type == "multipart/form-data"
        body = request.body if request.method in ("POST", "PUT", "PATCH") and not multipart else b""
        in_query = any("\x00" in v for _, values in request.GET.lists() for v in values)
        if in_query or "\x00" in request.path or b"\x00" in body or b"\\u0000" in body.lower():
            return self._refuse(request)
        if request.method == "POST" and any(
            "\x00" in v for values in request.POST.lists() for v in values[1]
        ):
            return self._refuse(request)  # a multipart text field (files may hold NUL bytes)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):  # the API answers JSON, as documented
            return JsonResponse({"detail": "输入包含非法字符（NUL）"}, status=400)
        return HttpResponse("输入包含非法字符（NUL）", status=400, content_type="text/plain; charset=utf-8")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/v1/docs"):
            # Swagger UI is served by django-ninja from its own static files; allow its inline bootstrap.
            response.setdefault(
                "Content-Security-Policy",
                CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
                    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
                ),
            )
        else:
            response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
