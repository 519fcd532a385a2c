"""The PWA's own files: the service worker (served here, allowed the whole site as its scope), the web app
manifest and the page shown when a page is asked for without signal and was never opened before."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# Bump when sw.js changes: the new worker drops the old caches.
SW_VERSION = "2"


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """/mobile/sw.js with `Service-Worker-Allowed: /`, so it may control every page of the site. It holds no
    personal data itself; it must never be cached long (a stale worker would keep an old queue logic)."""
    response = render(
        request,
        "mobile/sw.js",
        {
            "version": SW_VERSION,
            "offline_url": reverse("mobile-offline"),
            "max_age_ms": int(settings.MOBILE_PAGE_CACHE_HOURS) * 3600 * 1000,
            "shell_json": json.dumps(
                [
                    static("css/app.css"),
                    static("css/mobile.css"),
                    static("js/app.js"),
                    static("js/offline.js"),
                    static("js/geo.js"),
                    static("vendor/htmx/htmx.min.js"),
                    static("mobile/icon-192.png"),
                ]
            ),
        },
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": _("民政综合业务平台"),
        "short_name": _("掌上民政"),
        "lang": "zh-CN",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4f91",
        "icons": [
            {"src": static("mobile/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("mobile/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("mobile/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json; charset=utf-8"
    )


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "mobile/offline.html")
