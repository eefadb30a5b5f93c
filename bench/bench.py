"""`make bench`: server time and SQL queries of the pages that must stay fast as a school's
records grow. A benchmark to read, not a timed test.

Builds (once; cached in var/bench/bench.sqlite3, or in DATABASE_URL's database if set):
- a large trust: 2 schools of 1,000 synthetic pupils with 3 years of session history and
  of behaviour records (a few incidents and observations per pupil on the SEN register per
  term), and one pupil with 10,000 timeline entries; each school has the demo's medication,
  care, equipment and therapy records (a term of doses for one pupil, four weeks of care
  events for another: sendesk/demo/care.py), not more in proportion to its size;
- a small one: 200 pupils, 4 weeks of history, a pupil with 100 entries.
Then measures, in-process with the Django test client (real middleware and templates),
p50/p95 server time and the SQL query count of each request, at both sizes: the query
counts should be equal, whatever the data.

The benchmark's "today" is fixed (Wednesday 18 November 2026, 10:00 London; time moves on
from there) so the cached database stays valid and My day always falls on a school day.

    .venv/bin/python bench/bench.py [-n 40] [--rebuild]
"""

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_FILE = ROOT / "var" / "bench" / "bench.sqlite3"
TODAY = dt.date(2026, 11, 18)
NOW = dt.datetime.combine(TODAY, dt.time(10, 0), ZoneInfo("Europe/London"))
# Part of the trust names: a changed generator builds afresh instead of reusing stale data.
# 2: behaviour, restraint, training and safeguarding records (issue 3).
# 3: medication, care, equipment and therapy records; therapist and parent logins (issue 4).
VERSION = 3

SIZES = {
    "large": {
        "trust": f"Bench Trust v{VERSION}",
        "pupils": 1000,
        "schools": 2,
        "weeks": 156,
        "timeline": 10_000,
        "seed": 1,
    },
    "small": {
        "trust": f"Bench Small Trust v{VERSION}",
        "pupils": 200,
        "schools": 1,
        "weeks": 4,
        "timeline": 100,
        "seed": 2,
    },
}


def configure(rebuild: bool):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendesk.settings")
    if not os.environ.get("DATABASE_URL"):
        DB_FILE.parent.mkdir(parents=True, exist_ok=True)
        if rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{DB_FILE}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DB_FILE}"
    import django

    django.setup()


def build(size: str, spec: dict):
    """Make the size's trust unless it is already there; returns its first school."""
    from sendesk.demo.generator import generate, pad_timeline
    from sendesk.schools.models import School

    school = School.objects.filter(trust__name=spec["trust"]).order_by("pk").first()
    if school is None:
        started = time.perf_counter()
        print(
            f"Building the {size} data set ({spec['schools']} × {spec['pupils']:,} pupils, "
            f"{spec['weeks']} weeks of history)…",
            flush=True,
        )
        generated = generate(
            seed=spec["seed"],
            pupils=spec["pupils"],
            schools=spec["schools"],
            weeks_of_history=spec["weeks"],
            trust_name=spec["trust"],
            today=TODAY,
            school_names=[f"{spec['trust']} School {i + 1}" for i in range(spec["schools"])],
            domains=[f"{size}{VERSION}-{i + 1}.bench.example" for i in range(spec["schools"])],
            progress=lambda message: print("  " + message, flush=True),
        )
        school = generated.schools[0].school
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    subjects = pick_subjects(school)
    # Idempotent: tops the pupil's timeline up to the size's total.
    pad_timeline(
        subjects["pupil"],
        total=spec["timeline"],
        start=TODAY - dt.timedelta(weeks=spec["weeks"]),
        end=TODAY,
        actor=subjects["senco"],
        seed=spec["seed"],
    )
    return school, subjects


