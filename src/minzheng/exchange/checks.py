"""Startup checks of the snapshot store's protection at rest.

The store holds person keys instead of ID numbers (pseudonym.py), but still each person's income,
assets, disability and medical facts. Its files are written mode 600 in 700 directories
(store.private_files); the volume holding SNAPSHOT_DIR must also be encrypted (LUKS, an encrypted cloud
disk): Parquet modular encryption is not used because the verification desk reads row groups through
pyarrow, which would need a key-management service. A deployment declares the encrypted volume with
SNAPSHOT_VOLUME_ENCRYPTED = True (environment MINZHENG_SNAPSHOT_VOLUME_ENCRYPTED=1); without it, and for a
SNAPSHOT_DIR open to other users, every management command and the server warn at startup."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Warning, register


@register("security")
def snapshot_store_at_rest(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    problems: list[Warning] = []
    if not settings.DEBUG and not getattr(settings, "SNAPSHOT_VOLUME_ENCRYPTED", False):
        problems.append(
            Warning(
                "数据交换快照目录未声明位于加密卷上",
                hint="将SNAPSHOT_DIR放在加密卷（如LUKS或云盘加密）上，并设置环境变量"
                "MINZHENG_SNAPSHOT_VOLUME_ENCRYPTED=1",
                id="exchange.W001",
            )
        )
    root = Path(settings.SNAPSHOT_DIR)
    try:
        mode = stat.S_IMODE(root.stat().st_mode)
    except OSError:
        return problems
    if mode & 0o077:
        problems.append(
            Warning(
                f"数据交换快照目录{root}对其他用户可读（权限{mode:o}）",
                hint=f"chmod -R go-rwx {root}",
                id="exchange.W002",
            )
        )
    return problems
