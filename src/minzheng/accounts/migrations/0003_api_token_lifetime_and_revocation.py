import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_county_finance_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="prefix",
            field=models.CharField(default="", max_length=8, verbose_name="令牌前缀"),
        ),
        # Tokens issued before tokens had a lifetime expire now: their holders ask for a new one.
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="有效期至"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="otp_verified",
            field=models.BooleanField(default=False, verbose_name="签发时已验证动态口令"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="吊销时间"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_reason",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="吊销原因"),
        ),
    ]
