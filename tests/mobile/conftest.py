"""Fixtures of 掌上办: a village assistant who is the assigned visitor of a special elder."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.people.models import Person
from minzheng.visits.services import visitor_assign
from tests.conftest import VILLAGE_A
from tests.visits.conftest import clerk, make_elder  # noqa: F401  (the visits line's own fixtures)


@pytest.fixture
def assistant(make_user: Callable[..., Any]) -> Any:
    return make_user("village_assistant", VILLAGE_A)


@pytest.fixture
def elder(make_elder: Callable[..., Person], clerk: Any, assistant: Any) -> Person:  # noqa: F811
    person = make_elder()
    visitor_assign(actor=clerk, elder=person, kind="village_cadre", visitor=assistant)
    return person


@pytest.fixture
def phone(assistant: Any) -> Client:
    c = Client()
    c.force_login(assistant)
    return c


def visit_form(subject: int, key: uuid.UUID | None = None, **fields: Any) -> dict[str, Any]:
    """What offline.js posts for an elder visit filled on the phone."""
    import json

    form = {
        "visited_on": [timezone.localdate().isoformat()],
        "mode": ["home"],
        "health": ["good"],
        "safety": ["safe"],
        "needs": ["none"],
        "note": ["老人身体尚好"],
    }
    form.update(fields)
    return {"key": str(key or uuid.uuid4()), "kind": "visits", "subject": subject, "fields": json.dumps(form)}
