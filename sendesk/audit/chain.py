"""The trails as hash chains: a row cannot be changed or removed without it showing.

Every trail row (audit.AuditEvent, AccessEvent, SecurityEvent, and the safeguarding wall's
SafeguardingAccess and SafeguardingAudit) belongs to one chain: its table's rows of one
school (SecurityEvent: one chain for the site, see its model). Each row carries its
position in the chain (`seq`, unique per chain by a database constraint, so two writers can
never both add position n), the hash of the row before it (`prev_hash`; the first row's is
GENESIS) and the hash of its own content (`row_hash`), which covers `seq` and `prev_hash`
too. Changing a row breaks its own hash; recomputing that hash breaks the next row's link;
removing a row leaves a gap; removing the last rows leaves the chain short of its head.

The content hashed is a fixed serialization: every column but the id and the hash itself,
by column name, sorted; times in UTC ISO format ("2026-11-18T10:00:00.000000Z"), dates
and times of day ISO, ids as text, JSON as stored, as JSON without whitespace. A column
that is NULL is left out, so that a nullable column added later (NULL on the old rows)
leaves the old rows' hashes as they were.

Writers never do this by hand: the models' save() and bulk_create() link every new row
(ChainedRow below), inside the writer's transaction. The chain's head (audit.ChainHead:
the last position and hash) is read first; on PostgreSQL under a row lock (SELECT ... FOR
UPDATE), so a second writer waits for the first to commit and then reads its head; on
SQLite the IMMEDIATE transactions (settings) already let one writer in at a time. A
database trigger on each trail (link_trigger below) refuses a row that does not continue
its chain's head and moves the head, so writing a row costs one query more than before:
reading the head. Outside a transaction (a page view
writing its access row), PostgreSQL opens one for the two statements; SQLite, whose BEGIN
would be a third, reads and inserts and, if another process took the position meanwhile
(the database refuses the row), reads again; after three such losses it takes the write
lock first (BEGIN IMMEDIATE), as inside a transaction.

`verify()` walks every chain, streaming, for `manage.py verify_audit`.

Retention disposal (sendesk.records) removes the rows describing a disposed pupil's records:
as long as what they describe, and no longer. The rows are deleted, not blanked (the
evidence triggers refuse any UPDATE of them, and a trail row stripped of its pupil would
still say who looked at whom when). Deleting them leaves gaps, so `remove_rows()` first
writes, for each run of consecutive positions it removes, an audit.ChainGap with every
removed row's position, previous hash and own hash. verify() steps over a gap only when
the gap's links join the row before it (or the chain's start) to the row after it (or the
chain's head), link by link. So the rows that remain are still proved untouched: a row
changed next to a gap breaks its own hash, a row removed beside it leaves positions no gap
covers, and a gap record made up afterwards must reproduce hashes that link both ways."""

import datetime as dt
import hashlib
import ipaddress
import json
import re
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.db import IntegrityError, connections, migrations, models, router, transaction

GENESIS = "0" * 64
NO_SCHOOL = "-"
OPTIMISTIC_TRIES = 3
CHUNK = 2000


# --- The canonical form -----------------------------------------------------------------


def _json_value(value):
    """A JSON value as it reads back from either database: integral floats as integers
    (PostgreSQL's jsonb keeps 1e20 as 100000000000000000000)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def _value(field, value):
    """One column's value in the canonical form (None: left out)."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        # As the database stores it: what json.dumps makes of it, read back.
        return _json_value(json.loads(json.dumps(value, cls=field.encoder)))
    value = field.to_python(value)
    if value is None:
        return None
    if isinstance(field, models.GenericIPAddressField):
        return ipaddress.ip_interface(str(value)).ip.compressed
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return _json_value(value)
    return str(value)


def hashed_fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name != "row_hash"]


def canonical(model, values) -> str:
    """The text a row's hash is taken over. `values`: column attname -> value."""
    content = {}
    for field in hashed_fields(model):
        value = _value(field, values.get(field.attname))
        if value is not None:
            content[field.attname] = value
    document = {"table": model._meta.db_table, "row": content}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), allow_nan=False)


def row_hash(model, values) -> str:
    return hashlib.sha256(canonical(model, values).encode()).hexdigest()


