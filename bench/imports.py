"""`make bench` (imports part): a 1,000-pupil roll imported as the head does it — the
file read, previewed against the school's records, then applied all or nothing — in an
in-memory database. A CTF (with SEN history and two ranked needs for one pupil in four)
when the CTF reader is installed, else the pupils CSV template. Reports each step's time,
the peak memory Python allocated, and the same for a quarter of the roll: memory should
grow with the roll only by the rows themselves. Aim (issue 12): under 20 s.

    .venv/bin/python bench/imports.py [--pupils 1000]
"""

import argparse
import datetime as dt
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 11, 18)
AIM_SECONDS = 20.0
NEEDS = ["SPLD", "MLD", "SLCN", "ASD", "SEMH", "HI"]


def _school():
    from sendesk.accounts.models import User
    from sendesk.schools.models import Role, School, StaffRole, Trust

    school = School.objects.create(
        trust=Trust.objects.create(name="Bench Trust"), name="Bench Primary", la_number="123",
        urn="100001",
    )  # fmt: skip
    head = User.objects.create_user("head@bench.example", "x", full_name="Bench Head")
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


def run(n: int) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from sendesk.imports import services
    from sendesk.imports.parsers import PARSERS
    from sendesk.pupils.models import Pupil

    kind = "ctf" if "ctf" in PARSERS else "csv-pupils"
    data = ctf(n) if kind == "ctf" else csv_roll(n)
    with transaction.atomic():
        school, head = _school()
        tracemalloc.start()
        started = time.perf_counter()
        batch = services.import_preview(
            actor=head, kind=kind, upload=SimpleUploadedFile(f"roll.{kind}", data)
        )
        previewed = time.perf_counter()
        services.import_apply(actor=head, batch_id=batch.pk)
        applied = time.perf_counter()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert batch.counts["errors"] == 0, batch.errors[:3]
        assert Pupil.objects.filter(school=school).count() == n
        transaction.set_rollback(True)
    return {"kind": kind, "size": len(data), "preview": previewed - started,
            "apply": applied - previewed, "total": applied - started, "peak": peak}  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=1000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendesk.settings")
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), dt.UTC), tick=True):
        quarter = run(max(args.pupils // 4, 1))
        full = run(args.pupils)
    verdict = "within" if full["total"] <= AIM_SECONDS else "OVER"
    print(
        f"Import of {args.pupils} pupils ({full['kind']}, {full['size'] // 1024} KiB): preview "
        f"{full['preview']:.2f} s, apply {full['apply']:.2f} s, total {full['total']:.2f} s; "
        f"{verdict} the {AIM_SECONDS:g} s aim. Peak Python memory {full['peak'] / 2**20:.1f} MiB "
        f"({quarter['peak'] / 2**20:.1f} MiB for {max(args.pupils // 4, 1)} pupils)"
    )


if __name__ == "__main__":
    main()
