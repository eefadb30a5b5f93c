"""Evidence tables refuse UPDATE and DELETE at the database, whatever the code does.

Sessions, care and medicine records, behaviour and safeguarding records, and the audit,
access and sign-in trails are evidence: corrections are amendments, nothing is deleted.
Django's on_delete=PROTECT guards the ORM; these triggers guard everything else (a console,
a script, a second program on the database file), on SQLite and PostgreSQL alike:

- DELETE is refused (a row trigger), and on PostgreSQL TRUNCATE too (a statement trigger;
  row triggers do not see TRUNCATE). SQLite has no TRUNCATE: its "DELETE without WHERE"
  shortcut is off on a table with a delete trigger, so the trigger sees every row.
- UPDATE is refused when any column changes except the ones named `may_change`: the
  columns a correction rewrites (the amend services keep every old value in an amendment
  row and a chained audit row, sendesk.pupils.amendments), and bookkeeping such as the time
  an emergency dose's e-mails went. On PostgreSQL the trigger compares the whole row but
  those columns, so a column added later is guarded with no new migration; on SQLite it
  compares the columns the table has when the trigger is made (list them again, by running
  `evidence()` again, after adding a column to an evidence table).

Each app installs the triggers on its own tables in its own migration:

    operations = [evidence("myapp_record", may_change=("note",)), evidence("myapp_amendment")]

On SQLite, a migration that rebuilds a table (most AlterField, and AddField with a default)
drops the table's triggers with the old table: run `evidence()` again after it, in the same
migration. tests/core/test_trail_guards.py checks that every evidence table has them.

The one way to delete: a disposal permit
-----------------------------------------
Retention will need to dispose of records past their date (pupil's date of birth + 25 or
31 years). That is one audited path, not a hole: inside one transaction the disposal
service takes a permit for the tables it empties (`disposal_permit()`: a row of
sendesk_disposal_permit naming the table and why), deletes, and writes its own audit row.
The triggers let a DELETE (or TRUNCATE) through only under a permit of the same
transaction:
- PostgreSQL: the permit row carries the transaction's id (txid_current()) and counts in
  that transaction only; permits are never updated or deleted, so each stays as the record
  of a disposal.
- SQLite: writers are serialised (IMMEDIATE transactions) and nobody sees a row before it
  is committed, so the permit is deleted again before the transaction commits: it is never
  visible outside it.
The permit table is a plain table, not a model: Django's flush leaves it alone. The test
suite's flush between transactional tests empties the tables under such a permit
(tests/conftest.py); nothing else takes one yet. UPDATE is never permitted: disposal
deletes, it does not rewrite.

(`no_delete()` is the older, PostgreSQL-only DELETE guard; earlier migrations still use
it and `evidence()` replaces its triggers.)
"""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, migrations, transaction

PERMIT_TABLE = "sendesk_disposal_permit"

FUNCTION = """
CREATE OR REPLACE FUNCTION sendesk_evidence_no_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Rows of % are evidence and are never deleted; record an amendment instead.',
        TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

PERMIT_TABLE_SQL = {
    "postgresql": f"""
        CREATE TABLE IF NOT EXISTS {PERMIT_TABLE} (
            id bigserial PRIMARY KEY,
            tbl varchar(100) NOT NULL,
            why text NOT NULL,
            granted_at timestamptz NOT NULL DEFAULT now(),
            txid bigint NOT NULL DEFAULT txid_current()
        )""",
    "sqlite": f"""
        CREATE TABLE IF NOT EXISTS {PERMIT_TABLE} (
            id integer PRIMARY KEY AUTOINCREMENT,
            tbl varchar(100) NOT NULL,
            why text NOT NULL,
            granted_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
        )""",
}

# One function for every evidence table and every operation. The arguments of the UPDATE
# trigger are the columns that may change.
GUARD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION sendesk_evidence_guard() RETURNS trigger AS $$
DECLARE
    may_change text[] := CASE WHEN TG_NARGS > 0 THEN TG_ARGV ELSE '{{}}'::text[] END;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (to_jsonb(NEW) - may_change) IS DISTINCT FROM (to_jsonb(OLD) - may_change) THEN
            RAISE EXCEPTION
                'Rows of % are evidence and are not edited; record an amendment instead.',
                TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM {PERMIT_TABLE}
               WHERE tbl = TG_TABLE_NAME AND txid = txid_current()) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'Rows of % are evidence and are never deleted; record an amendment instead.',
        TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

# The permit table's own guard (PostgreSQL): a permit is the record of a disposal.
PERMIT_GUARD = f"""
CREATE OR REPLACE FUNCTION sendesk_permit_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Disposal permits are the record of a disposal and are kept.'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {PERMIT_TABLE}_kept ON {PERMIT_TABLE};
CREATE TRIGGER {PERMIT_TABLE}_kept BEFORE UPDATE OR DELETE ON {PERMIT_TABLE}
    FOR EACH ROW EXECUTE FUNCTION sendesk_permit_guard();
