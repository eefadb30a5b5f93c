"""Doses given offline (issue 13): whether a dose was given on a device without the network,
the rules it broke found when it arrived, and when it arrived. On SQLite adding a column
with a default rebuilds the table, which drops its evidence triggers: they are made again
here, with the new columns among the guarded ones (set once, when the dose arrives)."""

from django.db import migrations, models

from sendesk.lib.migrations import evidence


class Migration(migrations.Migration):
    dependencies = [
        ("medication", "0006_consent_moves_to_consent_app"),
    ]

    operations = [
        migrations.AddField(
            model_name="administration",
            name="given_offline",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="administration",
            name="offline_problem",
            field=models.TextField(
                blank=True, help_text="Given offline: the rules it broke, found when it arrived."
            ),
        ),
        migrations.AddField(
            model_name="administration",
            name="synced_at",
            field=models.DateTimeField(
                blank=True, help_text="Given offline: when it reached the server.", null=True
            ),
        ),
        evidence(
            "care_administration",
            may_change=("outcome", "dose", "reason", "reactions", "given_at", "flags", "notified_at"),
        ),
    ]
