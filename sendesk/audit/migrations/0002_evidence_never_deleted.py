"""Evidence tables refuse DELETE at the database, whatever the code does (PostgreSQL).

Sessions, their pupil records, ratings and amendments, and the audit and access trails are
evidence: corrections are amendments, nothing is deleted. Django's on_delete=PROTECT guards
the ORM; this guards everything else (a console, a script). SQLite is left to the ORM
guards: its test teardown empties tables with DELETE, where PostgreSQL's uses TRUNCATE,
which these row triggers do not see.
"""

from django.db import migrations

TABLES = [
    "provision_session",
    "provision_sessionpupil",
    "provision_targetrating",
    "provision_sessionamendment",
    "audit_auditevent",
    "audit_accessevent",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION sendesk_evidence_no_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Rows of % are evidence and are never deleted; record an amendment instead.',
        TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
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
    schema_editor.execute("DROP FUNCTION IF EXISTS sendesk_evidence_no_delete()")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("provision", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
