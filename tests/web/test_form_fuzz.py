"""A fuzzing pass over every form a person can reach (issue 12): each role crawls the desk from its home
page, and every POST form found is sent with hostile values in every field (text in numbers, 2**63, NaN,
dates in year 1 and 9999, a tampered id, markup). No answer may be a server error."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

HOSTILE = ["abc", str(2**63), "-1", "NaN", "0001-01-01", "9999-12-31", "", "<script>x</script>'"]
SKIP = ("/logout/", "/static/", "/i18n/", "/api/", "/otp/", "/login/")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        elif tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": set()}
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea") and self._form is not None and a.get("name"):
            self._form["fields"].add(str(a["name"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def _crawl(client: Client, limit: int = 60) -> dict[tuple[str, frozenset[str]], str]:
    """Pages reachable from home → the POST forms on them: (action, fields) → the page it was found on."""
    seen, queue, forms = set(), ["/"], {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or path.startswith(SKIP) or path.endswith((".pdf", ".xlsx", ".csv")):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} → {response.status_code}"
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        for href in page.links:
            full = urljoin(url, href)
            if full.startswith("/") and not urlsplit(full).netloc and full not in seen:
                queue.append(full)
        for form in page.forms:
            action = urljoin(url, form["action"] or url)
            if not urlsplit(action).path.startswith(SKIP):
                forms[(action, frozenset(form["fields"]))] = url
    return forms


@pytest.mark.parametrize(
    "role", ["village", "clerk", "approver", "county", "finance", "city", "auditor", "admin"]
)
def test_no_form_of_the_desk_answers_hostile_input_with_a_server_error(
    town: dict[str, Any], role: str
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(town["staff"][role])
    forms = _crawl(client)
    assert len(forms) >= 10, f"{role} reached only {len(forms)} forms"  # the crawl really finds the desk
    errors = []
    for (action, fields), found_on in sorted(forms.items(), key=lambda kv: kv[0][0]):
        for value in HOSTILE:
            data = {name: value for name in fields}
            response = client.post(action, data)
            if response.status_code >= 500:
                errors.append(f"POST {action} (from {found_on}) with {value!r} → {response.status_code}")
    assert errors == []
