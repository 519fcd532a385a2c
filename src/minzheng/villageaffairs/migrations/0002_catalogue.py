"""The 三务公开 catalogue (30 三务 + 6 三资 items) as data, from fixtures/catalogue.json (its `source` says
which items the seed names and which were filled in)."""

import json
from pathlib import Path

from django.db import migrations

CATALOGUE = Path(__file__).resolve().parent.parent / "fixtures" / "catalogue.json"


def load(apps, schema_editor):
    Item = apps.get_model("villageaffairs", "CatalogueItem")
    for row in json.loads(CATALOGUE.read_text(encoding="utf-8")):
        Item.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})


def unload(apps, schema_editor):
    apps.get_model("villageaffairs", "CatalogueItem").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("villageaffairs", "0001_disclosure_and_question_ledger")]

    operations = [migrations.RunPython(load, unload)]
