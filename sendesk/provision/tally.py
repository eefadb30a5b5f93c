"""The term tallies (TermTally) are kept by the database, on SQLite as on PostgreSQL.

Every way a session record is written goes through these triggers: the services, the
offline outbox, the demo generator's COPY and executemany, a console. So the sums cannot
drift from the records whatever writes them, and no service has to remember them.

- A session record (provision_sessionpupil) inserted adds its minutes to the tally of
  each term of its provision's school that contains its date; deleted (only a disposal
  may: sendesk.lib.migrations), it takes them away; updated (an amendment may change its
  minutes; evidence triggers refuse any change of its date or provision), it takes the
  old away and adds the new.
- A term (schools_term) inserted is summed for its school; deleted, its tallies go;
  updated (dates moved), both.

Pupils and provisions do not move between schools (nothing in SENDesk changes a pupil's
school or a provision's pupil); if that ever changes, their tallies must be summed again
here too. On SQLite a migration that rebuilds one of these tables drops its triggers with
it: call `install()` again in that migration (tests/core/test_term_tally.py checks the
sums against the records).
"""

from django.db import migrations

TABLE = "provision_termtally"

# The terms of a provision's school that contain a date: the provision is {row}'s.
_TERMS_OF = """SELECT t.start FROM provision_provision p
    INNER JOIN pupils_pupil u ON u.id = p.pupil_id
    INNER JOIN schools_term t ON t.school_id = u.school_id
    WHERE p.id = {row}.provision_id AND {row}.date BETWEEN t.start AND t."end" """

# Add a session record's minutes ({row}: NEW), or take them away (OLD).
ADD_RECORD = f"""INSERT INTO {TABLE} (provision_id, term_start, minutes)
    SELECT {{row}}.provision_id, terms.start, {{row}}.minutes
    FROM ({_TERMS_OF}) terms WHERE {{row}}.minutes > 0
    ON CONFLICT (provision_id, term_start)
    DO UPDATE SET minutes = {TABLE}.minutes + excluded.minutes"""
TAKE_RECORD = f"""UPDATE {TABLE} SET minutes = minutes - {{row}}.minutes
    WHERE provision_id = {{row}}.provision_id AND term_start IN ({_TERMS_OF})"""

# Sum one term ({row}: NEW) of its school again, or forget it (OLD).
SUM_TERM = f"""INSERT INTO {TABLE} (provision_id, term_start, minutes)
    SELECT r.provision_id, {{row}}.start, SUM(r.minutes)
    FROM provision_sessionpupil r
    INNER JOIN provision_provision p ON p.id = r.provision_id
    INNER JOIN pupils_pupil u ON u.id = p.pupil_id
    WHERE u.school_id = {{row}}.school_id AND r.date BETWEEN {{row}}.start AND {{row}}."end"
    GROUP BY r.provision_id
    ON CONFLICT (provision_id, term_start) DO UPDATE SET minutes = excluded.minutes"""
FORGET_TERM = f"""DELETE FROM {TABLE} WHERE term_start = {{row}}.start AND provision_id IN (
    SELECT p.id FROM provision_provision p INNER JOIN pupils_pupil u ON u.id = p.pupil_id
    WHERE u.school_id = {{row}}.school_id)"""

# Every tally from the records (the migration's backfill).
SUM_ALL = f"""INSERT INTO {TABLE} (provision_id, term_start, minutes)
    SELECT r.provision_id, t.start, SUM(r.minutes)
    FROM provision_sessionpupil r
    INNER JOIN provision_provision p ON p.id = r.provision_id
    INNER JOIN pupils_pupil u ON u.id = p.pupil_id
    INNER JOIN schools_term t ON t.school_id = u.school_id AND r.date BETWEEN t.start AND t."end"
    GROUP BY r.provision_id, t.start"""

# (trigger, table, event, WHEN, statements): the same statements on both engines.
_TRIGGERS = (
    ("record_added", "provision_sessionpupil", "INSERT", "NEW.minutes > 0",
     [ADD_RECORD.format(row="NEW")]),
    ("record_amended", "provision_sessionpupil", "UPDATE",
     "OLD.minutes <> NEW.minutes OR OLD.date <> NEW.date"
     " OR OLD.provision_id IS DISTINCT FROM NEW.provision_id",
     [TAKE_RECORD.format(row="OLD"), ADD_RECORD.format(row="NEW")]),
    ("record_disposed", "provision_sessionpupil", "DELETE", "OLD.minutes > 0",
     [TAKE_RECORD.format(row="OLD")]),
    ("term_added", "schools_term", "INSERT", None, [SUM_TERM.format(row="NEW")]),
    ("term_moved", "schools_term", "UPDATE",
     'OLD.start <> NEW.start OR OLD."end" <> NEW."end" OR OLD.school_id <> NEW.school_id',
     [FORGET_TERM.format(row="OLD"), SUM_TERM.format(row="NEW")]),
    ("term_removed", "schools_term", "DELETE", None, [FORGET_TERM.format(row="OLD")]),
)  # fmt: skip


def _name(trigger: str) -> str:
    return f"termtally_{trigger}"


def _postgresql(execute) -> None:
    for trigger, table, event, when, statements in _TRIGGERS:
        name = _name(trigger)
        body = ";\n".join(statements)
        execute(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$\n"
            f"BEGIN\n{body};\nRETURN NULL;\nEND;\n$$ LANGUAGE plpgsql"
        )
        execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW"
            + (f" WHEN ({when})" if when else "")
            + f" EXECUTE FUNCTION {name}()"
        )


def _sqlite(execute) -> None:
    for trigger, table, event, when, statements in _TRIGGERS:
        name = _name(trigger)
        # SQLite has no IS DISTINCT FROM: IS NOT is its null-safe inequality.
        when = when and when.replace("IS DISTINCT FROM", "IS NOT")
        body = "".join(f"{statement};\n" for statement in statements)
        execute(f"DROP TRIGGER IF EXISTS {name}")
        execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW"
            + (f" WHEN {when}" if when else "")
            + f"\nBEGIN\n{body}END"
        )


def install(schema_editor) -> None:
    """Make (or make again) the triggers that keep the tallies."""
    execute = lambda sql: schema_editor.execute(sql, params=None)  # noqa: E731
    {"postgresql": _postgresql, "sqlite": _sqlite}[schema_editor.connection.vendor](execute)


def uninstall(schema_editor) -> None:
    for trigger, table, *_ in _TRIGGERS:
        name = _name(trigger)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def kept() -> migrations.RunPython:
    """The migration operation: the triggers, then every tally summed from the records."""

    def forwards(apps, schema_editor):
        install(schema_editor)
        schema_editor.execute(f"DELETE FROM {TABLE}")
        schema_editor.execute(SUM_ALL)
        if schema_editor.connection.vendor == "postgresql":
            # Statistics now, not at autovacuum's next visit: until then the planner takes
            # the table for empty (on the bench, the trust view took 360 ms, not 200).
            schema_editor.execute(f"ANALYZE {TABLE}")

    def backwards(apps, schema_editor):
        uninstall(schema_editor)

    return migrations.RunPython(forwards, backwards, elidable=False)
