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
here too.

Installed by `migrate`, not by one migration (ProvisionConfig.ready connects these):
- before migrating, on SQLite, the triggers are dropped: they name other tables, and
  SQLite refuses to rebuild a table (most of Django's column changes there) that another
  table's trigger names; and a rebuilt table loses its own triggers;
- after migrating (when anything was migrated), on both engines, they are made again from
  this module and every tally is summed afresh from the records, under a lock that holds
  back the writers of the moment: a changed rule here takes effect at the next migrate.

PostgreSQL runs writers side by side: a term's dates changed while a TA saves a session
could leave the record in neither sum (each reads what was committed when it began). So
the record triggers take their school's advisory lock shared (TAs do not wait for each
other), the term triggers take it exclusive, and each waits for the other's commit;
their statements after the lock read afresh. SQLite has one writer at a time. Row locks
on the tallies are taken in provision order by the session services (provision.services
_by_provision), so two group sessions of the same pupils saved at once cannot deadlock.
On PostgreSQL an INSERT statement's records are added in one go (ADD_STATEMENT), in that
order too; SQLite, which updates a row in place, adds each record as it is written.
"""

from django.db import connections, transaction

TABLE = "provision_termtally"
# pg_advisory_xact_lock's first key: this module's locks (the second is the school's id).
LOCK_SPACE = 7215

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

# The records of {source} summed by provision and term of its school.
_SUMMED = """SELECT r.provision_id, t.start, SUM(r.minutes)
    FROM {source} r
    INNER JOIN provision_provision p ON p.id = r.provision_id
    INNER JOIN pupils_pupil u ON u.id = p.pupil_id
    INNER JOIN schools_term t ON t.school_id = u.school_id AND r.date BETWEEN t.start AND t."end"
    GROUP BY r.provision_id, t.start"""

# Every tally from the records (after migrate).
SUM_ALL = f"""INSERT INTO {TABLE} (provision_id, term_start, minutes)
    {_SUMMED.format(source="provision_sessionpupil")}"""

# PostgreSQL adds an INSERT statement's records in one go, from its transition table: a
# row trigger updated each tally once per record, and PostgreSQL keeps every version of a
# row a transaction updates, so a COPY of a term's records (the demo generator, the
# bench) slowed with the square of the records per provision (820 µs a record at 5,000).
# In provision then term order: the order in which every writer locks the tallies.
ADD_STATEMENT = f"""INSERT INTO {TABLE} (provision_id, term_start, minutes)
    {_SUMMED.format(source="added")}
    ORDER BY 1, 2
    ON CONFLICT (provision_id, term_start)
    DO UPDATE SET minutes = {TABLE}.minutes + excluded.minutes"""
_STATEMENT_LOCK = """PERFORM pg_advisory_xact_lock_shared({space}, s::int) FROM (
    SELECT DISTINCT u.school_id FROM added r
    INNER JOIN provision_provision p ON p.id = r.provision_id
    INNER JOIN pupils_pupil u ON u.id = p.pupil_id ORDER BY 1) x(s)"""

# PostgreSQL: the school's lock before a trigger's statements (see above). A record's
# school is its provision's pupil's; a moved term locks both its schools, lowest first.
_RECORD_LOCK = """PERFORM pg_advisory_xact_lock_shared({space}, u.school_id::int)
    FROM provision_provision p INNER JOIN pupils_pupil u ON u.id = p.pupil_id
    WHERE p.id = {row}.provision_id"""
_TERM_LOCK = """PERFORM pg_advisory_xact_lock({space}, s::int)
    FROM unnest(ARRAY[LEAST({rows}), GREATEST({rows})]) s"""

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


def _lock(table: str, event: str) -> str:
    if table == "schools_term":
        rows = {"INSERT": "NEW.school_id, NEW.school_id", "DELETE": "OLD.school_id, OLD.school_id"}
        return _TERM_LOCK.format(
            space=LOCK_SPACE, rows=rows.get(event, "OLD.school_id, NEW.school_id")
        )
    return _RECORD_LOCK.format(space=LOCK_SPACE, row="OLD" if event == "DELETE" else "NEW")


def _postgresql(cursor) -> None:
    for trigger, table, event, when, statements in _TRIGGERS:
        name = _name(trigger)
        each = f"FOR EACH ROW{f' WHEN ({when})' if when else ''}"
        body = [_lock(table, event), *statements]
        if trigger == "record_added":  # one statement's records at once (ADD_STATEMENT)
            each = "REFERENCING NEW TABLE AS added FOR EACH STATEMENT"
            body = [_STATEMENT_LOCK.format(space=LOCK_SPACE), ADD_STATEMENT]
        body = ";\n".join(body)
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$\n"
            f"BEGIN\n{body};\nRETURN NULL;\nEND;\n$$ LANGUAGE plpgsql"
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        cursor.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} {each} EXECUTE FUNCTION {name}()"
        )


def _sqlite(cursor) -> None:
    for trigger, table, event, when, statements in _TRIGGERS:
        name = _name(trigger)
        # SQLite has no IS DISTINCT FROM: IS NOT is its null-safe inequality.
        when = when and when.replace("IS DISTINCT FROM", "IS NOT")
        body = "".join(f"{statement};\n" for statement in statements)
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW"
            + (f" WHEN {when}" if when else "")
            + f"\nBEGIN\n{body}END"
        )


def install(using: str = "default") -> None:
    """Make (or make again) the triggers, then sum every tally afresh from the records,
    in one transaction that holds back writers meanwhile (their own triggers add their
    records once it commits)."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
            _postgresql(cursor)
        else:
            _sqlite(cursor)
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(SUM_ALL)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Statistics now, not at autovacuum's next visit: until then the planner takes
            # the table for empty (on the bench, the trust view took 360 ms, not 200).
            cursor.execute(f"ANALYZE {TABLE}")


def uninstall(using: str = "default") -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        for trigger, table, *_ in _TRIGGERS:
            name = _name(trigger)
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _has_table(using: str) -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        return TABLE in connection.introspection.table_names(cursor)


def before_migrate(sender, using="default", plan=None, **kwargs):
    """pre_migrate: on SQLite, the triggers go before any table is rebuilt (see above)."""
    if plan and connections[using].vendor == "sqlite":
        uninstall(using)


def after_migrate(sender, using="default", plan=None, **kwargs):
    """post_migrate: the triggers made again and the tallies summed afresh, whenever
    anything was migrated and the tallies' table exists (flush sends no plan: nothing)."""
    if plan and _has_table(using):
        install(using)
