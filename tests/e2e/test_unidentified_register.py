"""The register form of a person without an ID on the patrol worker's phone (390 px), in a real browser:
a refusal keeps what was typed, a good entry issues a temporary number and the photo opens."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.e2e.conftest import login, staff
from tests.people.conftest import png_bytes

pytestmark = pytest.mark.e2e

TOWN = "370811001"
WIDTH = "document.documentElement.scrollWidth"


def _shot(page: Any, name: str) -> None:
    os.makedirs("test-results", exist_ok=True)
    page.screenshot(path=f"test-results/{name}.png", full_page=True)


@pytest.fixture
def worker(city: None) -> Any:
    return staff("xieli", "village_assistant", "370811001001")


def test_the_register_form_works_on_a_390px_phone(worker: Any, live_server: Any, browser_page: Any) -> None:
    from minzheng.people.models import UnidentifiedRecord

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "xieli")
    page.goto(f"{live_server.url}/people/unidentified/new/")
    assert page.evaluate(WIDTH) <= 390
    page.select_option("#id_kind", "vagrant")
    page.select_option("#id_sex", "M")
    page.fill("#id_estimated_age", "50")
    page.fill("#id_found_place", "汽车站候车厅")
    # No description: refused, nothing saved, every other field kept as typed.
    page.click("#register-unidentified")
    page.wait_for_selector("#error-description")
    assert page.evaluate(WIDTH) <= 390
    assert page.input_value("#id_found_place") == "汽车站候车厅"
    assert page.input_value("#id_estimated_age") == "50"
    assert not UnidentifiedRecord.objects.exists()
    _shot(page, "unidentified-register-refused-mobile")
    page.fill("#id_description", "男，约170厘米，黑色棉衣，右脸有痣")
    page.set_input_files("#id_photo", {"name": "photo.png", "mimeType": "image/png", "buffer": png_bytes()})
    page.click("#register-unidentified")
    page.wait_for_selector("#temp-number")
    record = UnidentifiedRecord.objects.get()
    assert page.inner_text("#temp-number") == record.person.temp_number
    assert page.evaluate(WIDTH) <= 390
    _shot(page, "unidentified-person-mobile")
    with page.expect_popup() as popup:
        page.click("#photo-link")
    photo_page = popup.value
    photo_page.wait_for_load_state()  # the popup starts as about:blank under load
    photo_page.wait_for_selector("img")
    assert photo_page.evaluate("document.images.length") == 1
