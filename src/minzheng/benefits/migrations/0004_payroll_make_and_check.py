"""Make-and-check on payroll (generated_by / checked_by), one regular payment per person, programme and
month across every roll (PayrollLine.month), pending corrections and recoveries (PayrollCorrection), and
second-person approval of payee accounts held in another name."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_run_month(apps, schema_editor):
    PayrollLine = apps.get_model("benefits", "PayrollLine")
    PayrollRun = apps.get_model("benefits", "PayrollRun")
    for run_id, month in PayrollRun.objects.values_list("id", "month"):
        PayrollLine.objects.filter(run_id=run_id).update(month=month)


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0003_payeeaccount"),
        ("people", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("payrollrun", "created_by", "generated_by"),
        migrations.RenameField("payrollrun", "frozen_by", "checked_by"),
        migrations.AlterField(
            model_name="payrollrun",
            name="generated_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="制表人",
            ),
        ),
        migrations.AlterField(
            model_name="payrollrun",
            name="checked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="审核人",
            ),
        ),
        migrations.AddField(
            model_name="payrollline",
            name="month",
            field=models.DateField(null=True, verbose_name="发放月"),
        ),
        migrations.RunPython(copy_run_month, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="payrollline",
            name="month",
            field=models.DateField(verbose_name="发放月"),
        ),
        migrations.AlterField(
            model_name="payrollline",
            name="kind",
            field=models.CharField(
                choices=[
                    ("regular", "正常发放"),
                    ("adjustment", "调整（补发/扣回）"),
                    ("recovery", "扣回不足结转追缴"),
                ],
                default="regular",
                max_length=12,
                verbose_name="类型",
            ),
        ),
        migrations.AddConstraint(
            model_name="payrollline",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "regular")),
                fields=("person", "programme", "month"),
                name="one_regular_payment_per_person_programme_month",
            ),
        ),
        migrations.AddField(
            model_name="payeeaccount",
            name="holder_reason",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="非本人户名原因"),
        ),
        migrations.AddField(
            model_name="payeeaccount",
            name="approval",
            field=models.CharField(
                choices=[
                    ("not_required", "本人户名，无需复核"),
                    ("pending", "待复核"),
                    ("approved", "已复核同意"),
                    ("rejected", "已驳回"),
                ],
                default="not_required",
                max_length=12,
                verbose_name="复核",
            ),
        ),
        migrations.AddField(
            model_name="payeeaccount",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="复核时间"),
        ),
        migrations.AddField(
            model_name="payeeaccount",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.CreateModel(
            name="PayrollCorrection",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("correction", "更正（补发/扣回）"), ("recovery", "追缴")],
                        default="correction",
                        max_length=12,
                        verbose_name="类型",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("awaiting_approval", "待复核"),
                            ("pending", "待计入下期名册"),
                            ("applied", "已计入名册"),
                            ("rejected", "已驳回"),
                        ],
                        default="pending",
                        max_length=20,
                        verbose_name="状态",
                    ),
                ),
                (
                    "programme",
                    models.CharField(
                        choices=[
                            ("dibao", "最低生活保障"),
                            ("tekun", "特困人员救助供养"),
                            ("temporary", "临时救助"),
                            ("high_age", "高龄津贴"),
                            ("child", "儿童基本生活保障"),
                        ],
                        max_length=16,
                        verbose_name="项目",
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=15, verbose_name="管辖区划")),
                ("county_code", models.CharField(db_index=True, max_length=6, verbose_name="县(市、区)")),
                ("amount", models.IntegerField(verbose_name="金额（元）")),
                ("reason", models.CharField(max_length=200, verbose_name="原因")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("approved_at", models.DateTimeField(blank=True, null=True, verbose_name="复核时间")),
                (
                    "applied_run",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="benefits.payrollrun",
                        verbose_name="计入名册",
                    ),
                ),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "enrolment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="benefits.enrolment"
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="people.person"
                    ),
                ),
                (
                    "source_run",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="benefits.payrollrun",
                        verbose_name="所更正名册",
                    ),
                ),
            ],
            options={
                "verbose_name": "发放更正",
                "verbose_name_plural": "发放更正",
                "constraints": [
                    models.CheckConstraint(condition=~models.Q(("amount", 0)), name="correction_amount_not_zero")
                ],
            },
        ),
    ]
