"""Sessions and what was recorded in them refuse UPDATE and DELETE at the database, on
SQLite as on PostgreSQL (sendesk.lib.migrations). A correction (provision.services.
session_amend) rewrites only the columns it may correct, keeping the old values in a
SessionAmendment and a chained audit row; those columns may change, no other."""

from django.db import migrations

from sendesk.lib.migrations import evidence


class Migration(migrations.Migration):
    dependencies = [
        ("provision", "0005_session_missed_partial_index"),
    ]

    operations = [
        evidence(
            "provision_session",
            may_change=("minutes", "start_time", "delivered", "missed_reason", "missed_note"),
        ),
        evidence(
            "provision_sessionpupil",
            may_change=(
                "attendance", "response", "note", "note_shared_with_parents", "adaptations",
                "flag_for_teacher", "flag_note", "minutes",
            ),
        ),  # fmt: skip
        evidence("provision_targetrating", may_change=("rating",)),
        evidence("provision_sessionamendment"),
    ]
