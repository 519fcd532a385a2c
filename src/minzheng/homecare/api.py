"""/api/v1/homecare/: the alarm intake for sensors and call buttons.

Devices do not hold a person's API token (those need a password and, for staff, a second factor a device
cannot give). Each device gets its own key when an officer registers it (`services.device_register`,
shown once, stored as SHA-256); it sends it as `X-Device-Key`. The key can only post alarms of that
device, in that device's region; deactivating the device kills the key."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import APIKeyHeader

from minzheng.core.api_schemas import with_errors

from . import services


class DeviceKey(APIKeyHeader):
    param_name = "X-Device-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return services.device_authenticate(key=key or "")


class AlarmIn(Schema):
    kind: str
    at: dt.datetime | None = None


class AlarmOut(Schema):
    id: int
    state: str
    repeats: int
    created: bool


router = Router(tags=["居家服务"])


@router.post("/alarms", auth=DeviceKey(), response=with_errors(AlarmOut))
def alarm_post(request: HttpRequest, data: AlarmIn) -> dict[str, Any]:
    try:
        alarm, created = services.alarm_receive(device=request.auth, kind=data.kind, at=data.at)  # type: ignore[attr-defined]
    except ValidationError as e:
        raise HttpError(400, "；".join(e.messages)) from None
    return {"id": alarm.pk, "state": alarm.state, "repeats": alarm.repeats, "created": created}
