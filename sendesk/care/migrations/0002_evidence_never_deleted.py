"""Medicine and care records refuse DELETE at the database (PostgreSQL), as sessions do:
see sendesk.lib.migrations for why."""

from django.db import migrations

from sendesk.lib.migrations import no_delete


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
    ]

    operations = [
        no_delete(
            "care_administration",
            "care_careevent",
            "care_amendment",
        )
    ]
