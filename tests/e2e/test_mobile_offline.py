"""Browser run of 掌上办 at 390 px: a village assistant enters a visit with no signal, it waits in the phone's
queue ("待同步 1 条"), and once back online it syncs — once, though the first answer is lost and the phone
sends it again. Each field role's pages fit the phone: no sideways scroll, 44 px touch targets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def test_a_visit_entered_offline_syncs_once_after_two_attempts(
    clerk: Any, live_server: Any, browser_page: Any
) -> None:
    from minzheng.mobile.models import SyncedRecord
    from minzheng.visits.models import Visit
    from minzheng.visits.services import living_situation_set, visitor_assign

    cadre = staff("cunxieli", "village_assistant", "370811001001")
    hh, _ = family("E2EM001", [("孙秀英", "head", dt.date(1944, 4, 4), "F", "71")])
    elder = hh.memberships.get().person
    living_situation_set(actor=clerk, person=elder, situation="alone", on=dt.date(2025, 1, 1))
    visitor_assign(actor=clerk, elder=elder, kind="village_cadre", visitor=cadre)

    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["geolocation"], origin=base)
    page.context.set_geolocation({"latitude": 35.4141, "longitude": 116.5871})
    login(page, base, "cunxieli")
    page.goto(f"{base}/visits/elder/{elder.pk}/")
    assert page.locator(".bottom-nav").is_visible()
    page.wait_for_function("document.querySelector('[data-geo=latitude]').value !== ''")
    # Installable: the worker from /mobile/sw.js controls the whole site.
    assert page.evaluate("navigator.serviceWorker.ready.then(function (r) { return r.scope; })") == f"{base}/"

    page.context.set_offline(True)
    form = page.locator("#visit-form")
    form.locator("input[name=health][value=fair]").check()
    form.locator("input[name=safety][value=safe]").check()
    form.locator("input[name=needs][value=meals]").check()
    form.locator("textarea[name=note]").fill("无信号时登记：老人需要助餐")
    form.get_by_role("button", name="保存探访记录").click()
    status = form.locator("[data-sync-status]")
    status.filter(has_text="待同步 1 条").wait_for()
    assert "已保存在本机" in status.inner_text()
    assert Visit.objects.count() == 0

    # The first sync reaches the server, but its answer is lost on the way back: the phone keeps the visit.
    lost: list[int] = []

    def lose_first_answer(route: Any) -> None:
        if lost:
            route.continue_()
            return
        lost.append(route.fetch().status)
        route.abort("failed")

    page.route("**/api/v1/mobile/sync", lose_first_answer)
    page.context.set_offline(False)
    page.wait_for_function("window.minzhengOffline && true")
    page.evaluate("window.minzhengOffline.sync()")
    assert lost == [200]
    assert "待同步 1 条" in status.inner_text()
    assert Visit.objects.count() == 1

    # The second attempt sends the same key: nothing new is written and the queue empties.
    page.evaluate("window.minzhengOffline.sync()")
    status.filter(has_text="已同步").wait_for()
    assert Visit.objects.count() == 1 and SyncedRecord.objects.count() == 1
    visit, record = Visit.objects.get(), SyncedRecord.objects.get()
    assert visit.needs == ["meals"] and visit.note == "无信号时登记：老人需要助餐"
    assert (record.target_id, float(record.latitude or 0)) == (visit.pk, 35.4141)
    assert page.evaluate("window.minzhengOffline.pending().then(function (r) { return r.length; })") == 0


FIELD = (
    ("cunxieli", "village_assistant", "370811001001"),
    ("ertongzhuren", "child_director", "370811001001"),
    ("huli", "carer", "370811001"),
    ("wangge", "grid_worker", "370811001001001"),
    ("zhiyuan", "volunteer", "370811001001"),
)


def test_every_field_roles_pages_fit_a_390_px_phone_with_44_px_touch_targets(
    city: None, live_server: Any, browser_page: Any
) -> None:
    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    for username, role, region in FIELD:
        staff(username, role, region)
        login(page, base, username)
        links = page.locator(".bottom-nav a")
        assert 3 <= links.count() <= 5, username
        urls = [links.nth(i).get_attribute("href") for i in range(links.count())]
        for url in urls:
            page.goto(f"{base}{url}")
            where = f"{username} {url}"
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], where
            heights = page.eval_on_selector_all(
                ".bottom-nav a, main button, main select, main input[type=text], main input[type=date]",
                "els => els.filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect().height)",
            )
            assert heights and min(heights) >= 44, (where, heights)


KEPT = """caches.keys().then(function (names) {
  var name = names.filter(function (n) { return n.indexOf("pages-") === 0; })[0];
  if (!name) { return []; }
  return caches.open(name).then(function (c) { return c.keys(); }).then(function (reqs) {
    return reqs.map(function (r) { return new URL(r.url).pathname; }).sort();
  });
})"""

AGE = """(hours) => caches.keys().then(function (names) {
  var name = names.filter(function (n) { return n.indexOf("pages-") === 0; })[0];
  return caches.open(name).then(function (cache) {
    return cache.match("/", {ignoreVary: true}).then(function (hit) {
      var headers = new Headers(hit.headers);
      headers.set("X-Kept-At", String(Date.now() - hours * 3600 * 1000));
      return hit.blob().then(function (body) {
        return cache.put("/", new Response(body, {status: 200, headers: headers}));
      });
    });
  });
})"""


def test_kept_pages_are_purged_for_the_next_user_and_not_shown_after_24_hours(
    city: None, live_server: Any, browser_page: Any
) -> None:
    staff("cunxieli", "village_assistant", "370811001001")
    staff("cunganbu", "village_assistant", "370811001001")
    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    login(page, base, "cunxieli")
    page.evaluate("navigator.serviceWorker.ready.then(function () { return true; })")
    page.goto(f"{base}/visits/")
    page.wait_for_function(f"({KEPT}).then(function (k) {{ return k.indexOf('/visits/') >= 0; }})")

    # Another assistant signs in on the same phone: the first one's pages are gone before theirs are kept.
    login(page, base, "cunganbu")
    page.wait_for_function(f"({KEPT}).then(function (k) {{ return k.indexOf('/') >= 0; }})")
    assert "/visits/" not in page.evaluate(KEPT)

    # Without signal a page kept an hour ago opens; once older than 24 hours it is deleted, not shown.
    page.evaluate(AGE, 1)
    page.context.set_offline(True)
    page.goto(f"{base}/")
    assert "当前没有网络" not in page.content() and page.locator("[data-sync-user]").count() == 1
    page.evaluate(AGE, 25)
    page.goto(f"{base}/")
    assert "当前没有网络" in page.content()
    page.context.set_offline(False)
    page.wait_for_function(f"({KEPT}).then(function (k) {{ return k.indexOf('/') < 0; }})")


def test_a_visit_the_server_refuses_on_sync_can_be_reopened_or_discarded_from_the_banner(
    clerk: Any, live_server: Any, browser_page: Any
) -> None:
    from minzheng.visits.models import Visit
    from minzheng.visits.services import living_situation_set, visitor_assign

    cadre = staff("cunxieli", "village_assistant", "370811001001")
    hh, _ = family("E2EM002", [("李桂兰", "head", dt.date(1942, 2, 2), "F", "71")])
    elder = hh.memberships.get().person
    living_situation_set(actor=clerk, person=elder, situation="alone", on=dt.date(2025, 1, 1))
    visitor_assign(actor=clerk, elder=elder, kind="village_cadre", visitor=cadre)
    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    login(page, base, "cunxieli")
    page.goto(f"{base}/visits/elder/{elder.pk}/")
    page.evaluate("navigator.serviceWorker.ready.then(function () { return true; })")
    page.wait_for_function("window.minzhengOffline && true")
    count = "window.minzhengOffline.pending().then(function (r) { return r.length; })"

    # Offline, an incomplete visit is not queued: health, safety and needs are required in the browser.
    page.context.set_offline(True)
    form = page.locator("#visit-form")
    save = form.get_by_role("button", name="保存探访记录")
    form.locator("input[name=health][value=fair]").check()
    save.click()
    assert page.evaluate(count) == 0
    form.locator("input[name=safety][value=safe]").check()
    form.locator("input[name=needs][value=meals]").check()
    save.click()
    form.locator("[data-sync-status]").filter(has_text="待同步 1 条").wait_for()
    # A second tap right after the save does not queue an empty visit.
    save.click()
    assert page.evaluate(count) == 1

    # Back online, the server refuses the item: the banner shows it with its message and two buttons.
    page.route(
        "**/api/v1/mobile/sync",
        lambda route: route.fulfill(
            status=400, content_type="application/json", body='{"detail": "请选择健康状况"}'
        ),
    )
    page.context.set_offline(False)
    page.evaluate("window.minzhengOffline.sync()")
    item = page.locator(".sync-bar [data-sync-item]")
    item.wait_for()
    assert "请选择健康状况" in item.inner_text()
    assert item.get_by_role("button", name="修改后重新提交").is_visible()

    # 修改后重新提交 opens the form with the refused visit filled in.
    page.goto(f"{base}/")
    page.locator(".sync-bar").get_by_role("button", name="修改后重新提交").click()
    page.wait_for_url(f"**/visits/elder/{elder.pk}/")
    page.wait_for_function("document.querySelector('#visit-form input[name=needs][value=meals]').checked")
    assert form.locator("input[name=safety][value=safe]").is_checked()

    # 放弃此条 asks first; dismissing keeps the item, accepting removes it and the banner goes away.
    page.once("dialog", lambda d: d.dismiss())
    page.locator(".sync-bar").get_by_role("button", name="放弃此条").click()
    assert page.evaluate(count) == 1
    page.once("dialog", lambda d: d.accept())
    page.locator(".sync-bar").get_by_role("button", name="放弃此条").click()
    page.wait_for_function(f"({count}).then(function (n) {{ return n === 0; }})")
    page.wait_for_function("document.querySelector('.sync-bar').hidden")
    assert Visit.objects.count() == 0
