"""The system actor: who acts when no person does (scheduled screening, snapshot imports, console tasks,
demo setup). Not a user account: it cannot log in, has no password, token or session, and appears in the
audit log by what it was doing ("系统（定时任务：全市动态监测）"). Its scope is the whole city (every region
this deployment holds) and it holds only the permissions the matrix grants to `SYSTEM_ROLE`.

A non-user object rather than an inactive service account: an account row could be reactivated, given a
password or a role by an admin, and would read the same in the log whatever the task; this object
cannot, and every row names its purpose. Foreign keys to the acting user (`imported_by`, `started_by`)
stay empty for it (see `acting_user`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SYSTEM_ROLE = "system"  # a matrix key, never a `Role` a user can hold


@dataclass(frozen=True)
class SystemActor:
    purpose: str
    role: str = SYSTEM_ROLE
    # Like AnonymousUser for every check that looks for a logged-in person; scoping and `require` know it.
    is_authenticated: bool = False
    is_active: bool = True
    pk: None = None

    def __str__(self) -> str:
        return f"系统（定时任务：{self.purpose}）"

    def get_username(self) -> str:
        return str(self)


def system_actor(*, purpose: str) -> SystemActor:
    """The actor for work nobody does by hand; `purpose` is what the audit row says it was doing."""
    if not purpose.strip():
        raise ValueError("系统操作须写明用途")
    return SystemActor(purpose=purpose.strip())


def is_system(actor: Any) -> bool:
    return isinstance(actor, SystemActor)


def acting_user(actor: Any) -> Any:
    """The user to store in an `…_by` foreign key: the actor itself, or None for the system."""
    return None if is_system(actor) else actor


def require_actor(actor: Any) -> None:
    """Services refuse to run for nobody: automatic work passes `system_actor(purpose=...)`."""
    if actor is None:
        raise TypeError("actor=None：请传入操作人，或自动任务的 system_actor(purpose=...)")
