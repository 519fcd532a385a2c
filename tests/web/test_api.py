import datetime as dt

from django.test import Client

from tests.conftest import TOWN_A


def test_a_mobile_client_gets_a_token_and_reads_its_own_township(make_household, make_user):
    make_user("village_assistant", "370811001001", username="xieli", password="Long-pass-123")
    make_household(size=2)
    c = Client()
    token = c.post(
        "/api/v1/auth/token",
        {"username": "xieli", "password": "Long-pass-123"},
        content_type="application/json",
    )
    assert token.status_code == 200
    key = token.json()["token"]
    me = c.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.json()["region_code"] == "370811001001"
    people = c.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert people["count"] == 2
    assert all("********" in p["id_number"] for p in people["items"])


def test_a_wrong_password_gets_a_chinese_401_and_no_token(make_user):
    make_user("township_clerk", TOWN_A, username="c1")
    r = Client().post(
        "/api/v1/auth/token", {"username": "c1", "password": "nope"}, content_type="application/json"
    )
    assert r.status_code == 401 and "密码错误" in r.json()["detail"]


def test_unauthenticated_api_calls_are_401(db):
    assert Client().get("/api/v1/people/").status_code == 401
    assert Client().get("/api/v1/people/", HTTP_AUTHORIZATION="Bearer junk").status_code == 401


def test_the_openapi_schema_and_docs_are_served(db, make_user):
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/people/{person_id}" in schema.json()["paths"]


def test_region_cascade_returns_children_inside_the_actors_scope(make_user):
    c = Client()
    c.force_login(make_user("county_officer", "370811"))
    towns = c.get("/api/v1/regions/children", {"code": "370811"}).json()
    assert len(towns) == 17 and all(t["code"].startswith("370811") for t in towns)
    assert c.get("/api/v1/regions/children", {"code": "370812"}).json() == []


def test_api_search_by_id_number_uses_the_body_and_stays_in_scope(make_household, make_user):
    mine = make_household(size=1).memberships.get().person
    theirs = make_household(village="370812001001", size=1).memberships.get().person
    c = Client()
    c.force_login(make_user("township_clerk", TOWN_A))
    found = c.post("/api/v1/people/search", {"q": mine.id_number}, content_type="application/json").json()
    assert [p["id"] for p in found["items"]] == [mine.pk]
    none = c.post("/api/v1/people/search", {"q": theirs.id_number}, content_type="application/json").json()
    assert none["items"] == []


def test_an_unsigned_call_is_told_in_chinese_to_sign_in_not_about_csrf(db) -> None:
    from django.test import Client

    response = Client().post(
        "/api/v1/assistance/assess", data={"programme": "dibao"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert "未登录" in response.json()["detail"]


def test_a_browser_post_without_the_csrf_token_is_refused_in_chinese(make_user) -> None:
    from django.test import Client

    from tests.conftest import TOWN_A

    user = make_user("township_clerk", TOWN_A)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        "/api/v1/assistance/assess", data={"programme": "dibao"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "跨站请求校验失败" in response.json()["detail"]


def test_the_assess_api_passes_a_lines_own_outputs_through_and_a_line_endpoint_refuses_another_programme(
    make_user,
) -> None:
    from django.test import Client

    from tests.conftest import TOWN_A, new_id

    client = Client()
    client.force_login(make_user("township_clerk", TOWN_A))
    items = {
        "self_care": dict.fromkeys(
            (
                "eating",
                "grooming",
                "bathing",
                "dressing_upper",
                "dressing_lower",
                "urination",
                "defecation",
                "toileting",
            ),
            4,
        ),
        "mobility": {"bed_transfer": 4, "chair_transfer": 4, "walking": 4, "stairs": 3},
        "mental": {
            "time_orientation": 4,
            "space_orientation": 4,
            "person_orientation": 4,
            "memory": 4,
            "comprehension": 4,
            "expression": 4,
            "aggression": 1,
            "depression": 1,
            "consciousness": 2,
        },
        "perception": {"vision": 2, "hearing": 2, "daily_affairs": 4, "transport": 3, "social": 4},
        "coma": False,
        "diagnosis": False,
        "risk_events_30d": {"fall": 0, "choking": 0, "self_harm": 0, "wandering": 0, "other": 0},
    }
    case = {
        "programme": "elderly_capability",
        "date": "2026-11-01",
        "region": "370811001001",
        "hukou_type": "urban",
        "members": [{"id_number": new_id(birth=dt.date(1945, 1, 1)), "relation": "head"}],
        "capability": items,
    }
    body = client.post("/api/v1/assistance/assess", data=case, content_type="application/json").json()
    assert "total" in body, body
    assert (body["total"], body["level"], body["level_name"]) == (90, 0, "能力完好")
    refused = client.post("/api/v1/elderly/assess", data=case, content_type="application/json")
    assert refused.status_code == 400 and "只试算高龄津贴" in refused.json()["detail"]
