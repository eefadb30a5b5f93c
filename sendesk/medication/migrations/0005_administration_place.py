"""Where a dose was given when not at school (an educational visit's destination), shown
on the MAR. On SQLite adding a column with a default rebuilds the table, which drops its
evidence triggers: they are made again here, listing the new column among the guarded
ones (it is set once, when the dose is recorded, and never changed)."""

from django.db import migrations, models

from sendesk.lib.migrations import evidence


class Migration(migrations.Migration):
    dependencies = [
        ("medication", "0004_evidence_not_edited"),
    ]

    operations = [
        migrations.AddField(
            model_name="administration",
            name="place",
            field=models.CharField(
                blank=True,
                help_text="Empty when given at school.",
                max_length=200,
                verbose_name="Where given",
            ),
        ),
        evidence(
            "care_administration",
            may_change=("outcome", "dose", "reason", "reactions", "given_at", "flags", "notified_at"),
        ),
    ]
