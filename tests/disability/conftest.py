"""The synthetic city of the screening tests (6,000 persons, July 2025), imported and ready to screen."""

from tests.screening.test_publish import MONTH, city, city_files  # noqa: F401
