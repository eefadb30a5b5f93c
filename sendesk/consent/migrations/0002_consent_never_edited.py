"""A parent's decision is kept as it was made: the database refuses to change or delete a
consent row (sendesk.lib.migrations); a new decision is a new row."""

from django.db import migrations

from sendesk.lib.migrations import evidence


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0001_initial"),
    ]

    operations = [evidence("consent_consent")]
