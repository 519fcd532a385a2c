from django.db import migrations

# The step each transition records, by its target state (as the case engine's workflow declares it).
STEP_BY_TARGET = {
    "submitted": "intake",
    "verifying": "verification",
    "village_review": "verification",
    "public_notice": "village_review",
}


def copy_history(apps, schema_editor):
    """The application's state history moves to the case engine's generic history, row for row."""
    Transition = apps.get_model("assistance", "Transition")
    CaseEvent = apps.get_model("casework", "CaseEvent")
    rows = Transition.objects.select_related("application").order_by("at", "id")
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case_type="assistance.application",
                case_id=t.application_id,
                workflow=t.application.programme,
                from_state=t.from_state,
                to_state=t.to_state,
                step=STEP_BY_TARGET.get(t.to_state, ""),
                actor_id=t.actor_id,
                at=t.at,
                note=t.note,
            )
            for t in rows.iterator()
        ],
        batch_size=1000,
    )


def copy_back(apps, schema_editor):
    Transition = apps.get_model("assistance", "Transition")
    CaseEvent = apps.get_model("casework", "CaseEvent")
    for e in CaseEvent.objects.filter(case_type="assistance.application").order_by("at", "id").iterator():
        t = Transition.objects.create(
            application_id=e.case_id, from_state=e.from_state, to_state=e.to_state, actor_id=e.actor_id, note=e.note
        )
        Transition.objects.filter(pk=t.pk).update(at=e.at)
    CaseEvent.objects.filter(case_type="assistance.application").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0004_workflow_objections_overrides_second_approval"),
        ("casework", "0001_case_and_history"),
    ]

    operations = [
        migrations.RunPython(copy_history, copy_back),
        migrations.DeleteModel(name="Transition"),
    ]
