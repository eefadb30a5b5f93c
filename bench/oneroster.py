"""`make bench` (OneRoster part): a OneRoster 1.1 bundle of a 1,000-pupil school (made by
the project: synthetic people) imported as the head does it — read, previewed, applied all or
nothing — in an in-memory database: pupils with dates of birth (demographics.csv), a parent
each, 40 teachers and aides, 40 classes with their enrollments, three terms. Then the same
bundle again, which must change nothing. Reports each step's time and the peak memory Python
allocated, against the issue's aim for a 1,000-pupil roll (20 s).

    .venv/bin/python bench/oneroster.py [--pupils 1000]
"""

import argparse
import datetime as dt
import io
import os
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 11, 18)
AIM_SECONDS = 20.0


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


USERS = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
)


def _files(n: int) -> dict[str, list[str]]:
    from sendesk.pupils.upn import make_upn

    classes = max(n // 25, 1)
    users, births, enrol = [USERS], ["sourcedId,status,dateLastModified,birthDate,sex"], []
    for c in range(classes):
        role = "teacher" if c % 4 else "aide"
        users.append(f"t{c},,,true,org1,{role},t{c},,Staff{c},Bench,,,t{c}@bench.example,,,,,")
        enrol.append(f"et{c},,,c{c},org1,t{c},{role},,,")
    for i in range(n):
        year = 1 + i % 6
        upn = make_upn("123", "4567", 2015 + i % 7, i % 1000)
        users.append(f"s{i},,,true,org1,student,s{i},,Pupil{i},Bench{i // 7},,{upn},,,,p{i},"
                     f"{year:02d},")  # fmt: skip
        users.append(f"p{i},,,true,org1,parent,p{i},,Carer{i},Bench{i // 7},,,"
                     f"p{i}@home.example,,,s{i},,")  # fmt: skip
        births.append(f"s{i},,,{dt.date(2015 + i % 7, 1 + i % 12, 1 + i % 28)},{'mf'[i % 2]}")
        enrol.append(f"e{i},,,c{i % classes},org1,s{i},student,,,")
    return {
        "users.csv": users,
        "demographics.csv": births,
        "classes.csv": ["sourcedId,status,dateLastModified,title"]
        + [f"c{c},,,Class {c}" for c in range(classes)],
        "enrollments.csv": [
            "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,"
            "role,primary,beginDate,endDate",
            *enrol,
        ],
        "academicSessions.csv": [
            "sourcedId,status,dateLastModified,title,type,startDate,endDate",
            "tm1,,,Autumn 2026,term,2026-09-03,2026-12-18",
            "tm2,,,Spring 2027,term,2027-01-05,2027-03-26",
            "tm3,,,Summer 2027,term,2027-04-12,2027-07-21",
        ],
    }


def bundle(n: int) -> bytes:
    files = _files(n)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        manifest = ["propertyName,value", "manifest.version,1.0", "oneroster.version,1.1"]
        manifest += [f"file.{name[:-4]},bulk" for name in files]
        z.writestr("manifest.csv", "\r\n".join(manifest) + "\r\n")
        for name, lines in files.items():
            z.writestr(name, "\r\n".join(lines) + "\r\n")
    return out.getvalue()


def _import(head, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sendesk.imports import services

    upload = SimpleUploadedFile("roster.zip", data)
    batch = services.import_preview(actor=head, kind="oneroster", upload=upload)
    assert batch.counts["errors"] == 0, batch.errors[:3]
    previewed = time.perf_counter()
    services.import_apply(actor=head, batch_id=batch.pk)
    return batch, previewed


def run(n: int) -> dict:
    from django.db import transaction

    from sendesk.pupils.models import Pupil

    data = bundle(n)
    with transaction.atomic():
        school, head = _school()
        tracemalloc.start()
        started = time.perf_counter()
        _batch, previewed = _import(head, data)
        applied = time.perf_counter()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert Pupil.objects.filter(school=school).count() == n
        again, _ = _import(head, data)
        done = time.perf_counter()
        assert again.counts["created"] == again.counts["updated"] == 0, again.counts
        transaction.set_rollback(True)
    return {"size": len(data), "preview": previewed - started, "apply": applied - previewed,
            "total": applied - started, "again": done - applied, "peak": peak}  # fmt: skip


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
        f"OneRoster import of {args.pupils} pupils (+ a parent each, classes, staff; "
        f"{full['size'] // 1024} KiB zip): preview {full['preview']:.2f} s, apply "
        f"{full['apply']:.2f} s, total {full['total']:.2f} s; {verdict} the {AIM_SECONDS:g} s "
        f"aim. The same bundle again: {full['again']:.2f} s, nothing changed. Peak Python "
        f"memory {full['peak'] / 2**20:.1f} MiB ({quarter['peak'] / 2**20:.1f} MiB for "
        f"{max(args.pupils // 4, 1)} pupils)"
    )


if __name__ == "__main__":
    main()
