"""Property-based API fuzzing (schemathesis) against /api/v1/openapi.json: 0 server errors, 0 responses
that break their own schema (issue 7)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from minzheng.accounts.services import api_token_issue

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def token(db, make_user, make_household, rf):
    # Calls go straight into the WSGI app, so keep Django from closing the test's database connection
    # after each request (the test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    make_user("township_clerk", "370811001", username="fuzz", password="Fuzz-pass-1234")
    make_household(size=2)
    yield api_token_issue(request=rf.post("/"), username="fuzz", password="Fuzz-pass-1234")
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_never_errors_and_always_matches_its_schema(case, token):
    # Server errors and answers that break the documented schema fail; a 4xx for input the rules refuse
    # (e.g. a random ID number with a wrong check digit) is the correct answer, not a failure.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}", "X-Minzheng-Fuzz": "1"}, checks=CHECKS
    )
