"""The toneless pinyin search key of a place name ("chongwen" finds 崇文街), backfilled for every row."""

import unicodedata

from django.db import migrations, models


def _key(text):
    # frozen copy of placenames.models.toneless_pinyin as of this migration
    folded = unicodedata.normalize("NFKD", text or "").lower().replace("v", "u")
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def backfill(apps, schema_editor):
    PlaceName = apps.get_model("placenames", "PlaceName")
    rows = list(PlaceName.objects.only("pk", "pinyin"))
    for row in rows:
        row.pinyin_key = _key(row.pinyin)
    PlaceName.objects.bulk_update(rows, ["pinyin_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("placenames", "0001_gazetteer_reserve_and_naming_applications"),
    ]

    operations = [
        migrations.AddField(
            model_name="placename",
            name="pinyin_key",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="拼音检索键"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
