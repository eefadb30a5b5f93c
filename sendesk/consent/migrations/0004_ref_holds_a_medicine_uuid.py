"""A consent about one medicine names it as "medicine:<uuid>", 45 characters: `ref` grows
from 40 to 60."""

from django.db import migrations, models

from sendesk.lib.migrations import evidence


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0003_agency_and_ref"),
    ]

    operations = [
        migrations.AlterField(
            model_name="consent",
            name="ref",
            field=models.CharField(blank=True, max_length=60),
        ),
        # The table is rebuilt on SQLite: its never-edited triggers again.
        evidence("consent_consent"),
    ]
