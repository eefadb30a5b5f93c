"""`make bench` (imports part): a 1,000-pupil roll imported as the head does it, end to end
through the product's services (sendesk.imports.services: the file read, previewed against
the school's records, then applied all or nothing, audited), on the bench database: a copy
of the cached var/bench/bench.sqlite3 that `bench/bench.py` builds (its trusts of 1,000 and
200 pupils, their audit trails and timelines), a new school of that trust receiving the roll;
without that cache, a fresh var/bench/imports.sqlite3; with DATABASE_URL, that database
(everything the bench writes is rolled back there). A CTF (with SEN history and two ranked
needs for one pupil in four) when the CTF reader is installed, else the pupils CSV template.

Reports, for 1,000 pupils: the time of each step (read and preview, apply), the same file
imported again (nothing to change: idempotent), the SQL statements each import ran, the
peak memory Python allocated (tracemalloc, a run of its own so that tracing does not slow
the timed one) and the process's peak resident size; and the same for a quarter of the
roll. The statements grow only by the batches of rows the bulk writes send (never one per
pupil), and the memory only with the rows the all-or-nothing plan must hold: the same few
KiB a pupil at either size. Aim (issue 12): under 20 s.

    .venv/bin/python bench/imports.py [--pupils 1000]
"""

import argparse
import datetime as dt
import os
import resource
import shutil
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "var" / "bench" / "bench.sqlite3"  # built by bench/bench.py (make bench)
RUN_FILE = ROOT / "var" / "bench" / "imports.sqlite3"

TODAY = dt.date(2026, 11, 18)
AIM_SECONDS = 20.0
NEEDS = ["SPLD", "MLD", "SLCN", "ASD", "SEMH", "HI"]


def _school():
    """A new school (in the bench's large trust when the cache is there) and its head."""
    from sendesk.accounts.models import User
    from sendesk.schools.models import Role, School, StaffRole, Trust

    trust = Trust.objects.order_by("pk").first() or Trust.objects.create(name="Bench Trust")
    school = School.objects.create(trust=trust, name="Bench Imports Primary", la_number="123",
                                   urn="199991")  # fmt: skip
    head = User.objects.create_user("head@imports.bench.example", "x", full_name="Bench Head")
    StaffRole.objects.create(user=head, school=school, role=Role.HEAD)
    return school, head


def _pupil(i):
    from sendesk.pupils.upn import make_upn

    status = "E" if i % 20 == 0 else "K" if i % 4 == 0 else "N"
    needs = [NEEDS[i % 6], NEEDS[(i + 1) % 6]] if status != "N" else []
    dob = dt.date(2015 + i % 7, 1 + i % 12, 1 + i % 28)
    return {
        "upn": make_upn("123", "4567", 2015 + i % 7, i % 1000), "first": f"Pupil{i}",
        "last": f"Bench{i // 7}", "dob": dob, "year": 1 + i % 6, "status": status, "needs": needs,
    }  # fmt: skip


