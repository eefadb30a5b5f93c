"""Care events and their corrections refuse UPDATE and DELETE at the database, on SQLite
as on PostgreSQL (sendesk.lib.migrations). A correction (care.services.care_event_amend)
rewrites only the columns it may correct, keeping the old values in an Amendment and a
chained audit row. (The dose records, care_administration, are the medication app's now:
medication 0004 guards them.)"""

from django.db import migrations

from sendesk.lib.migrations import evidence


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0004_care_event_gender_confirmed"),
    ]

    operations = [
        evidence(
            "care_careevent",
            may_change=(
                "kind", "occurred_at", "second_staff_id", "observations", "products_used",
                "note", "gender_confirmed",
            ),
        ),  # fmt: skip
        evidence("care_amendment"),
    ]
