"""Reference data every command needs (region tree, policy tables), created on first use so that a
command such as `minzheng assess` works on a fresh checkout without a separate set-up step."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db import connection


def ensure_reference_data() -> None:
    from minzheng.policy.models import PolicyParameter
    from minzheng.policy.services import policy_load_fixture
    from minzheng.regions.models import Region
    from minzheng.regions.services import regions_load

    if PolicyParameter._meta.db_table not in connection.introspection.table_names():
        call_command("migrate", verbosity=0, interactive=False, stdout=io.StringIO())
    if not Region.objects.exists():
        regions_load()
    if not PolicyParameter.objects.exists():
        policy_load_fixture()
