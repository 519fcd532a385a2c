from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    VILLAGE_ASSISTANT = "village_assistant", "村协理员"
    TOWNSHIP_CLERK = "township_clerk", "乡镇经办"
    TOWNSHIP_APPROVER = "township_approver", "乡镇审批"
    COUNTY_OFFICER = "county_officer", "县级"
    COUNTY_FINANCE = "county_finance", "县级财务"
    CITY_OFFICER = "city_officer", "市级"
    AUDITOR = "auditor", "审计"
    SYSADMIN = "sysadmin", "系统管理员"
    # The new lines (issues 14–19): county sections, township and village workers, outside people
    ELDERLY_OFFICER = "elderly_officer", "养老服务科"
    CHILD_WELFARE_OFFICER = "child_welfare_officer", "儿童福利科"
    CHILD_SUPERVISOR = "child_supervisor", "儿童督导员"
    CHILD_DIRECTOR = "child_director", "儿童主任"
    SOCIAL_AFFAIRS_OFFICER = "social_affairs_officer", "社会事务科"
    ORG_OFFICER = "org_officer", "社会组织管理"
    CARER = "carer", "护理员"
    GRID_WORKER = "grid_worker", "网格员"
    VOLUNTEER = "volunteer", "志愿者"
    ORG_FILER = "org_filer", "社会组织填报员"


# The region level an account of each role is bound to (the user admin offers and accepts only these).
ROLE_LEVEL: dict[str, str] = {
    Role.VILLAGE_ASSISTANT: "village",
    Role.TOWNSHIP_CLERK: "township",
    Role.TOWNSHIP_APPROVER: "township",
    Role.COUNTY_OFFICER: "county",
    Role.COUNTY_FINANCE: "county",
    Role.CITY_OFFICER: "city",
    Role.AUDITOR: "city",
    Role.SYSADMIN: "city",
    Role.ELDERLY_OFFICER: "county",
    Role.CHILD_WELFARE_OFFICER: "county",
    Role.CHILD_SUPERVISOR: "township",
    Role.CHILD_DIRECTOR: "village",
    Role.SOCIAL_AFFAIRS_OFFICER: "county",
    Role.ORG_OFFICER: "county",
    Role.CARER: "township",
    Role.GRID_WORKER: "grid",
    Role.VOLUNTEER: "village",
    Role.ORG_FILER: "county",  # its organisation's registering authority; org scope comes with issue 17
}


class User(AbstractUser):
    """Every account is bound to one region; it sees that region's subtree and nothing else."""

    role = models.CharField("角色", max_length=24, choices=Role.choices, blank=True, default="")
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    display_name = models.CharField("姓名", max_length=64, blank=True, default="")
    phone = models.CharField("联系电话", max_length=16, blank=True, default="")  # shown masked

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """Bearer token for mobile clients; only the SHA-256 of the key is stored, and only its first
    characters (`prefix`) are ever shown again. It works until `expires_at`, until revoked (by its owner, an
    admin, or a password or role change), and only while the user is active."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("令牌前缀", max_length=8, default="")
    name = models.CharField("用途", max_length=64, default="mobile")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")
    last_used_at = models.DateTimeField(null=True, blank=True)
    otp_verified = models.BooleanField("签发时已验证动态口令", default=False)
    revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_reason = models.CharField("吊销原因", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.name}@{self.user_id}"
