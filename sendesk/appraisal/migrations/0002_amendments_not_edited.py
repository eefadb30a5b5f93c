"""A correction to a signed-off appraisal stage is kept for good: the database refuses to
change or delete its rows, on SQLite as on PostgreSQL (sendesk.lib.migrations)."""

from django.db import migrations

from sendesk.lib.migrations import evidence


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0001_appraisal_cpd_induction"),
    ]

    operations = [evidence("appraisal_reviewamendment")]