def chain_of(model, value) -> str:
    """The chain's name: its table and school (NO_SCHOOL for a chain of no school)."""
    return f"{model._meta.db_table}:{NO_SCHOOL if value is None else value}"


def chain_value(model, values):
    """The value that picks a row's chain: its school's id (None for one chain a table)."""
    return None if model.chain_by is None else values.get(f"{model.chain_by}_id")


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


# --- Linking new rows --------------------------------------------------------------------


def _heads(model, names, using, lock: bool) -> dict:
    """{chain: (seq, hash)} of the chains named, locked on PostgreSQL when asked."""
    from .models import ChainHead

    connection = connections[using]
    lock = lock and connection.vendor == "postgresql"
    # Written in SQL: every trail row (each page view's access row) reads its head, and the
    # ORM took longer to build this query (about 0.5 ms) than the database to answer it.
    q = connection.ops.quote_name
    sql = (
        f"SELECT {q('chain')}, {q('seq')}, {q('hash')} FROM {q(ChainHead._meta.db_table)} "
        f"WHERE {q('chain')} IN ({', '.join(['%s'] * len(names))}) ORDER BY {q('chain')}"
        + (" FOR UPDATE" if lock else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(names))
        heads = {chain: (seq, hash_) for chain, seq, hash_ in cursor.fetchall()}
    missing = [name for name in names if name not in heads]
    if missing and lock:
        # The first row of a chain: there is no head to lock yet. Make it (a concurrent
        # writer making the same one waits, then skips it), then lock it. Heads are made
        # with each school (signals) and by migrate, so this is rare.
        ChainHead.objects.using(using).bulk_create(
            [ChainHead(chain=name) for name in missing], ignore_conflicts=True
        )
        again = ChainHead.objects.using(using).filter(chain__in=missing).order_by("chain")
        heads.update(
            {c: (s, h) for c, s, h in again.select_for_update().values_list("chain", "seq", "hash")}
        )
    return heads


def _link(model, objs, using, lock: bool) -> None:
    names = [chain_of(model, chain_value(model, _values(obj))) for obj in objs]
    heads = _heads(model, sorted(set(names)), using, lock)
    for obj, name in zip(objs, names, strict=True):
        seq, prev = heads.get(name, (0, GENESIS))
        obj.seq, obj.prev_hash = seq + 1, prev
        obj.row_hash = row_hash(model, _values(obj))
        heads[name] = (obj.seq, obj.row_hash)


def _forked(error: IntegrityError) -> bool:
    """Whether the insert was refused because another writer took the position."""
    return "seq" in str(error)


def insert(model, objs, write, using=None):
    """Link `objs` (new rows of a chained model, in order) to their chains and write them
    with `write()`, in the caller's transaction or, outside one, safely on its own."""
    using = using or router.db_for_write(model)
    model.fill_chain(objs)
    connection = connections[using]
    if connection.in_atomic_block:
        _link(model, objs, using, lock=True)
        return write()
    if connection.vendor == "sqlite":
        # Optimistic first: no BEGIN. A row that lost the race is refused (by the link
        # trigger or the unique position) and nothing is written; link it again.
        for _ in range(OPTIMISTIC_TRIES):
            _link(model, objs, using, lock=False)
            try:
                return write()
            except IntegrityError as error:
                if not _forked(error):
                    raise
        # Still losing (a busy moment): take the write lock first, then nobody can.
    # (PostgreSQL: one transaction for the head's lock and the row, at no query's cost.)
    with transaction.atomic(using=using):
        _link(model, objs, using, lock=True)
        return write()


# A column type's length, "(100)" of "varchar(100)" (insert_rows).
LENGTH = re.compile(r"\(\d+\)$")


def insert_rows(model, objs, using=None) -> None:
    """Write new rows of a chained model (linked as bulk_create links them) in one plain
    INSERT. For the access rows every page view writes, where the ORM's own work (save()'s
    or bulk_create's, preparing each object and building the statement) cost a page more
    than the INSERT itself. The id is read back for a single row (record_access returns
    it), not for several (nothing reads them)."""
    objs = list(objs)
    if not objs:
        return
    using = using or router.db_for_write(model)
    connection = connections[using]
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk]
    q = connection.ops.quote_name
    one = len(objs) == 1
    into = f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
    by_column = not one and connection.vendor == "postgresql"
    if by_column:
        # One array a column: the statement is the same whatever the number of rows, so
        # the driver parses it once, not its hundreds of placeholders on every page (a
        # trust view's 80 rows spent 12 ms there).
        # Arrays of the column's type without its length (varchar, not varchar(100)): a
        # cast to the length would cut a value short silently (after its row's hash was
        # worked out from the whole), where the INSERT refuses one too long, as for one row.
        types = [LENGTH.sub("", f.db_type(connection)) for f in fields]
        arrays = ", ".join(f"%s::{t}[]" for t in types)
        sql = f"{into}SELECT * FROM unnest({arrays})"
    else:
        row = f"({', '.join(['%s'] * len(fields))})"
        sql = f"{into}VALUES {', '.join([row] * len(objs))}"
    returning = one and connection.features.can_return_columns_from_insert
    if returning:
        sql += f" RETURNING {q(pk.column)}"

    def write():
        if by_column:
            params = [
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in objs]
                for f in fields
            ]
        else:
            params = [
                f.get_db_prep_save(getattr(obj, f.attname), connection)
                for obj in objs
                for f in fields
            ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if one:
                obj = objs[0]
                if returning:
                    obj.pk = cursor.fetchone()[0]
                else:
                    obj.pk = connection.ops.last_insert_id(cursor, model._meta.db_table, pk.column)
                # Saved: save() on it again is a change, which trails refuse.
                obj._state.adding = False
                obj._state.db = using

    insert(model, objs, write, using)


class ChainedQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if not objs:
            return objs
        return insert(
            self.model,
            objs,
            lambda: super(ChainedQuerySet, self).bulk_create(objs, *args, **kwargs),
            self.db,
        )


class ChainedRow(models.Model):
    """A row of a trail: linked into its chain when it is first saved. `chain_by`: the
    foreign key naming the chain (the school), or None for one chain for the table."""

    chain_by = "school"

    seq = models.PositiveBigIntegerField(editable=False, help_text="Position in its chain, from 1.")
    prev_hash = models.CharField(max_length=64, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)

    objects = ChainedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            # The database refuses it too; this says so before asking.
            raise IntegrityError(f"{self._meta.db_table} rows are never changed.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        insert(type(self), [self], lambda: super(ChainedRow, self).save(*args, **kwargs), using)

    @classmethod
    def fill_chain(cls, objs) -> None:
        """Set what picks the chain on rows that lack it (a hook for the trails whose
        writers may give only a pupil)."""


def chained_models():
    return sorted(
        (m for m in apps.get_models() if issubclass(m, ChainedRow)),
        key=lambda m: m._meta.db_table,
    )


# --- Heads made ahead -------------------------------------------------------------------
#
# A writer on PostgreSQL locks its chain's head; a chain with no head yet costs two more
# queries the first time (make it, lock it). Heads are made with each school, and by
# migrate (and the tests' flush, which ends as migrate does), so a page's queries stay the
# same whether or not it writes a chain's first row.


def make_heads(head_model, school_ids, models_=None, using="default") -> None:
    models_ = chained_models() if models_ is None else models_
    names = [
        chain_of(model, school_id)
        for model in models_
        for school_id in ([None] if model.chain_by is None else school_ids)
    ]
    head_model.objects.using(using).bulk_create(
        [head_model(chain=name) for name in names], ignore_conflicts=True
    )


def school_created(sender, instance, created, raw=False, using="default", **kwargs):
    if created and not raw:
        from .models import ChainHead

        make_heads(ChainHead, [instance.pk], [m for m in chained_models() if m.chain_by], using)


def migrated(sender, apps=apps, using="default", **kwargs):
    # `apps`: the migrated state's (migrate), or the project's (flush sends none).
    try:
        head_model = apps.get_model("audit", "ChainHead")
        school_model = apps.get_model("schools", "School")
    except LookupError:  # migrated back to before the chains
        return
    make_heads(head_model, list(school_model.objects.using(using).values_list("pk", flat=True)),
               using=using)  # fmt: skip


# --- Migrations: the triggers that keep each chain's head, linking existing rows ---------

LINK_FUNCTION = f"""
CREATE OR REPLACE FUNCTION sendesk_chain_link() RETURNS trigger AS $$
DECLARE
    name text := TG_TABLE_NAME || ':' || CASE WHEN TG_NARGS > 0
        THEN COALESCE(to_jsonb(NEW) ->> TG_ARGV[0], '{NO_SCHOOL}') ELSE '{NO_SCHOOL}' END;
    head_seq bigint;
    head_hash text;
BEGIN
    SELECT seq, hash INTO head_seq, head_hash FROM audit_chainhead WHERE chain = name FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO audit_chainhead (chain, seq, hash, base_seq, base_hash)
            VALUES (name, 0, '{GENESIS}', 0, '{GENESIS}') ON CONFLICT (chain) DO NOTHING;
        SELECT seq, hash INTO head_seq, head_hash FROM audit_chainhead
            WHERE chain = name FOR UPDATE;
    END IF;
    IF NEW.seq <> head_seq + 1 OR NEW.prev_hash <> head_hash THEN
        RAISE EXCEPTION
            'A row of % must continue its chain %: seq % and prev_hash must follow its head (%).',
            TG_TABLE_NAME, name, NEW.seq, head_seq
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    UPDATE audit_chainhead SET seq = NEW.seq, hash = NEW.row_hash WHERE chain = name;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def _sqlite_link(table: str, column) -> str:
    name = f"'{table}:' || " + (
        f"COALESCE(CAST(NEW.{column} AS TEXT), '{NO_SCHOOL}')" if column else f"'{NO_SCHOOL}'"
    )
    return f"""
        CREATE TRIGGER {table}_chain_link BEFORE INSERT ON {table}
        BEGIN
            INSERT OR IGNORE INTO audit_chainhead (chain, seq, hash, base_seq, base_hash)
                VALUES ({name}, 0, '{GENESIS}', 0, '{GENESIS}');
            SELECT RAISE(ABORT, 'A row of {table} must continue its chain (seq, prev_hash).')
            WHERE NOT EXISTS (SELECT 1 FROM audit_chainhead
                              WHERE chain = {name} AND seq = NEW.seq - 1 AND hash = NEW.prev_hash);
            UPDATE audit_chainhead SET seq = NEW.seq, hash = NEW.row_hash WHERE chain = {name};
        END"""


def link_trigger(table: str, column=None):
    """A migration operation: INSERTs into `table` must continue their chain (the chain
    named by `column`, e.g. "school_id", or one for the table), and move its head. So the
    head is kept by the database, at no query's cost to the writer, and not even a raw
    INSERT can fork a chain or link to the wrong row."""

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            argument = f"'{column}'" if column else ""
            schema_editor.execute(LINK_FUNCTION, params=None)
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_chain_link ON {table}")
            schema_editor.execute(
                f"CREATE TRIGGER {table}_chain_link BEFORE INSERT ON {table} FOR EACH ROW "
                f"EXECUTE FUNCTION sendesk_chain_link({argument})"
            )
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_chain_link")
            schema_editor.execute(_sqlite_link(table, column), params=None)

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_chain_link ON {table}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_chain_link")

    return migrations.RunPython(forwards, backwards, elidable=False)


def chain_fields(model_name):
    """Migration operations adding the chain's columns to a trail, NULL until
    link_existing has filled them in (then chain_fields_required)."""
    return [
        migrations.AddField(
            model_name=model_name,
            name="seq",
            field=models.PositiveBigIntegerField(
                editable=False, help_text="Position in its chain, from 1.", null=True
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="prev_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name=model_name,
            name="row_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
    ]


def chain_fields_required(model_name):
    return [
        migrations.AlterField(
            model_name=model_name,
            name="seq",
            field=models.PositiveBigIntegerField(
                editable=False, help_text="Position in its chain, from 1."
            ),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="prev_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="row_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
    ]


def link_existing(model, chain_by, head_model, using) -> None:
    """For a migration: link a trail's existing rows into their chains, oldest first (by
    time, then id), streaming, and record each chain's head. Run before link_trigger."""
    table = model._meta.db_table
    column = f"{chain_by}_id" if chain_by else None
    names = [f.attname for f in model._meta.concrete_fields]
    rows = model._base_manager.using(using).order_by(*([column] if column else []), "at", "id")
    update = f"UPDATE {table} SET seq = %s, prev_hash = %s, row_hash = %s WHERE id = %s"
    heads, batch = {}, []
    with connections[using].cursor() as cursor:
        for record in rows.values_list(*names).iterator(chunk_size=CHUNK):
            values = dict(zip(names, record, strict=True))
            name = (
                f"{table}:{NO_SCHOOL if not column or values[column] is None else values[column]}"
            )
            seq, prev = heads.get(name, (0, GENESIS))
            values["seq"], values["prev_hash"] = seq + 1, prev
            values["row_hash"] = row_hash(model, values)
            heads[name] = (seq + 1, values["row_hash"])
            batch.append((seq + 1, prev, values["row_hash"], values["id"]))
            if len(batch) >= CHUNK:
                cursor.executemany(update, batch)
                batch.clear()
        if batch:
            cursor.executemany(update, batch)
    head_model.objects.using(using).bulk_create(
        [head_model(chain=name, seq=seq, hash=hash_) for name, (seq, hash_) in heads.items()],
        update_conflicts=True, unique_fields=["chain"], update_fields=["seq", "hash"],
    )  # fmt: skip


# --- Removing rows (retention disposal only) --------------------------------------------


def remove_rows(model, ids, *, disposal: str, using="default") -> int:
    """Delete the rows `ids` of a trail, recording each run of consecutive positions they
    leave empty as an audit.ChainGap first (see the module's docstring). For the retention
    disposal service only, inside its transaction and under its disposal permit for the
    table (which the evidence triggers ask for, and ChainGap's insert needs none). Returns
    how many rows went."""
    from django.utils import timezone

    from .models import ChainGap

    ids = list(ids)
    if not ids:
        return 0
    table = model._meta.db_table
    column = f"{model.chain_by}_id" if model.chain_by else None
    fields = [*([column] if column else []), "seq", "prev_hash", "row_hash"]
    rows = []
    for start in range(0, len(ids), CHUNK // 4):
        part = ids[start : start + CHUNK // 4]
        rows += model._base_manager.using(using).filter(pk__in=part).values_list(*fields)
    runs: list[tuple[str, list]] = []
    for record in sorted(rows, key=lambda r: (str(r[0]), r[-3]) if column else r[-3]):
        name = chain_of(model, record[0] if column else None)
        link = list(record[-3:])
        if runs and runs[-1][0] == name and runs[-1][1][-1][0] + 1 == link[0]:
            runs[-1][1].append(link)
        else:
            runs.append((name, [link]))
    now = timezone.now()
    ChainGap.objects.using(using).bulk_create(
        ChainGap(chain=name, first_seq=links[0][0], last_seq=links[-1][0], links=links,
                 disposal=disposal, at=now)
        for name, links in runs
    )  # fmt: skip
    q = connections[using].ops.quote_name
    with connections[using].cursor() as cursor:
        for start in range(0, len(ids), CHUNK // 4):
            part = ids[start : start + CHUNK // 4]
            cursor.execute(
                f"DELETE FROM {q(table)} WHERE {q(model._meta.pk.column)} IN "
                f"({', '.join(['%s'] * len(part))})",
                [model._meta.pk.get_db_prep_value(pk, connections[using]) for pk in part],
            )
    return len(rows)


# --- Verifying --------------------------------------------------------------------------


@dataclass
class Mismatch:
    table: str
    row_id: object
    chain: str
    seq: object
    what: str

    def __str__(self):
        where = f"{self.table} row {self.row_id}" if self.row_id is not None else self.table
        return f"{where} (chain {self.chain}, position {self.seq}): {self.what}"


class _Walk:
    """One table's chains, row by row in chain order. `gaps`: {(chain, first_seq): links}
    of the runs a disposal removed (remove_rows)."""

    def __init__(self, model, heads, gaps=None):
        self.model, self.heads, self.gaps = model, heads, gaps or {}
        self.chain = None
        self.seq, self.prev, self.prev_id = 0, GENESIS, None
        self.seen = set()

    def start(self, chain):
        self.chain = chain
        self.seen.add(chain)
        base = self.heads.get(chain)
        self.seq, self.prev = (base[2], base[3]) if base else (0, GENESIS)
        self.prev_id = None

    def end(self) -> Mismatch | None:
        """The chain ends where its head says it does."""
        if self.chain is None:
            return None
        head = self.heads.get(self.chain)
        if head is None:
            return Mismatch(self.model._meta.db_table, None, self.chain, self.seq,
                            "the chain has no head (audit_chainhead row missing)")  # fmt: skip
        self.skip_gaps(head[0] + 1)
        if (head[0], head[1]) != (self.seq, self.prev):
            return Mismatch(
                self.model._meta.db_table, None, self.chain, self.seq,
                f"link: the chain ends at position {self.seq} but its head records position "
                f"{head[0]}: rows at its end are missing or were changed",
            )  # fmt: skip
        return None

    def row(self, values) -> Mismatch | None:
        table, pk = self.model._meta.db_table, values["id"]
        seq = values["seq"]

        def mismatch(what):
            return Mismatch(table, pk, self.chain, seq, what)

        if row_hash(self.model, values) != values["row_hash"]:
            return mismatch(
                "content hash: the row's content does not match its hash (it was changed)"
            )
        self.skip_gaps(seq)
        if seq != self.seq + 1:
            after = f"row {self.prev_id}" if self.prev_id is not None else "the chain's start"
            return mismatch(
                f"link: expected position {self.seq + 1} after {after}: "
                + ("rows before it are missing" if seq > self.seq + 1 else "positions repeat")
            )
        if values["prev_hash"] != self.prev:
            before = f"row {self.prev_id}" if self.prev_id is not None else "the chain's start"
            return mismatch(
                f"link: its previous hash does not match {before} (changed or replaced)"
            )
        self.seq, self.prev, self.prev_id = seq, values["row_hash"], pk
        return None

    def skip_gaps(self, upto) -> None:
        """Step over the disposals' gaps between here and position `upto`, each only when
        its links continue the chain exactly; a gap that does not is left for the caller's
        checks to report as missing rows."""
        while self.seq + 1 < upto:
            links = self.gaps.get((self.chain, self.seq + 1))
            if not links:
                return
            prev = self.prev
            for expected, (seq, prev_hash, hash_) in enumerate(links, start=self.seq + 1):
                if seq != expected or prev_hash != prev:
                    return
                prev = hash_
            self.seq, self.prev = links[-1][0], prev


def _verify_model(model, using):
    """(rows checked, first Mismatch or None) for one table, streaming its rows."""
    from .models import ChainGap, ChainHead

    table = model._meta.db_table
    heads = {
        chain: (seq, hash_, base_seq, base_hash)
        for chain, seq, hash_, base_seq, base_hash in ChainHead.objects.using(using)
        .filter(chain__startswith=f"{table}:")
        .values_list("chain", "seq", "hash", "base_seq", "base_hash")
    }
    gaps = {
        (chain, first): links
        for chain, first, links in ChainGap.objects.using(using)
        .filter(chain__startswith=f"{table}:")
        .values_list("chain", "first_seq", "links")
    }
    names = [f.attname for f in model._meta.concrete_fields]
    order = ([f"{model.chain_by}_id"] if model.chain_by else []) + ["seq"]
    rows = model._base_manager.using(using).order_by(*order).values_list(*names)
    walk, checked = _Walk(model, heads, gaps), 0
    for record in rows.iterator(chunk_size=CHUNK):
        values = dict(zip(names, record, strict=True))
        chain = chain_of(model, chain_value(model, values))
        if chain != walk.chain:
            if mismatch := walk.end():
                return checked, mismatch
            walk.start(chain)
        if mismatch := walk.row(values):
            return checked, mismatch
        checked += 1
    if mismatch := walk.end():
        return checked, mismatch
    for chain, (seq, _hash, base_seq, _base) in sorted(heads.items()):
        if chain not in walk.seen and seq != base_seq:
            # Every row of the chain may have gone in disposals: then its gaps lead from
            # the start to the head.
            walk.start(chain)
            if walk.end() is not None:
                return checked, Mismatch(
                    table,
                    None,
                    chain,
                    seq,
                    f"link: the head records position {seq} but the chain has no rows",
                )
    return checked, None


def verify(using="default"):
    """(rows checked, the first Mismatch or None), over every chain of every trail."""
    total = 0
    for model in chained_models():
        checked, mismatch = _verify_model(model, using)
        total += checked
        if mismatch is not None:
            return total, mismatch
    return total, None
