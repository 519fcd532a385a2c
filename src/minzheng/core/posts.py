"""The one shape of a desk form post: call the service; a refusal by the permission matrix is a 403 with
its Chinese message; bad input shows the service's Chinese messages and the view renders its page again
(nothing changed); success flashes what was done and redirects."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

from minzheng.core.exceptions import Refusal

T = TypeVar("T")


def form_errors(request: HttpRequest, e: ValidationError) -> None:
    for m in e.messages:
        messages.error(request, m)


def posted(
    request: HttpRequest,
    do: Callable[[], T],
    *,
    ok: str | Callable[[T], str],
    then: Callable[[T], HttpResponse],
) -> HttpResponse | None:
    """Run `do` (the form's parsing and its service call). Returns the response to send (the redirect of
    `then(result)`, or a 403), or None when the input was refused and the page should be shown again::

        if request.method == "POST" and (done := posted(request, lambda: services.x(...), ok="已保存",
                                                        then=lambda _: redirect("x"))):
            return done
    """
    try:
        result = do()
    except Refusal as e:  # the permission matrix (accounts' Denied)
        return HttpResponseForbidden(e.messages[0])
    except ValidationError as e:
        form_errors(request, e)
        return None
    text = ok(result) if callable(ok) else ok
    if text:
        messages.success(request, text)
    return then(result)
