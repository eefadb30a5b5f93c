"""The checks a restored copy must pass before it may replace the live database.

Each returns `Check`s: what was checked, and whether it passed. They read the copy through
a database alias of its own (sendesk.backups.restore registers it), never the live one."""

from dataclasses import dataclass

from django.apps import apps
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader

from sendesk.audit.chain import verify

from .make import pg_tables, sqlite_tables


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def row_counts(alias: str, expected: dict) -> Check:
    """Every table has as many rows as the snapshot the backup was made from."""
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        found = sqlite_tables(connection.connection)
    else:
        with connection.cursor() as cursor:
            found = pg_tables(cursor)
    wrong = [
        f"{table}: {found.get(table, 'missing')} rows, expected {count}"
        for table, count in sorted(expected.items())
        if found.get(table) != count
    ]
    total = sum(expected.values())
    if wrong:
        return Check("row counts", False, "; ".join(wrong[:10]))
    return Check("row counts", True, f"{len(expected)} tables, {total} rows, as when made")


def foreign_keys(alias: str) -> Check:
    """No row points at a row that is not there: every foreign key of every model, by a
    query (PostgreSQL's restore also re-checks each constraint as it makes it; SQLite's
    foreign_key_check covers constraints Django's models do not declare)."""
    connection = connections[alias]
    tables = set(connection.introspection.table_names())
    broken = []
    columns: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_key_check")
            broken += [f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in cursor]
        checked = 0
        for model in apps.get_models(include_auto_created=True):
            for field in model._meta.concrete_fields:
                if not field.many_to_one and not field.one_to_one:
                    continue
                table, target = model._meta.db_table, field.related_model._meta.db_table
                if table not in tables or target not in tables:
                    continue
                # A copy older than this code may lack a column a later migration added
                # (`migrate` adds it after): there is no link to check there yet.
                if table not in columns:
                    described = connection.introspection.get_table_description(cursor, table)
                    columns[table] = {c.name for c in described}
                if field.column not in columns[table]:
                    continue
                q = connection.ops.quote_name
                cursor.execute(
                    f"SELECT count(*) FROM {q(table)} t WHERE t.{q(field.column)} IS NOT NULL "
                    f"AND NOT EXISTS (SELECT 1 FROM {q(target)} p "
                    f"WHERE p.{q(field.target_field.column)} = t.{q(field.column)})"
                )
                checked += 1
                if orphans := cursor.fetchone()[0]:
                    broken.append(f"{table}.{field.column}: {orphans} rows point at nothing")
    if broken:
        return Check("foreign keys", False, "; ".join(broken[:10]))
    return Check("foreign keys", True, f"{checked} links, none broken")


def integrity(alias: str) -> Check | None:
    """SQLite's own check of the file's structure (pages, indexes)."""
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        result = [row[0] for row in cursor.fetchall()]
    ok = result == ["ok"]
    return Check("file structure", ok, "ok" if ok else "; ".join(result[:5]))


def audit_chain(alias: str) -> Check:
    """The audit, access, sign-in and safeguarding trails are whole (sendesk.audit.chain)."""
    checked, mismatch = verify(alias)
    if mismatch is not None:
        return Check("audit chain", False, f"does not match after {checked} good rows: {mismatch}")
    return Check("audit chain", True, f"{checked} rows, every link whole")


def schema(alias: str) -> Check:
    """The copy's migrations against this code's: a copy made by a newer version cannot be
    checked (or run) by this one; an older one can, and `migrate` brings it up after."""
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    known = set(loader.disk_migrations)
    unknown = sorted(applied - known)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        return Check("schema", False, f"made by a newer version of SENDesk ({names})")
    behind = len(known - applied)
    if behind:
        return Check("schema", True, f"{behind} migrations older than this code: run migrate after")
    return Check("schema", True, "the same migrations as this code")


def run_all(alias: str, expected: dict) -> list[Check]:
    results = [row_counts(alias, expected), schema(alias)]
    if not results[-1].ok:
        # The models would read columns the copy does not have, or miss ones it has.
        return results
    for check in (integrity, foreign_keys, audit_chain):
        try:
            result = check(alias)
        except DatabaseError as exc:
            result = Check(check.__name__.replace("_", " "), False, f"could not run: {exc}")
        if result is not None:
            results.append(result)
    return results
