"""Exceptions the ground floor knows by kind, raised by the floors above it."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class Refusal(ValidationError):
    """A refusal of who may act, not of what was typed (accounts' Denied): a desk answers it 403 with its
    Chinese message, never as a form error. Core does not import accounts: it knows the refusal by kind."""