def ctf(n: int) -> bytes:
    """A Common Transfer File made by the project (synthetic pupils), per shared/docs/interop.md."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><CTfile><Header><DocumentName>Common Transfer '
        "File</DocumentName><CTFversion>25.0</CTFversion><DateTime>2026-11-18T10:00:00"
        "</DateTime><DocumentQualifier>full</DocumentQualifier><SupplierID>SENDesk bench"
        "</SupplierID><SourceSchool><LEA>123</LEA><Estab>4567</Estab><SchoolName>Made by the "
        "project</SchoolName><AcademicYear>2026</AcademicYear></SourceSchool><DestSchool><LEA>"
        "123</LEA><Estab>4567</Estab></DestSchool></Header><CTFpupilData>"
    ]
    for i in range(n):
        p = _pupil(i)
        needs = "".join(
            f"<SENneed><SENtypeRank>{r}</SENtypeRank><SENtype>{c}</SENtype></SENneed>"
            for r, c in enumerate(p["needs"], start=1)
        )
        sen = (
            f"<SENhistory><SEN><StartDate>2025-09-04</StartDate><SENprovision>{p['status']}"
            f"</SENprovision></SEN><SENneeds>{needs}</SENneeds></SENhistory>"
        )
        parts.append(
            f"<Pupil><UPN>{p['upn']}</UPN><Surname>{p['last']}</Surname><Forename>{p['first']}"
            f"</Forename><DOB>{p['dob']}</DOB><Sex>{'MF'[i % 2]}</Sex><BasicDetails>"
            f"<NCyearActual>{p['year']}</NCyearActual></BasicDetails>{sen}</Pupil>"
        )
    parts.append("</CTFpupilData></CTfile>")
    return "".join(parts).encode()


def csv_roll(n: int) -> bytes:
    rows = ["upn,first_name,last_name,date_of_birth,year,sen_status,primary_need,secondary_need"]
    for i in range(n):
        p = _pupil(i)
        needs = (p["needs"] + ["", ""])[:2]
        rows.append(f"{p['upn']},{p['first']},{p['last']},{p['dob']},{p['year']},{p['status']},"
                    f"{needs[0]},{needs[1]}")  # fmt: skip
    return ("\r\n".join(rows) + "\r\n").encode()


class Counter:
    """Counts the SQL statements run (a connection execute wrapper: nothing kept per query)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def _import(head, kind, data, counter) -> tuple[dict, object]:
    """One import as the head's page runs it: preview (read + plan + kept), then apply."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sendesk.imports import services

    counter.n = 0
    started = time.perf_counter()
    batch = services.import_preview(
        actor=head, kind=kind, upload=SimpleUploadedFile(f"roll.{kind}", data)
    )
    previewed, preview_queries = time.perf_counter(), counter.n
    batch = services.import_apply(actor=head, batch_id=batch.pk)
    applied = time.perf_counter()
    return {
        "preview": previewed - started, "apply": applied - previewed, "total": applied - started,
        "queries": (preview_queries, counter.n - preview_queries),
    }, batch  # fmt: skip


def run(n: int, *, trace: bool) -> dict:
    """Import a roll of `n` into a new school, then the same file again; all rolled back.
    With `trace`, only the first import's peak memory is measured (tracemalloc slows it)."""
    from django.db import connection, transaction

    from sendesk.imports.parsers import PARSERS
    from sendesk.pupils.models import Pupil

    kind = "ctf" if "ctf" in PARSERS else "csv-pupils"
    data = ctf(n) if kind == "ctf" else csv_roll(n)
    counter = Counter()
    with transaction.atomic(), connection.execute_wrapper(counter):
        school, head = _school()
        if trace:
            tracemalloc.start()
        first, batch = _import(head, kind, data, counter)
        if trace:
            first["peak"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert batch.counts == {"created": n, "updated": 0, "unchanged": 0, "errors": 0}, (
            batch.counts, batch.errors[:3])  # fmt: skip
        assert Pupil.objects.filter(school=school).count() == n
        again, batch = _import(head, kind, data, counter)
        assert batch.counts["unchanged"] == n and batch.counts["created"] == 0, batch.counts
        transaction.set_rollback(True)
    return {"kind": kind, "size": len(data), "first": first, "again": again}


def configure() -> str:
    """The bench database: DATABASE_URL's, else a copy of bench.py's cache, else a fresh file."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendesk.settings")
    where = os.environ.get("DATABASE_URL", "")
    if not where:
        RUN_FILE.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{RUN_FILE}{suffix}").unlink(missing_ok=True)
        if CACHE.exists():
            # A copy, as bench.py measures: the cache stays as built, whatever happens here.
            shutil.copyfile(CACHE, RUN_FILE)
            where = f"a copy of {CACHE.relative_to(ROOT)} (the bench's trusts)"
        else:
            where = f"{RUN_FILE.relative_to(ROOT)} (fresh: run bench/bench.py for the big one)"
        os.environ["DATABASE_URL"] = f"sqlite:///{RUN_FILE}"
    import django

    django.setup()
    return where


def _line(n: int, r: dict) -> str:
    first, again = r["first"], r["again"]
    return (
        f"  {n:>5} pupils ({r['size'] // 1024} KiB): read and preview {first['preview']:.2f} s "
        f"({first['queries'][0]} SQL), apply {first['apply']:.2f} s ({first['queries'][1]} SQL), "
        f"total {first['total']:.2f} s; the same file again {again['total']:.2f} s "
        f"({sum(again['queries'])} SQL, nothing changed); peak Python memory "
        f"{r['peak'] / 2**20:.1f} MiB ({r['peak'] / n / 1024:.1f} KiB a pupil)"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=1000)
    args = parser.parse_args()
    where = configure()
    import time_machine
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    sizes = [max(args.pupils // 4, 1), args.pupils]
    results = {}
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), dt.UTC), tick=True):
        for n in sizes:
            results[n] = run(n, trace=False)
            results[n]["peak"] = run(n, trace=True)["first"]["peak"]
    if RUN_FILE.exists() and "sqlite" in os.environ["DATABASE_URL"]:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{RUN_FILE}{suffix}").unlink(missing_ok=True)
    full = results[args.pupils]
    verdict = "within" if full["first"]["total"] <= AIM_SECONDS else "OVER"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"Import of a roll ({full['kind']}), end to end through the services, on {where}:")
    for n in sizes:
        print(_line(n, results[n]))
    print(
        f"  {args.pupils} pupils in {full['first']['total']:.2f} s: {verdict} the "
        f"{AIM_SECONDS:g} s aim. Process peak resident size {rss:.0f} MiB."
    )


if __name__ == "__main__":
    main()
