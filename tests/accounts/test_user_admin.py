"""The system admin manages accounts on the desk: create (one-time password shown once), change role and
region, deactivate and reactivate, reset password and authenticator. Every change is audited old → new;
the admin stays inside their region, never acts on their own account, and still cannot read the audit log
nor open an account that can."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from minzheng.accounts import permissions
from minzheng.accounts.models import ROLE_LEVEL, ApiToken, Role, User
from minzheng.accounts.permissions import Denied
from minzheng.accounts.services import _api_token_create, user_change_role, user_create, user_reset_password
from minzheng.accounts.system import system_actor
from minzheng.audit.models import AuditEvent, AuditLog
from minzheng.regions.models import Region
from minzheng.web.selectors import audit_log_list
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A

PASSWORD = "Right-pass-123"


@pytest.fixture(autouse=True)
def _no_denials_from_earlier_tests() -> None:
    permissions._pending.rows = []


@pytest.fixture
def admin(make_user: Any) -> User:
    return make_user(Role.SYSADMIN, "370800", username="admin")


def _as(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _new(c: Client, **fields: str) -> Any:
    form = {
        "username": "newclerk",
        "display_name": "王经办",
        "role": Role.TOWNSHIP_CLERK,
        "place_county": "370811",
        "place_township": TOWN_A,
        "phone": "13912345678",
        **fields,
    }
    return c.post("/users/new/", form)


def _change(c: Client, user: User, **fields: str) -> Any:
    return c.post(f"/users/{user.pk}/change/", fields, follow=True)


def _rows(user: User) -> list[AuditLog]:
    return list(AuditLog.objects.filter(target_type="user", target_id=str(user.pk)).order_by("seq"))


def test_the_admin_creates_an_account_whose_one_time_password_is_shown_once(admin: User) -> None:
    answer = _new(_as(admin))
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    user = User.objects.get(username="newclerk")
    password = answer.context["password"]
    assert password in answer.content.decode() and user.check_password(password)
    assert (user.role, user.region.code, user.display_name, user.phone) == (
        Role.TOWNSHIP_CLERK,
        TOWN_A,
        "王经办",
        "13912345678",
    )
    row = _rows(user)[-1]
    assert row.event_type == AuditEvent.ROLE_CHANGE and row.actor_id == admin.pk
    assert row.new["role"] == Role.TOWNSHIP_CLERK and row.new["region"] == TOWN_A
    assert not AuditLog.objects.filter(detail__contains=password).exists()
    assert password not in str(list(AuditLog.objects.values_list("old", "new")))
    page = _as(admin).get(f"/users/{user.pk}/").content.decode()
    assert "139****5678" in page and "13912345678" not in page and password not in page
    assert Client().post("/login/", {"username": "newclerk", "password": password}).status_code == 302


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"place_township": "", "place_county": "370811"}, "须绑定到乡镇(街道)一级"),
        ({"region_code": VILLAGE_A}, "须绑定到乡镇(街道)一级"),
        ({"username": "admin"}, "已存在"),
        ({"username": "王"}, "用户名须为"),
        ({"display_name": " "}, "姓名不能为空"),
        ({"phone": "12ab"}, "联系电话格式不正确"),
        ({"role": "boss"}, "请选择角色"),
    ],
)
def test_bad_input_gets_a_chinese_message_keeps_the_form_and_creates_nothing(
    admin: User, fields: dict[str, str], message: str
) -> None:
    before = (User.objects.count(), AuditLog.objects.filter(event_type=AuditEvent.ROLE_CHANGE).count())
    answer = _new(_as(admin), **fields)
    body = answer.content.decode()
    assert answer.status_code == 400 and message in body
    assert 'value="王经办"' in body or fields.get("display_name") == " "  # what was typed is kept
    assert (
        User.objects.count(),
        AuditLog.objects.filter(event_type=AuditEvent.ROLE_CHANGE).count(),
    ) == before


def test_an_admin_cannot_grant_a_role_above_or_beside_their_own_region(make_user: Any) -> None:
    county_admin = make_user(Role.SYSADMIN, "370811", username="countyadmin")
    other = make_user(Role.TOWNSHIP_CLERK, TOWN_B)
    c = _as(county_admin)
    above = _new(c, role=Role.CITY_OFFICER, place_county="", place_township="", region_code="370800")
    assert "管辖范围" in above.content.decode()
    own_level = _new(c, role=Role.CITY_OFFICER, place_county="", place_township="")  # defaults to its county
    assert "须绑定到市一级" in own_level.content.decode()
    beside = _new(c, place_county="370812", place_township=TOWN_B).content.decode()
    assert "管辖范围" in beside
    assert not User.objects.filter(username="newclerk").exists()
    assert c.get(f"/users/{other.pk}/").status_code == 404  # outside the subtree: like a missing account
    assert _change(c, other, action="deactivate", reason="x").status_code == 404
    mine = make_user(Role.TOWNSHIP_CLERK, TOWN_A)
    with pytest.raises(Denied, match="管辖范围"):
        user_change_role(actor=county_admin, user=mine, role=Role.COUNTY_OFFICER, region_code="370812")
    mine.refresh_from_db()
    assert (mine.role, mine.region.code) == (Role.TOWNSHIP_CLERK, TOWN_A)
    assert AuditLog.objects.filter(event_type=AuditEvent.DENIED, actor=county_admin).count() >= 2


def test_a_role_change_is_audited_old_to_new_and_kills_the_users_tokens(admin: User, make_user: Any) -> None:
    clerk = make_user(Role.TOWNSHIP_CLERK, TOWN_A)
    _api_token_create(user=clerk, name="phone", otp_verified=False, ip="")
    answer = _change(
        _as(admin),
        clerk,
        action="role",
        role=Role.TOWNSHIP_APPROVER,
        place_county="370811",
        place_township=TOWN_A,
    )
    assert "角色和所属区划已变更" in answer.content.decode()
    clerk.refresh_from_db()
    assert clerk.role == Role.TOWNSHIP_APPROVER
    assert not ApiToken.objects.filter(user=clerk, revoked=False).exists()
    row = _rows(clerk)[-1]
    assert (row.event_type, row.old, row.new) == (
        AuditEvent.ROLE_CHANGE,
        {"role": Role.TOWNSHIP_CLERK, "region": TOWN_A},
        {"role": Role.TOWNSHIP_APPROVER, "region": TOWN_A},
    )


def test_an_admin_cannot_change_their_own_role_status_or_password(admin: User) -> None:
    c = _as(admin)
    for fields in (
        {"action": "role", "role": Role.CITY_OFFICER},
        {"action": "deactivate", "reason": "离职"},
        {"action": "password"},
    ):
        assert "不能修改本人账号" in _change(c, admin, **fields).content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.SYSADMIN and admin.is_active and admin.check_password("Pass-word-123")


def test_deactivation_needs_a_reason_stops_the_login_and_reactivation_restores_it(
    admin: User, make_user: Any
) -> None:
    clerk = make_user(Role.TOWNSHIP_CLERK, TOWN_A, username="leaver", password=PASSWORD)
    c = _as(admin)
    assert "停用账号须说明理由" in _change(c, clerk, action="deactivate", reason=" ").content.decode()
    clerk.refresh_from_db()
    assert clerk.is_active
    assert "账号已停用" in _change(c, clerk, action="deactivate", reason="调离").content.decode()
    assert Client().post("/login/", {"username": "leaver", "password": PASSWORD}).status_code == 200
    assert "账号已启用" in _change(c, clerk, action="activate").content.decode()
    assert Client().post("/login/", {"username": "leaver", "password": PASSWORD}).status_code == 302
    assert [(r.old, r.new) for r in _rows(clerk) if r.event_type == AuditEvent.UPDATE] == [
        ({"active": True}, {"active": False}),
        ({"active": False}, {"active": True}),
    ]


def test_a_password_reset_shows_a_one_time_password_and_ends_the_old_one_and_the_tokens(
    admin: User, make_user: Any
) -> None:
    clerk = make_user(Role.TOWNSHIP_CLERK, TOWN_A, username="forgot", password=PASSWORD)
    _api_token_create(user=clerk, name="phone", otp_verified=False, ip="")
    answer = _as(admin).post(f"/users/{clerk.pk}/change/", {"action": "password"})
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    password = answer.context["password"]
    clerk.refresh_from_db()
    assert not clerk.check_password(PASSWORD) and clerk.check_password(password)
    assert not ApiToken.objects.filter(user=clerk, revoked=False).exists()
    row = _rows(clerk)[-1]
    assert "重置密码" in row.detail and password not in f"{row.detail}{row.old}{row.new}"


def test_a_totp_reset_removes_the_authenticator_and_is_audited(admin: User, make_user: Any) -> None:
    clerk = make_user(Role.TOWNSHIP_CLERK, TOWN_A)
    TOTPDevice.objects.create(user=clerk, name="default", confirmed=True)
    c = _as(admin)
    assert "动态口令已重置" in _change(c, clerk, action="totp").content.decode()
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    assert (_rows(clerk)[-1].old, _rows(clerk)[-1].new) == ({"totp_devices": 1}, {"totp_devices": 0})
    assert "没有绑定身份验证器" in _change(c, clerk, action="totp").content.decode()


def test_the_admin_still_cannot_read_the_audit_log_nor_open_an_account_that_can(
    admin: User, make_user: Any
) -> None:
    c = _as(admin)
    assert c.get("/audit/").status_code == 403
    assert not audit_log_list(actor=admin).exists()
    auditor = make_user(Role.AUDITOR, "370800", username="auditor", password=PASSWORD)
    refused = _new(c, username="myauditor", role=Role.AUDITOR, place_county="", place_township="")
    assert refused.status_code == 400 and not User.objects.filter(username="myauditor").exists()
    with pytest.raises(Denied):
        user_reset_password(actor=admin, user=auditor)  # whoever knows an auditor's password reads the log
    with pytest.raises(Denied):
        user_change_role(
            actor=admin, user=make_user(Role.CITY_OFFICER, "370800"), role=Role.AUDITOR, region_code="370800"
        )
    auditor.refresh_from_db()
    assert auditor.check_password(PASSWORD)
    assert Role.AUDITOR not in {value for value, _ in c.get("/users/new/").context["roles"]}
    # the console (the system actor) still can
    user_create(
        actor=system_actor(purpose="开设审计账号"),
        username="auditor2",
        password=PASSWORD,
        role=Role.AUDITOR,
        region_code="370800",
        display_name="审计二",
    )


def test_only_the_admin_reaches_the_user_pages_and_a_refused_view_is_audited(make_user: Any) -> None:
    clerk = make_user(Role.TOWNSHIP_CLERK, TOWN_A)
    c = _as(clerk)
    assert c.get("/users/").status_code == 403
    assert c.post("/users/new/", {"username": "x"}).status_code == 403
    rows = AuditLog.objects.filter(event_type=AuditEvent.DENIED, actor=clerk, target_type="users.manage")
    assert [(r.target_id, r.outcome) for r in rows] == [("users", "denied")] * 2  # one per refused request
    assert User.objects.count() == 1


def test_a_refused_api_call_is_a_403_and_is_audited_as_denied(admin: User, make_user: Any) -> None:
    clerk = make_user(Role.TOWNSHIP_CLERK, TOWN_A)
    answer = _as(clerk).get("/api/v1/auth/users")
    assert answer.status_code == 403 and "系统管理员" in answer.json()["detail"]
    assert (
        AuditLog.objects.filter(event_type=AuditEvent.DENIED, actor=clerk, target_id="api:users").count() == 1
    )
    listed = _as(admin).get("/api/v1/auth/users", {"role": Role.TOWNSHIP_CLERK}).json()
    assert [u["username"] for u in listed] == [clerk.username] and listed[0]["role_name"] == "乡镇经办"


def test_the_user_list_filters_and_costs_the_same_few_queries_however_many_accounts(
    admin: User, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    c = _as(admin)
    for i in range(3):
        make_user(Role.TOWNSHIP_CLERK, TOWN_A, username=f"a{i}")
    with django_assert_max_num_queries(12) as few:
        assert c.get("/users/").status_code == 200
    for i in range(40):
        make_user(Role.VILLAGE_ASSISTANT, VILLAGE_A, username=f"v{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get("/users/")
    page = c.get("/users/", {"role": Role.TOWNSHIP_CLERK, "q": "a1"}).context["page"]
    assert [u.username for u in page] == ["a1"]
    in_town = c.get("/users/", {"place_county": "370811", "place_township": TOWN_A, "status": "active"})
    assert in_town.context["page"].paginator.count == 43
    assert c.get("/users/", {"place_county": "370812"}).context["page"].paginator.count == 0


def test_every_role_has_a_region_level_and_a_demo_user_in_a_region_of_that_level(db: Any) -> None:
    from minzheng.demo.users import demo_users_create

    assert set(ROLE_LEVEL) == set(Role.values)
    created = demo_users_create()
    users = {u.role: u for u in User.objects.select_related("region")}
    assert set(users) == set(Role.values) and len(created) == User.objects.count()
    for role, user in users.items():
        assert user.region.level == ROLE_LEVEL[role], role
        assert user.display_name and not user.display_name.isascii(), role
    assert Region.objects.get(code=users[Role.GRID_WORKER].region.code).level == "grid"


def test_a_service_refuses_a_role_at_the_wrong_level_even_from_the_console(db: Any) -> None:
    with pytest.raises(ValidationError, match="须绑定到县"):
        user_create(
            actor=system_actor(purpose="测试"),
            username="wrong",
            password=PASSWORD,
            role=Role.ELDERLY_OFFICER,
            region_code=TOWN_A,
            display_name="养老",
        )
