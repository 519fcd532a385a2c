from django.db import migrations


class Migration(migrations.Migration):
    """Joins the two 0005 steps made side by side (programme codes from the registry; transitions moved to
    casework); neither touches the other's fields."""

    dependencies = [
        ("assistance", "0005_programme_code_from_registry"),
        ("assistance", "0005_transitions_move_to_casework"),
    ]

    operations: list[migrations.operations.base.Operation] = []
