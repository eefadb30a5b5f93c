"""Medicine and care records refuse DELETE at the database (PostgreSQL), as sessions do:
see audit/0002 for why, and for the trigger function used here."""

from django.db import migrations

TABLES = ["care_administration", "care_careevent", "care_amendment"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION sendesk_evidence_no_delete()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_evidence_never_deleted"),
        ("care", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
