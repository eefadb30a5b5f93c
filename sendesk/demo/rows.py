"""Fast writes of generated rows: the generator's biggest tables (sessions, their pupil
records, ratings, timeline entries, feed receipts, behaviour entries) run to hundreds of
thousands of rows for three years of a 1,000-pupil school.

On PostgreSQL the rows go in with COPY (psycopg 3's `cursor.copy()`), several times
faster than bulk_create's INSERT … UNNEST, whose parameters psycopg dumps as arrays value
by value. Triggers fire for COPY as for INSERT (row triggers per row, the deferred foreign
key checks at commit), so the database's guards stay in force. Elsewhere (SQLite) they go
in with one INSERT run over all rows (executemany), each value converted by its field as
bulk_create would, without a model instance per row.
"""

from django.db import connection

BATCH = 2000  # bulk_create's batch size for rows insert_objects cannot copy


def insert_rows(model, fields: list[str], rows: list[tuple]) -> None:
    """Insert `rows` (tuples of values in the order of `fields`, which are attribute names:
    `pupil_id`, not `pupil`) into `model`'s table. Columns not named take the database's
    default: for an auto primary key, its sequence. Values are Python values (dates,
    datetimes, UUIDs, choices); a JSON field is not supported."""
    if not rows:
        return
    opts = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(opts.get_field(f).column) for f in fields)
    if connection.vendor != "postgresql":
        _insert_many(model, fields, rows, columns)
        return
    with connection.cursor() as cursor:
        sql = f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            # Choices (str and int enums) go in as their values: psycopg writes them as the
            # str or int they are.
            for row in rows:
                copy.write_row(row)


# Values the database driver takes as they are; the others go through the field's own
# conversion for the database (SQLite: a UUID as 32 hex digits, datetimes in UTC as text).
AS_THEY_ARE = {
    "AutoField", "BigAutoField", "SmallAutoField", "BooleanField", "CharField", "TextField",
    "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "PositiveBigIntegerField", "FloatField",
}  # fmt: skip


def _insert_many(model, fields, rows, columns):
    """One INSERT run for every row (executemany), the values converted as the ORM would:
    faster than building a model instance per row for bulk_create."""
    opts = model._meta
    convert = []
    for i, name in enumerate(fields):
        field = opts.get_field(name)
        kind = (field.target_field if field.is_relation else field).get_internal_type()
        if kind not in AS_THEY_ARE:
            convert.append((i, field.get_db_prep_save))
    if convert:
        rows = [list(row) for row in rows]
        for row in rows:
            for i, prep in convert:
                row[i] = prep(row[i], connection)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(opts.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


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
    if any(f.get_internal_type() == "JSONField" for f in fields):  # COPY would need Jsonb
        model.objects.bulk_create(objs, batch_size=BATCH)
        return
    for f in fields:  # as bulk_create does: auto_now(_add) fields take the time now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for o in objs:
                f.pre_save(o, True)
    attnames = [f.attname for f in fields]
    insert_rows(model, attnames, [tuple(getattr(o, a) for a in attnames) for o in objs])


AUTO = {"AutoField", "BigAutoField", "SmallAutoField"}
