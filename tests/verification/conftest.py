"""The synthetic-city fixtures of test_verification.py, shared with the other verification tests."""

from tests.verification.test_verification import imported, small_city  # noqa: F401
