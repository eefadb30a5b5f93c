"""Safeguarding records refuse DELETE at the database (PostgreSQL), as sessions do: see
sendesk.lib.migrations for why."""

from django.db import migrations

from sendesk.lib.migrations import no_delete


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0001_initial"),
    ]

    operations = [
        no_delete(
            "safeguarding_concern",
            "safeguarding_concernaction",
            "safeguarding_safeguardingaccess",
            "safeguarding_safeguardingaudit",
        )
    ]
