"""Dose records refuse UPDATE and DELETE at the database, on SQLite as on PostgreSQL
(sendesk.lib.migrations). Two writes may change a saved dose: a correction
(medication.services.administration_amend: the old values kept in an Amendment and a
chained audit row) and, for an emergency dose, the time its e-mails went (notified_at,
set by the worker and audited). Those columns may change, no other."""

from django.db import migrations

from sendesk.lib.migrations import evidence


class Migration(migrations.Migration):
    dependencies = [
        ("medication", "0003_emergency_flags_and_notified_at"),
    ]

    operations = [
        evidence(
            "care_administration",
            may_change=("outcome", "dose", "reason", "reactions", "given_at", "flags", "notified_at"),
        ),
    ]
