"""Evidence tables refuse DELETE at the database, whatever the code does (PostgreSQL).

Sessions, care and medicine records, behaviour and safeguarding records, and the audit and
access trails are evidence: corrections are amendments, nothing is deleted. Django's
on_delete=PROTECT guards the ORM; these row triggers guard everything else (a console, a
script). SQLite is left to the ORM guards: its test teardown empties tables with DELETE,
where PostgreSQL's uses TRUNCATE, which row triggers do not see.

Each app installs the triggers on its own tables in its own migration:

    operations = [no_delete("myapp_record", "myapp_amendment")]
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION sendesk_evidence_no_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Rows of % are evidence and are never deleted; record an amendment instead.',
        TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def no_delete(*tables: str) -> migrations.RunPython:
    """A migration operation that makes `tables` refuse DELETE (PostgreSQL; nothing
    elsewhere). The shared trigger function is (re)created first, so an app's migration
    depends on no other app's; reversing drops this operation's triggers only."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(FUNCTION, params=None)
        for table in tables:
            # Dropped first so that a table whose trigger an older migration made (before
            # each app installed its own) is not refused as a duplicate.
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION sendesk_evidence_no_delete()"
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")

    return migrations.RunPython(forwards, backwards, elidable=False)
