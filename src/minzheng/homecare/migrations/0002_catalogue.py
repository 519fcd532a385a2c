"""The published catalogue (峡山区28项) loaded from fixtures/service_items.json: a price change is a new
dated row, added by a later migration or the admin, never an edit of this file's rows."""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "service_items.json"


def load(apps, schema_editor):  # noqa: ANN001, ANN201
    ServiceItem = apps.get_model("homecare", "ServiceItem")
    for row in json.loads(FIXTURE.read_text(encoding="utf-8"))["items"]:
        ServiceItem.objects.get_or_create(
            code=row["code"], region_prefix=row["region_prefix"], effective_from=row["effective_from"], defaults=row
        )


class Migration(migrations.Migration):
    dependencies = [("homecare", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
