"""The citizen as an actor: not a user account, no role, no staff permission (`require` refuses it, like
the anonymous user); the audit log names them by their masked name and person number."""

from __future__ import annotations

from dataclasses import dataclass

from minzheng.core.masking import mask_name


@dataclass(frozen=True)
class Citizen:
    person_id: int
    name: str
    session_id: int | None = None
    is_authenticated: bool = False  # never a staff user: every staff check refuses
    is_active: bool = True
    role: str = ""
    pk: None = None

    def __str__(self) -> str:
        return f"群众（{mask_name(self.name)}，人员#{self.person_id}）"

    def get_username(self) -> str:
        return str(self)