DROP TRIGGER IF EXISTS {PERMIT_TABLE}_kept_truncate ON {PERMIT_TABLE};
CREATE TRIGGER {PERMIT_TABLE}_kept_truncate BEFORE TRUNCATE ON {PERMIT_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION sendesk_permit_guard();
"""

TRIGGERS = ("no_delete", "no_update", "no_truncate")


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def _postgresql(schema_editor, table: str, may_change) -> None:
    schema_editor.execute(PERMIT_TABLE_SQL["postgresql"], params=None)
    schema_editor.execute(GUARD_FUNCTION, params=None)
    schema_editor.execute(PERMIT_GUARD, params=None)
    args = ", ".join(f"'{column}'" for column in may_change)
    for trigger, when, each in (
        ("no_delete", "BEFORE DELETE", "FOR EACH ROW"),
        ("no_update", "BEFORE UPDATE", "FOR EACH ROW"),
        ("no_truncate", "BEFORE TRUNCATE", "FOR EACH STATEMENT"),
    ):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger} ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_{trigger} {when} ON {table} {each} "
            f"EXECUTE FUNCTION sendesk_evidence_guard({args if trigger == 'no_update' else ''})"
        )


def _sqlite(schema_editor, table: str, may_change) -> None:
    connection = schema_editor.connection
    schema_editor.execute(PERMIT_TABLE_SQL["sqlite"], params=None)
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    unknown = set(may_change) - set(columns)
    if unknown:
        raise ValueError(f"{table} has no column {', '.join(sorted(unknown))}")
    guarded = [c for c in columns if c not in may_change]
    quoted = [_quote(connection, c) for c in guarded]
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in quoted)
    for trigger in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}")
    schema_editor.execute(
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"WHEN NOT EXISTS (SELECT 1 FROM {PERMIT_TABLE} WHERE tbl = '{table}') "
        f"BEGIN SELECT RAISE(ABORT, 'Rows of {table} are evidence and are never deleted; "
        f"record an amendment instead.'); END"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} WHEN {changed} "
        f"BEGIN SELECT RAISE(ABORT, 'Rows of {table} are evidence and are not edited; "
        f"record an amendment instead.'); END"
    )


def evidence(*tables: str, may_change=()) -> migrations.RunPython:
    """A migration operation that makes `tables` refuse DELETE, TRUNCATE (PostgreSQL) and
    any UPDATE that changes a column not named in `may_change`, on SQLite and PostgreSQL.
    Idempotent (each trigger is dropped first), so it may be run again after a table is
    rebuilt; reversing drops the triggers."""

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        install = {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor)
        if install is None:
            return
        for table in tables:
            install(schema_editor, table, may_change)

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for table in tables:
            for trigger in TRIGGERS:
                if vendor == "postgresql":
                    schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger} ON {table}")
                elif vendor == "sqlite":
                    schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}")

    return migrations.RunPython(forwards, backwards, elidable=False)


@contextmanager
def disposal_permit(tables, *, why: str, using: str = DEFAULT_DB_ALIAS):
    """Inside this block (one transaction), DELETE and TRUNCATE of `tables` are let through
    by the evidence triggers. For the retention disposal service (to come) and the test
    suite's flush only; see the module's docstring. The caller writes the audit row."""
    connection = connections[using]
    tables = list(tables)
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {PERMIT_TABLE} (tbl, why) VALUES (%s, %s)",
                [(table, why) for table in tables],
            )
        yield
        if connection.vendor != "postgresql":
            # Never committed: no other connection ever sees it (see above).
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"DELETE FROM {PERMIT_TABLE} WHERE tbl = %s", [(table,) for table in tables]
                )


def no_delete(*tables: str) -> migrations.RunPython:
    """A migration operation that makes `tables` refuse DELETE (PostgreSQL; nothing
    elsewhere). The shared trigger function is (re)created first, so an app's migration
    depends on no other app's; reversing drops this operation's triggers only. Superseded
    by `evidence()`, which later migrations run on the same tables."""

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