def pick_subjects(school):
    """The people and records the requests are made about."""
    from django.db.models import Count

    from sendesk.accounts.models import User
    from sendesk.plans.models import Plan
    from sendesk.provision.models import Provision
    from sendesk.provision.selectors import my_day
    from sendesk.pupils.models import Deployment
    from sendesk.schools.models import Role

    senco = User.objects.get(staff_roles__school=school, staff_roles__role=Role.SENCO)
    assistants = User.objects.filter(
        staff_roles__school=school, staff_roles__role__in=[Role.TA, Role.HLTA]
    ).distinct()
    # My day for the assistant with the most provision due: several deployed pupils.
    busiest = max(sorted(assistants, key=lambda u: u.email), key=lambda u: len(my_day(u, TODAY)))
    # The pupil page is about the first 1:1 pupil (whose timeline is padded); saves go to
    # the second, so repeated runs leave the first one's timeline as built.
    ones = list(
        Deployment.objects.filter(
            school=school, kind=Deployment.Kind.ONE_TO_ONE, pupil__sen_status="E"
        )
        .select_related("staff", "pupil")
        .order_by("staff__email", "pupil__upn")[:2]
    )
    saved = ones[-1]
    provision = (
        Provision.objects.current_on(TODAY)
        .filter(pupil=saved.pupil, days="12345", session_minutes__isnull=False)
        .prefetch_related("targets")
        .order_by("title")
        .first()
    )
    # The behaviour pages are about the pupil on an IBP with the most incidents.
    ibp = (
        Plan.objects.active()
        .filter(pupil__school=school, kind=Plan.Kind.IBP)
        .annotate(incidents=Count("pupil__incidents"))
        .select_related("pupil")
        .order_by("-incidents", "pupil__upn")
        .first()
    )
    # The medication and care pages are about the pupil with medicines and a term of doses
    # (one a school: see sendesk/demo/care.py).
    from sendesk.care.models import CarePlan
    from sendesk.medication.models import Medicine

    medicine = Medicine.objects.filter(pupil__school=school).order_by("pupil__upn").first()
    care = CarePlan.objects.filter(pupil__school=school).order_by("pupil__upn").first()
    return {
        "senco": senco,
        "busiest": busiest,
        "pupil": ones[0].pupil,
        "recorder": saved.staff,
        "provision": provision,
        "behaviour_pupil": ibp.pupil if ibp else ones[0].pupil,
        "medicated_pupil": medicine.pupil if medicine else ones[0].pupil,
        "cared_pupil": care.pupil if care else ones[0].pupil,
    }


