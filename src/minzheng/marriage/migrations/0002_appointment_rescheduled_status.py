"""已改约 (rescheduled): a booking moved to another day was marked 已取消; it now reads 已改约 and links to
the new booking. Bookings already moved (they have a `rebooked_to`) are marked so, in one UPDATE."""

from django.db import migrations, models


def mark_moved(apps, schema_editor):
    Appointment = apps.get_model("marriage", "Appointment")
    Appointment.objects.filter(status="cancelled", rebooked_to__isnull=False).update(status="rescheduled")


def unmark_moved(apps, schema_editor):
    Appointment = apps.get_model("marriage", "Appointment")
    Appointment.objects.filter(status="rescheduled").update(status="cancelled")


class Migration(migrations.Migration):
    dependencies = [
        ("marriage", "0001_registry_offices_appointments_registrations"),
    ]

    operations = [
        migrations.AlterField(
            model_name="appointment",
            name="status",
            field=models.CharField(
                choices=[
                    ("booked", "已预约"),
                    ("cancelled", "已取消"),
                    ("rescheduled", "已改约"),
                    ("attended", "已办理"),
                    ("no_show", "未到场"),
                ],
                default="booked",
                max_length=12,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(mark_moved, unmark_moved),
    ]
