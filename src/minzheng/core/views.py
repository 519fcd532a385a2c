"""What every desk view does with a refused service call: show why, in Chinese, and carry on (never a 500)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


@contextmanager
def service_errors(request: HttpRequest, *, bad_input: str | None = None) -> Iterator[None]:
    """Run a view's service call; a ValidationError becomes one error message (its messages joined with
    "；") and the view goes on after the ``with`` block. So the success response is returned inside the
    block and the fallback (redirect or form again) after it::

        with service_errors(request):
            services.payroll_freeze(actor=request.user, run=run)
            messages.success(request, _("发放名册已审核冻结"))
        return redirect("payroll-detail", run.pk)

    With ``bad_input``, a ValueError or KeyError raised in the block (a malformed or missing form field:
    ``int(request.POST["amount"])``) shows that fixed message instead; without it they propagate.
    """
    try:
        yield
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    except (ValueError, KeyError):
        if bad_input is None:
            raise
        messages.error(request, bad_input)
