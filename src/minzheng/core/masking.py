"""Masked display of personal data: shown masked everywhere unless explicitly revealed (audited)."""


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_bank_account(value: str) -> str:
    if not value:
        return ""
    return "*" * max(len(value) - 4, 0) + value[-4:]


def mask_name(value: str) -> str:
    """A name as a public list shows it (公示 online): the surname and a star for each other character."""
    value = (value or "").strip()
    if len(value) <= 1:
        return value
    return value[0] + "*" * (len(value) - 1)
