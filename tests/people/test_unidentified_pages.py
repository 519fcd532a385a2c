"""Desk pages and API of the registry of persons without an ID."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from minzheng.audit.models import AuditLog
from minzheng.people.models import Person, UnidentifiedRecord
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.people.conftest import photo, png_bytes


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _form(**kw):
    data = {
        "kind": "vagrant",
        "sex": "F",
        "estimated_age": "60",
        "description": "女，白发，蓝色外套，说河南口音",
        "found_on": timezone.localdate().isoformat(),
        "found_place": "人民公园东门",
        "region_code": VILLAGE_A,
    }
    data.update(kw)
    return data


def test_the_register_page_issues_a_temporary_number_and_opens_the_person_page(patrol):
    c = _client(patrol)
    assert c.get("/people/unidentified/new/").status_code == 200
    response = c.post("/people/unidentified/new/", _form(photo=photo()))
    record = UnidentifiedRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/people/{record.person_id}/"
    body = c.get(response["Location"]).content.decode()
    assert record.person.temp_number in body and "蓝色外套" in body and "查看照片" in body
    assert "查看完整号码" not in body  # nothing to reveal


def test_a_refused_registration_keeps_what_was_typed_and_saves_nothing(patrol):
    c = _client(patrol)
    bad = photo("x.png", b"GIF89a" + b"\x00" * 20)
    response = c.post("/people/unidentified/new/", _form(description="", photo=bad, found_on="2026-13-40"))
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-description"' in body and 'id="error-photo"' in body and 'id="error-found_on"' in body
    assert "人民公园东门" in body
    assert not Person.objects.exists() and not UnidentifiedRecord.objects.exists()


def test_the_list_searches_by_number_and_description_in_a_fixed_number_of_queries(
    register, patrol, django_assert_max_num_queries
):
    records = [register(description=f"第{i}位，穿黑色夹克") for i in range(6)]
    c = _client(patrol)
    with django_assert_max_num_queries(8):
        body = c.get("/people/unidentified/").content.decode()
    assert all(r.person.temp_number in body for r in records)
    body = c.post("/people/unidentified/", {"q": records[2].person.temp_number}).content.decode()
    assert records[2].person.temp_number in body and records[3].person.temp_number not in body
    body = c.post("/people/unidentified/", {"q": "第4位"}).content.decode()
    assert records[4].person.temp_number in body and records[5].person.temp_number not in body
    body = c.get("/people/unidentified/?found_from=bad").content.decode()
    assert "格式不正确" in body


def test_person_search_finds_an_unidentified_person_by_temporary_number(register, patrol):
    record = register()
    body = _client(patrol).post("/people/", {"q": record.person.temp_number}).content.decode()
    assert f"/people/{record.person_id}/" in body


def test_the_photo_is_served_only_in_scope_and_every_view_is_audited(register, patrol, make_user):
    record = register(photo=photo())
    url = f"/people/{record.person_id}/photo/"
    before = AuditLog.objects.filter(target_type="person.photo").count()
    response = _client(patrol).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    rows = AuditLog.objects.filter(target_type="person.photo")
    assert rows.count() == before + 1 and rows.last().event_type == "reveal"
    outsider = _client(make_user("township_clerk", "370812001"))
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/people/{record.person_id}/").status_code == 404
    assert outsider.get(f"/people/{record.person_id}/merge/").status_code == 404
    assert rows.count() == before + 1


def test_the_photo_file_is_not_under_static_and_not_publicly_routed(register, settings):
    record = register(photo=photo())
    assert str(settings.STATIC_ROOT) not in record.photo.path
    assert Client().get(f"/media/{record.photo.name}").status_code in (302, 404)


def test_the_merge_flow_confirms_side_by_side_then_a_second_officer_approves(
    register, patrol, make_user, make_person
):
    record = register()
    target = make_person(name="周八")
    c = _client(patrol)
    preview = c.post(
        f"/people/{record.person_id}/merge/",
        {"step": "preview", "id_number": target.id_number, "note": "女儿到站辨认"},
    ).content.decode()
    assert (
        'id="merge-compare"' in preview
        and target.id_masked in preview
        and record.person.temp_number in preview
    )
    assert preview.count(target.id_number) == 1  # only the typed value carried in the hidden field
    record.refresh_from_db()
    assert record.merge_target is None  # nothing asked yet
    c.post(
        f"/people/{record.person_id}/merge/",
        {"step": "confirm", "id_number": target.id_number, "note": "女儿到站辨认"},
    )
    record.refresh_from_db()
    assert record.merge_target == target
    own = c.post(f"/people/{record.person_id}/merge/decide/", {"decision": "approve"}, follow=True)
    assert "另一名工作人员" in own.content.decode() or "只有" in own.content.decode()
    checker = _client(make_user("township_approver", "370811001"))
    page = checker.get(f"/people/{record.person_id}/").content.decode()
    assert 'id="merge-approve"' in page and target.id_masked in page
    checker.post(f"/people/{record.person_id}/merge/decide/", {"decision": "approve"})
    record.refresh_from_db()
    assert record.merged_into == target
    merged = c.get(f"/people/{record.person_id}/").content.decode()
    assert "已合并至" in merged and "周八" in merged and 'id="merge-link"' not in merged
    identified = c.get(f"/people/{target.pk}/").content.decode()
    assert record.person.temp_number in identified and 'id="merged-records"' in identified
    again = c.post(
        f"/people/{record.person_id}/merge/",
        {"step": "preview", "id_number": target.id_number, "note": "再次"},
    )
    assert "不能重复合并" in again.content.decode()


def test_revealing_an_unidentified_persons_id_is_a_clear_refusal_not_a_500(register, patrol):
    record = register()
    response = _client(patrol).post(f"/people/{record.person_id}/reveal/")
    assert response.status_code == 400 and "尚未识别身份" in response.content.decode()


def test_an_out_of_region_village_cannot_be_chosen_by_a_crafted_post(patrol):
    response = _client(patrol).post("/people/unidentified/new/", _form(region_code=VILLAGE_B))
    assert response.status_code == 400 and "管辖范围" in response.content.decode()
    assert not UnidentifiedRecord.objects.exists()


# ------------------------------------------------------------------------------------------------- API


def test_the_api_registers_reads_and_merges_with_make_and_check(patrol, make_user, make_person):
    c = _client(patrol)
    form = _form(estimated_age="60")
    created = c.post("/api/v1/people/unidentified", {**form, "photo": photo()})
    assert created.status_code == 200, created.content
    out = created.json()
    assert out["temp_number"].startswith("LS370811-") and out["status"] == "open" and out["has_photo"]
    pid = out["person_id"]
    assert c.get(f"/api/v1/people/unidentified/{pid}").json()["description"] == form["description"]
    assert c.get(f"/api/v1/people/{pid}").json()["temp_number"] == out["temp_number"]
    target = make_person(name="吴九")
    asked = c.post(
        f"/api/v1/people/unidentified/{pid}/merge",
        {"id_number": target.id_number, "note": "指纹比对"},
        content_type="application/json",
    )
    assert asked.json()["status"] == "pending"
    own = c.post(
        f"/api/v1/people/unidentified/{pid}/merge/decision",
        {"approve": True},
        content_type="application/json",
    )
    assert own.status_code == 403 and "只有" in own.json()["detail"]
    checker = _client(make_user("township_approver", "370811001"))
    done = checker.post(
        f"/api/v1/people/unidentified/{pid}/merge/decision",
        {"approve": True},
        content_type="application/json",
    ).json()
    assert done["status"] == "merged" and done["merged_into_id"] == target.pk
    assert done["merged_into_id_number"] == target.id_masked
    twice = c.post(
        f"/api/v1/people/unidentified/{pid}/merge",
        {"id_number": target.id_number, "note": "再次"},
        content_type="application/json",
    )
    assert twice.status_code == 400 and "不能重复合并" in twice.json()["detail"]


def test_the_api_refuses_bad_input_in_chinese_and_saves_nothing(patrol):
    c = _client(patrol)
    bad = c.post("/api/v1/people/unidentified", {**_form(), "photo": photo("a.png", b"not an image")})
    assert bad.status_code == 400 and "JPG或PNG" in bad.json()["detail"]
    empty = c.post("/api/v1/people/unidentified", _form(description=" "))
    assert empty.status_code == 400 and "体貌特征" in empty.json()["detail"]
    assert not UnidentifiedRecord.objects.exists() and not Person.objects.exists()


def test_the_api_answers_out_of_scope_records_like_missing_ones(register, make_user):
    record = register()
    outsider = _client(make_user("township_clerk", "370812001"))
    for url in (f"/api/v1/people/unidentified/{record.person_id}", "/api/v1/people/unidentified/999999"):
        assert outsider.get(url).status_code == 404
    merge = outsider.post(
        f"/api/v1/people/unidentified/{record.person_id}/merge",
        {"id_number": "", "note": "x"},
        content_type="application/json",
    )
    assert merge.status_code == 404
    assert outsider.get(f"/api/v1/people/{record.person_id}").status_code == 404


def test_an_out_of_range_person_id_is_a_404_not_a_500(patrol):
    c = _client(patrol)
    huge = 2**70
    assert c.post(f"/api/v1/people/{huge}/reveal").status_code == 404
    assert c.get(f"/api/v1/people/unidentified/{huge}").status_code == 404
    assert c.get(f"/people/{huge}/").status_code == 404


def test_a_nul_in_a_multipart_api_field_is_refused_as_json(patrol):
    response = _client(patrol).post("/api/v1/people/unidentified", {**_form(), "name": "a\x00b"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json" and "NUL" in response.json()["detail"]
    assert not UnidentifiedRecord.objects.exists()


def test_the_merge_preview_and_the_checker_see_a_warning_when_the_id_contradicts_sex_and_age(
    register, patrol, make_user, make_person
):
    record = register()  # a man of about 45
    woman = make_person(name="周九", sex="F", birth=dt.date(1940, 3, 1))
    c = _client(patrol)
    data = {"id_number": woman.id_number, "note": "外貌辨认"}
    preview = c.post(f"/people/{record.person_id}/merge/", {"step": "preview", **data}).content.decode()
    assert 'id="merge-compare"' in preview  # a warning, not a refusal
    assert "身份证号显示性别为女，与临时记录登记的性别（男）不一致" in preview
    assert "身份证号显示1940年出生" in preview
    c.post(f"/people/{record.person_id}/merge/", {"step": "confirm", **data})
    checker = _client(make_user("township_approver", "370811001"))
    page = checker.get(f"/people/{record.person_id}/").content.decode()
    assert "身份证号显示性别为女" in page and "身份证号显示1940年出生" in page
    match = make_person(name="周十", birth=dt.date(timezone.localdate().year - 45, 3, 1))
    fine = c.post(
        f"/people/{register().person_id}/merge/",
        {"step": "preview", "id_number": match.id_number, "note": "外貌辨认"},
    ).content.decode()
    assert "merge-warning" not in fine


def test_an_out_of_city_id_registers_with_its_hukou_place_from_the_national_cascade(register, patrol):
    from tests.conftest import new_id

    record = register()
    henan = new_id("410102", dt.date(1981, 5, 1))
    c = _client(patrol)
    form = c.post(
        f"/people/{record.person_id}/merge/", {"step": "preview", "id_number": henan, "note": "家属来电"}
    ).content.decode()
    assert 'id="hukou-province"' in form
    assert '<option value="410000" selected>' in form  # the cascade opens on the ID's province
    data = {
        "id_number": henan,
        "note": "家属来电",
        "name": "赵六",
        "hukou_type": "rural",
        "hukou_place": "410102",
    }
    preview = c.post(f"/people/{record.person_id}/merge/", {"step": "preview", **data}).content.decode()
    assert 'id="merge-compare"' in preview
    c.post(f"/people/{record.person_id}/merge/", {"step": "confirm", **data})
    record.refresh_from_db()
    target = record.merge_target
    assert target is not None and target.hukou_code == "410102" and target.hukou_region is None
    assert target.region_code == record.person.region_code
