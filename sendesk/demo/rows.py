"""Fast writes of generated rows: the generator's biggest tables (sessions, their pupil
records, ratings, timeline entries, feed receipts, behaviour entries) run to hundreds of
thousands of rows for three years of a 1,000-pupil school.

On PostgreSQL the rows go in with COPY (psycopg 3's `cursor.copy()`), several times
faster than bulk_create's INSERT … UNNEST, whose parameters psycopg dumps as arrays value
by value. Triggers fire for COPY as for INSERT (row triggers per row, the deferred foreign
key checks at commit), so the database's guards stay in force. Elsewhere (SQLite) the rows
become model instances and go through bulk_create, as before.
"""

from django.db import connection

BATCH = 2000  # bulk_create's batch size where COPY is not available


def insert_rows(model, fields: list[str], rows: list[tuple]) -> None:
    """Insert `rows` (tuples of values in the order of `fields`, which are attribute names:
    `pupil_id`, not `pupil`) into `model`'s table. Columns not named take the database's
    default: for an auto primary key, its sequence. Values are Python values (dates,
    datetimes, UUIDs, choices); a JSON field is not supported."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=BATCH
        )
        return
    opts = model._meta
    columns = ", ".join(connection.ops.quote_name(opts.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        sql = f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            # Choices (str and int enums) go in as their values: psycopg writes them as the
            # str or int they are.
            for row in rows:
                copy.write_row(row)


def new_ids(model, n: int) -> list[int]:
    """`n` fresh values of `model`'s auto primary key, for rows written with their ids
    (which other rows' foreign keys then take): the sequence's on PostgreSQL, the next
    after the table's largest elsewhere (SQLite: one writer at a time)."""
    if n <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, n],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
        top = cursor.fetchone()[0] or 0
    return list(range(top + 1, top + n + 1))


def insert_objects(model, objs: list) -> None:
    """`insert_rows` for model instances already built: every concrete field, but an auto
    primary key left unset (the instances do not learn the ids the database gives them)."""
    if not objs:
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and f.get_internal_type() in AUTO and objs[0].pk is None)
    ]
    if connection.vendor != "postgresql" or any(
        f.get_internal_type() == "JSONField" for f in fields
    ):
        model.objects.bulk_create(objs, batch_size=BATCH)
        return
    for f in fields:  # as bulk_create does: auto_now(_add) fields take the time now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for o in objs:
                f.pre_save(o, True)
    attnames = [f.attname for f in fields]
    insert_rows(model, attnames, [tuple(getattr(o, a) for a in attnames) for o in objs])


AUTO = {"AutoField", "BigAutoField", "SmallAutoField"}
