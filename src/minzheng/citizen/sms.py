"""The SMS door of the sign-in: `settings.CITIZEN_SMS_BACKEND` names a class with
`send(*, person, phone, text)`. The local backend (development, tests, the demo) sends nothing: it writes
the message to the outbox table (`SmsMessage`) and the log, with the number masked."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from minzheng.core.masking import mask_phone

from .models import SmsMessage

log = logging.getLogger("minzheng.citizen.sms")


class Backend(Protocol):
    def send(self, *, person: Any, phone: str, text: str) -> None: ...


class LocalBackend:
    def send(self, *, person: Any, phone: str, text: str) -> None:
        SmsMessage.objects.create(person=person, phone_masked=mask_phone(phone), text=text[:200])
        log.warning("本地短信通道（未真实发送）→ %s：%s", mask_phone(phone), text)


def backend() -> Backend:
    cls = import_string(settings.CITIZEN_SMS_BACKEND)
    return cls()
