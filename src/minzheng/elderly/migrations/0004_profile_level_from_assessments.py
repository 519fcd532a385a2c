"""A profile's capability level is only a copy of the latest recorded assessment. Earlier code let an
admission (and the demo) type a level onto the profile with no assessment behind it; set every copy
back to its latest assessment, or to none where nothing was assessed."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_from_assessments(apps, schema_editor):  # type: ignore[no-untyped-def]
    profile = apps.get_model("elderly", "ElderProfile")
    assessment = apps.get_model("elderly", "CapabilityAssessment")
    latest = assessment.objects.filter(person_id=OuterRef("person_id")).order_by("-assessed_on", "-pk")
    profile.objects.update(
        capability_level=Subquery(latest.values("level")[:1]),
        capability_assessed_on=Subquery(latest.values("assessed_on")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("elderly", "0003_profile_died_on")]

    operations = [migrations.RunPython(copy_from_assessments, migrations.RunPython.noop)]
