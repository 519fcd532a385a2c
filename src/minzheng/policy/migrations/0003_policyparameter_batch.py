from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0002_proposals_make_and_check"),
    ]

    operations = [
        migrations.AddField(
            model_name="policyparameter",
            name="batch",
            field=models.CharField(
                blank=True, db_default="", db_index=True, default="", max_length=32, verbose_name="同一方案"
            ),
        ),
    ]