def measure(call, n):
    """(p50 ms, p95 ms, query counts, status) over n calls after three warm-ups."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    status = None
    try:
        for _ in range(3):
            status = call()
            if status is not None and status != 200:
                return None, None, [], status
    except Exception as error:  # a page still being written must not stop the run
        return None, None, [], f"{type(error).__name__}: {error}"
    times, queries = [], []
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        queries.append(len(ctx.captured_queries))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, queries, status


def rows_for(subjects, n):
    from django.test import Client

    from sendesk.accounts.models import ApiToken
    from sendesk.provision.services import PupilRecord, session_record

    senco, busiest, pupil = subjects["senco"], subjects["busiest"], subjects["pupil"]
    token = ApiToken.issue(senco)

    def page(user, url, **headers):
        client = Client(raise_request_exception=False, **headers)
        if user is not None:
            client.force_login(user)
        return lambda: client.get(url).status_code

    provision = subjects["provision"]
    targets = [t.pk for t in provision.targets.all()]

    def save():
        session_record(
            actor=subjects["recorder"],
            client_id=uuid.uuid4(),
            provision_id=provision.pk,
            date=TODAY,
            start_time=dt.time(9, 10),
            minutes=provision.session_minutes,
            delivered=True,
            pupils=[
                PupilRecord(
                    pupil_id=provision.pupil_id,
                    attendance="present",
                    response=4,
                    note="Bench run.",
                    target_progress=[(t, "developing") for t in targets],
                )
            ],
        )

    from sendesk.behaviour.models import Incident, Observation
    from sendesk.provision.selectors import my_day
    from sendesk.pupils.models import TimelineEntry

    behaviour_pupil = subjects["behaviour_pupil"]
    detail = (
        f"My day for {busiest.email.split('@')[0]} ({len(my_day(busiest, TODAY))} provisions due); "
        f"pupil page with {TimelineEntry.objects.filter(pupil=pupil).count():,} timeline entries; "
        f"behaviour of a pupil with {Incident.objects.filter(pupil=behaviour_pupil).count()} "
        f"incidents and {Observation.objects.filter(pupil=behaviour_pupil).count()} observations"
    )
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    checks = [
        ("My day (TA)", page(busiest, "/my-day/")),
        ("Pupil page", page(senco, f"/pupils/{pupil.pk}/")),
        (
            "Shortfall list (API)",
            page(None, "/api/v1/provision/shortfalls", HTTP_AUTHORIZATION=f"Bearer {token}"),
        ),
        ("SENCO overview", page(senco, "/overview/")),
        (
            "Pupil behaviour (API)",
            page(None, f"/api/v1/pupils/{behaviour_pupil.pk}/behaviour", **bearer),
        ),
        (
            "Parents not told (API)",
            page(
                None, "/api/v1/restrictive-interventions?overdue_parent_notification=true", **bearer
            ),
        ),
        (
            "Pupil medication (API)",
            page(None, f"/api/v1/pupils/{subjects['medicated_pupil'].pk}/medication", **bearer),
        ),
        (
            "MAR, this month (API)",
            page(
                None,
                f"/api/v1/pupils/{subjects['medicated_pupil'].pk}/mar?month={TODAY:%Y-%m}",
                **bearer,
            ),
        ),
        (
            "Care plans (API)",
            page(None, f"/api/v1/pupils/{subjects['cared_pupil'].pk}/care-plans", **bearer),
        ),
        ("Session save (service)", save),
    ]
    return [(label, *measure(call, n)) for label, call in checks], detail


def data_summary(school):
    from sendesk.behaviour.models import Incident, Observation
    from sendesk.provision.models import Session
    from sendesk.pupils.models import Pupil, TimelineEntry

    trust = school.trust
    return (
        f"{trust.schools.count()} school(s), {Pupil.objects.filter(school__trust=trust).count():,} "
        f"pupils, {Session.objects.filter(school__trust=trust).count():,} sessions, "
        f"{Incident.objects.filter(school__trust=trust).count():,} incidents, "
        f"{Observation.objects.filter(school__trust=trust).count():,} observations, "
        f"{TimelineEntry.objects.filter(pupil__school__trust=trust).count():,} timeline entries"
    )


def cell(p50, p95, queries, status):
    if p50 is None:
        return f"not available (status {status})"
    q = str(queries[0]) if min(queries) == max(queries) else f"{min(queries)}–{max(queries)}"
    return f"{p50:7.1f} {p95:7.1f} {q:>7}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=40, help="Measured requests per row (default 40).")
    parser.add_argument(
        "--rebuild", action="store_true", help="Delete the cached SQLite file first."
    )
    args = parser.parse_args()
    configure(args.rebuild)

    import time_machine
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    with time_machine.travel(NOW, tick=True):
        results, summaries, details = {}, {}, {}
        built = {size: build(size, spec) for size, spec in SIZES.items()}
        # As sendesk/wsgi.py does in a served process: what exists before the first
        # request is frozen out of the collector's generations.
        gc.collect()
        gc.freeze()
        for size, (school, subjects) in built.items():
            summaries[size] = data_summary(school)
            results[size], details[size] = rows_for(subjects, args.n)

    db = connection.settings_dict
    where = (
        db["NAME"]
        if db["ENGINE"].endswith("sqlite3")
        else f"{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}"
    )
    print(f"\nSENDesk benchmark: {args.n} requests each, in-process, database {where}")
    for size in SIZES:
        print(f"  {size}: {summaries[size]}\n    {details[size]}")
    width = max(len(label) for label, *_ in results["large"]) + 2
    head = f"{'p50 ms':>7} {'p95 ms':>7} {'queries':>7}"
    print(f"\n{'':{width}}{'large':^23}   {'small':^23}")
    print(f"{'':{width}}{head}   {head}")
    for (label, *large), (_, *small) in zip(results["large"], results["small"], strict=True):
        print(f"{label:{width}}{cell(*large):23}   {cell(*small)}")
    print(
        "\nServer time per request (p50/p95, ms) and SQL statements per request: the query\n"
        "counts match at both sizes when a page's cost does not grow with the data."
    )


if __name__ == "__main__":
    main()
