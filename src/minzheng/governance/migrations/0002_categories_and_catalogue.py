"""The routing table of grid incidents and the one-window catalogue, as data (editable rows, not code).
Office names are the township's usual offices; each category's time limit is a policy key."""

from django.db import migrations

CATEGORIES = (
    ("dispute", "矛盾纠纷", "综治中心（人民调解委员会）", "", 1),
    ("safety", "安全隐患", "应急管理办公室", "", 2),
    ("hardship", "困难群众", "社会事务办公室（民政）", "dibao", 3),
    ("sanitation", "环境卫生", "城市管理办公室", "", 4),
    ("other", "其他", "党政综合办公室", "", 5),
)

# (matter, registry code of the line/programme, page, what the page needs)
MATTERS = (
    ("低保申请", "dibao", "application-new", "household", 1),
    ("特困人员救助供养申请", "tekun", "application-new", "household", 2),
    ("临时救助申请", "temporary", "application-new", "household", 3),
    ("高龄津贴", "high_age", "elderly-roster", "", 4),
    ("残疾人两项补贴", "dis_living", "disability-list", "", 5),
    ("身后一件事（殡葬）", "funeral", "funeral-new", "person", 6),
    ("婚姻登记预约", "marriage", "marriage-appointments", "", 7),
)


def forward(apps, schema_editor):
    Category = apps.get_model("governance", "IncidentCategory")
    Matter = apps.get_model("governance", "MatterType")
    for code, name, office, line, order in CATEGORIES:
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "office": office,
                "line_code": line,
                "days_key": f"governance.incident_days.{code}",
                "order": order,
            },
        )
    for name, target, url_name, needs, order in MATTERS:
        Matter.objects.update_or_create(
            name=name, defaults={"target": target, "url_name": url_name, "needs": needs, "order": order}
        )


def backward(apps, schema_editor):
    apps.get_model("governance", "IncidentCategory").objects.all().delete()
    apps.get_model("governance", "MatterType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_grids_incidents_workers_window_zones")]
    operations = [migrations.RunPython(forward, backward)]
