"""`make bench` (issue 13): a trust of many schools on one PostgreSQL, and two app servers
in front of it. A benchmark to read, not a timed test.

1. Builds, on PostgreSQL (DATABASE_URL when it is a postgres:// address; otherwise a
   throwaway cluster this script starts, as .ci/run does, and removes when it ends), a
   trust of --schools schools (default 30) of --pupils pupils (default 1,000) with
   --weeks weeks of session history (default 156: three academic years), with
   sendesk/demo/generator.py, in two steps: the first --first schools (default 10) as one
   trust, then the rest as another that is then joined to it. It prints how long each
   step took.
2. After each step, in-process with the Django test client (real middleware and
   templates), p50/p95 server time and the SQL query count of a school's SENCO overview and
   shortfall list (the first school's SENCO) and of the trust view (/trust/, a trust
   SENCO): targets 100 ms and 300 ms p95, and query counts equal at both sizes (flat in
   the number of schools).
3. Starts two gunicorn servers (one worker, 4 threads each, as a small deployment) on the
   database and runs a bounded working day against them for --seconds (default 60):
   --tas simulated TAs (threads), each saving sessions through the API with a client_id
   (every fifth sent twice, to the other server, as a phone retrying after a lost answer
   does) and opening My day; --sencos SENCOs opening their overview. Reports requests,
   errors (must be 0), exactly-once (stored rows == distinct client_ids) and p50/p95/p99
   per kind. With --pool N the servers run with SENDESK_DB_POOL=N (psycopg's pool).

The bench's "today" is Wednesday 18 November 2026, 10:00 London (time moves on from there),
in this process and in the servers.

Building is most of the run (about 5 s a school of 1,000 pupils with 12 weeks of history,
20 s with 156: the default 30 schools in about 10 minutes, on a busy two-core machine).
--reuse (with DATABASE_URL on PostgreSQL) keeps the database --db between runs and measures
what an earlier run built.

    .venv/bin/python bench/trust.py [--schools 30 --first 10 --pupils 1000 --weeks 156]
        [--seconds 60 --tas 12 --sencos 3] [--pool 0] [-n 30] [--db NAME --reuse] [--load-only]
"""

import argparse
import atexit
import datetime as dt
import gc
import glob
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOW.date()
PASSWORD = "trust-bench-password"
# Targets (issue 13): p95 of a school's pages and of the trust view.
SCHOOL_P95_MS, TRUST_P95_MS = 100, 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throwaway_postgres() -> str:
    """A PostgreSQL cluster in a temp folder on a free loopback port, as .ci/run starts
    one (PostgreSQL refuses to run as root: its commands run as the postgres user), stopped
    and removed when this script ends. Returns the server's address."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not bins:
        sys.exit("bench/trust.py needs PostgreSQL: set DATABASE_URL, or install postgresql")
    pgbin, port = bins[-1], _free_port()
    data = tempfile.mkdtemp(prefix="sendesk-trust-pg.")
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_pg:
        shutil.chown(data, "postgres", "postgres")
    quiet = {"check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([*as_pg, f"{pgbin}/initdb", "-D", data, "--auth=trust", "-U", "postgres",
                    "-E", "UTF8"], **quiet)  # fmt: skip
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run([*as_pg, f"{pgbin}/pg_ctl", "-D", data, "-l", f"{data}/server.log", "-w",
                    "-o", options, "start"], **quiet)  # fmt: skip

    def stop():
        subprocess.run([*as_pg, f"{pgbin}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        shutil.rmtree(data, ignore_errors=True)

    atexit.register(stop)
    return f"postgres://postgres@127.0.0.1:{port}"


def configure(args) -> str:
    """Point Django at the bench database on PostgreSQL (made afresh unless --reuse);
    returns its address."""
    import psycopg

    given = os.environ.get("DATABASE_URL", "")
    server = given.rsplit("/", 1)[0] if given.startswith("postgres") else throwaway_postgres()
    if not (args.reuse and given.startswith("postgres")):
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{args.db}"')
    url = f"{server}/{args.db}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "sendesk.settings"
    os.environ["SENDESK_EVIDENCE_DIR"] = str(ROOT / "var" / "bench" / "trust-evidence")
    os.environ.pop("SENDESK_DB_POOL", None)  # this process: one connection is all it uses
    import django

    django.setup()
    return url


def build(args):
    """The trust in two steps; yields (trust, schools in it) after each, the data ready."""
    from django.core.management import call_command

    from sendesk.demo.generator import generate
    from sendesk.schools.models import School, Trust

    if args.reuse and Trust.objects.filter(name="Bench Trust step 1").exists():
        # The data of an earlier run (--reuse, to measure again): the second step's schools
        # go back to their own trust, then join the first, as when they were made.
        first = Trust.objects.get(name="Bench Trust step 1")
        later = School.objects.filter(name__startswith="Trust Bench School B")
        if second := Trust.objects.filter(name="Bench Trust step 2").first():
            later.update(trust=second)
        yield first, School.objects.filter(trust=first).count()
        if second:
            later.update(trust=first)
            yield first, School.objects.filter(trust=first).count()
        return
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"  migrated in {time.perf_counter() - started:.0f} s", flush=True)
    trust = None
    for step, count in enumerate((args.first, args.schools - args.first)):
        if count <= 0:
            continue
        started = time.perf_counter()
        made = generate(
            seed=step + 1, pupils=args.pupils, schools=count, weeks_of_history=args.weeks,
            trust_name=f"Bench Trust step {step + 1}", today=TODAY,
            school_names=[f"Trust Bench School {'AB'[step]}{i + 1}" for i in range(count)],
            domains=[f"s{step * 100 + i + 1}.trust-bench.example" for i in range(count)],
            password=PASSWORD,
        )  # fmt: skip
        if trust is None:
            trust = Trust.objects.get(name="Bench Trust step 1")
        else:  # the second step's schools join the first trust
            School.objects.filter(trust__name=f"Bench Trust step {step + 1}").update(trust=trust)
        del made
        seconds = time.perf_counter() - started
        total = School.objects.filter(trust=trust).count()
        print(f"  {count} schools × {args.pupils:,} pupils, {args.weeks} weeks: generated "
              f"in {seconds:.0f} s ({total} schools in the trust now)", flush=True)  # fmt: skip
        yield trust, total


def verified_client(user):
    """The test client signed in as `user`, second factor marked done (the bench measures
    pages, not the second step: bench/bench.py's second_factor_done)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def people(trust):
    """The first school's SENCO, a trust SENCO of the trust (made once)."""
    from sendesk.accounts.models import User
    from sendesk.schools.models import Role, School, StaffRole, TrustRole

    first = School.objects.filter(trust=trust).order_by("pk").first()
    senco = User.objects.filter(staff_roles__school=first, staff_roles__role=Role.SENCO).order_by(
        "pk"
    )[0]
    lead, _ = User.objects.get_or_create(
        email="trust-senco@trust-bench.example", defaults={"full_name": "Tara Trust"}
    )
    TrustRole.objects.get_or_create(user=lead, trust=trust, role="trust_senco")
    # SENCO at the first school too, as a trust SENCO usually is somewhere (the demo's
    # trust@ is): the view then also works out which named pupils link to their page.
    StaffRole.objects.get_or_create(user=lead, school=first, role=Role.SENCO)
    return first, senco, lead


def measure_pages(trust, n):
    """{label: (p50, p95, queries)} for the school pages and the trust view."""
    from django.urls import reverse

    # bench/bench.py (this script's folder is first on the path, as for every bench script).
    from bench import measure

    first, senco, lead = people(trust)
    as_senco, as_lead = verified_client(senco), verified_client(lead)
    # As sendesk/wsgi.py does in a served process (and bench/bench.py here): what exists
    # before the first request is frozen out of the collector's generations.
    gc.collect()
    gc.freeze()
    pages = {
        "SENCO overview": (as_senco, reverse("overview")),
        "Shortfall list": (as_senco, reverse("overview_shortfalls")),
        "Shortfalls (overview part)": (as_senco, reverse("overview_part_shortfalls")),
        "Trust view": (as_lead, reverse("trust_overview")),
    }
    out = {}
    for label, (client, url) in pages.items():
        p50, p95, queries, _share, status = measure(lambda c=client, u=url: c.get(u).status_code, n)
        out[label] = (p50, p95, queries, status)
    return out


def page_table(at10, at30, sizes):
    print()
    print(f"{'page':28} {sizes[0]:>3} schools p50/p95 ms (queries)   "
          f"{sizes[1]:>3} schools p50/p95 ms (queries)   target  verdict")  # fmt: skip
    for label in at10:
        cells, ok = [], True
        for results in (at10, at30):
            p50, p95, queries, status = results[label]
            if p50 is None:
                cells.append(f"{'failed: ' + str(status):34}")
                ok = False
                continue
            q = sorted(set(queries))
            cells.append(f"{p50:7.1f} / {p95:7.1f}  ({'/'.join(map(str, q)):>9})      ")
        target = TRUST_P95_MS if label == "Trust view" else SCHOOL_P95_MS
        if ok:
            flat = sorted(set(at10[label][2])) == sorted(set(at30[label][2]))
            fast = at30[label][1] <= target
            verdict = ("ok" if fast else "SLOW") + (", flat" if flat else ", QUERIES GROW")
        else:
            verdict = "not measured"
        print(f"{label:28} {cells[0]} {cells[1]} {target:>5}  {verdict}")


# --- The working day on two servers -----------------------------------------------------


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def call(self, kind, send):
        started = time.perf_counter()
        try:
            response = send()
            ok = response.status_code in (200, 201)
            problem = None if ok else f"{kind}: {response.status_code} {response.text[:200]}"
        except Exception as error:  # a dropped connection is an error, not a crash
            problem = f"{kind}: {type(error).__name__}: {error}"
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.times.setdefault(kind, []).append(elapsed)
            if problem:
                self.errors.append(problem)


def start_servers(url, pool, folder):
    """Two gunicorn servers on the bench database; their base addresses and processes."""
    from django.conf import settings
    from django.utils import timezone

    # The servers' secret key is this process's: the sessions the working day's people
    # carry are made here, and a server with another key reads them as signed out (its
    # pages would then time the sign-in page, not My day).
    env = {
        **os.environ, "DATABASE_URL": url, "SENDESK_SECRET_KEY": settings.SECRET_KEY,
        "SENDESK_VAR_DIR": str(folder), "PYTHONPATH": str(ROOT),
        # The servers' clock starts where this process's is (frozen at NOW, moving on).
        "SENDESK_MS_FROZEN_AT": timezone.now().isoformat(), "SENDESK_MS_TICK": "1",
        "SENDESK_DB_POOL": str(pool),
    }  # fmt: skip
    from tests.multiserver.gunicorn_conf import serve

    started = [serve(env, folder / f"server-{name}.log") for name in ("a", "b")]
    bases, servers = [b for b, _ in started], [p for _, p in started]
    return bases, servers


def day_people(trust, tas, sencos):
    """(TA, their pupil, the provision) for `tas` TAs with a 1:1 provision, and `sencos`
    SENCOs, across the trust's schools."""
    from django.db.models import Q

    from sendesk.accounts.models import User
    from sendesk.provision.models import Provision
    from sendesk.pupils.models import Deployment
    from sendesk.schools.models import Role

    workers, seen = [], set()
    current = Q(end__isnull=True) | Q(end__gte=TODAY)
    deployed = (
        Deployment.objects.filter(current, school__trust=trust, kind="one_to_one", start__lte=TODAY)
        .filter(pupil__isnull=False)
        .select_related("staff", "pupil")
        .order_by("school_id", "staff_id")
    )
    for row in deployed:
        if row.staff_id in seen:
            continue
        provision = Provision.objects.filter(current, pupil=row.pupil, start__lte=TODAY).first()
        if provision is None:
            continue
        seen.add(row.staff_id)
        workers.append((row.staff, row.pupil, provision))
        if len(workers) == tas:
            break
    senco_users = list(
        User.objects.filter(staff_roles__school__trust=trust, staff_roles__role=Role.SENCO)
        .distinct()
        .order_by("pk")[:sencos]
    )
    return workers, senco_users


def working_day(trust, url, args):
    import requests

    from sendesk.provision.models import Session

    workers, sencos = day_people(trust, args.tas, args.sencos)
    folder = Path(tempfile.mkdtemp(prefix="sendesk-trust-servers."))
    from tests.multiserver.gunicorn_conf import stop as stop_process

    bases, servers = start_servers(url, args.pool, folder)
    # Signed in as the pages would be (cookies for My day and the overview; an API token for
    # saves, as the TA's phone holds one): made here, good on both servers.
    from sendesk.accounts.models import ApiToken

    cookies = {}
    for person in [w[0] for w in workers] + sencos:
        client = verified_client(person)
        cookies[person.pk] = client.cookies["sessionid"].value
    tokens = {ta.pk: ApiToken.make(ta, "trust bench")[0] for ta, _, _ in workers}
    # Each server answers once before the clock starts: its start-up (imports, the static
    # files' scan) is not a request of the working day.
    for base in bases:
        requests.get(f"{base}/healthz", timeout=300).raise_for_status()
        requests.get(f"{base}/login/", timeout=300).raise_for_status()
    recorder, sent = Recorder(), set()
    stop_at = time.perf_counter() + args.seconds

    def ta_day(i, ta, pupil, provision):
        http = requests.Session()
        http.cookies.set("sessionid", cookies[ta.pk])
        auth = {"Authorization": f"Bearer {tokens[ta.pk]}"}
        n = 0
        while time.perf_counter() < stop_at:
            base, other = bases[(i + n) % 2], bases[(i + n + 1) % 2]
            # A redirect (to the sign-in page) is an error, not a page served.
            recorder.call("My day", lambda b=base: http.get(f"{b}/my-day/", allow_redirects=False))
            body = {
                "client_id": str(uuid.uuid4()), "provision_id": str(provision.pk),
                "date": TODAY.isoformat(), "minutes": 20, "delivered": True,
                "pupils": [{"pupil_id": str(pupil.pk), "attendance": "present", "response": 3}],
            }  # fmt: skip
            with recorder.lock:
                sent.add(body["client_id"])
            save = f"{base}/api/v1/sessions"
            recorder.call("Save session", lambda u=save, b=body: http.post(u, json=b, headers=auth))
            if n % 5 == 4:  # the answer "lost": the phone sends it again, to the other server
                again = f"{other}/api/v1/sessions"
                recorder.call(
                    "Save again (same id)",
                    lambda u=again, b=body: http.post(u, json=b, headers=auth),
                )
            n += 1

    def senco_day(i, senco):
        http = requests.Session()
        http.cookies.set("sessionid", cookies[senco.pk])
        n = 0
        while time.perf_counter() < stop_at:
            base = bases[(i + n) % 2]
            recorder.call(
                "SENCO overview", lambda b=base: http.get(f"{b}/overview/", allow_redirects=False)
            )
            n += 1

    threads = [threading.Thread(target=ta_day, args=(i, *w)) for i, w in enumerate(workers)]
    threads += [threading.Thread(target=senco_day, args=(i, s)) for i, s in enumerate(sencos)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for server in servers:
            stop_process(server)
    stored = Session.objects.filter(client_id__in=sent).count()
    print()
    print(f"Two app servers, {len(workers)} TAs and {len(sencos)} SENCOs for {args.seconds} s"
          f" (SENDESK_DB_POOL={args.pool or 'off'}):")  # fmt: skip
    print(f"{'kind':24} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    total = 0
    for kind, times in recorder.times.items():
        times.sort()
        total += len(times)

        def q(p, times=times):
            return times[min(len(times) - 1, round(p * (len(times) - 1)))]

        print(f"{kind:24} {len(times):8} {statistics.median(times):8.1f} {q(0.95):8.1f} "
              f"{q(0.99):8.1f}")  # fmt: skip
    once = "exactly once" if stored == len(sent) else "NOT EXACTLY ONCE"
    print(f"requests {total}, errors {len(recorder.errors)}"
          f"{' (must be 0)' if recorder.errors else ''}; sessions: {len(sent)} client_ids, "
          f"{stored} stored ({once})")  # fmt: skip
    for problem in recorder.errors[:10]:
        print("  " + problem)
    shutil.rmtree(folder, ignore_errors=True)
    return not recorder.errors and stored == len(sent)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=30)
    parser.add_argument("--first", type=int, default=10)
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--tas", type=int, default=12)
    parser.add_argument("--sencos", type=int, default=3)
    parser.add_argument("--pool", type=int, default=0)
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--db", default="sendesk_trust_bench", help="the database's name")
    parser.add_argument("--load-only", action="store_true", help="only the two servers' day")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data an earlier run left in --db"
    )
    args = parser.parse_args()
    # Stopped (a CI's timeout, ^C from another shell): exit as normally, so that atexit
    # stops and removes the throwaway PostgreSQL cluster.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    import time_machine

    # The bench's today, moving on from 10:00 (the servers start at this clock's time).
    time_machine.travel(NOW, tick=True).start()
    url = configure(args)
    print(f"Trust bench on PostgreSQL ({url.rsplit('@', 1)[-1]})", flush=True)
    results, sizes = [], []
    for trust, total in build(args):
        if not args.load_only:
            results.append(measure_pages(trust, args.n))
        sizes.append(total)
    if len(results) == 2:
        page_table(*results, sizes)
    elif results:
        page_table(results[0], results[0], sizes * 2)
    ok = working_day(trust, url, args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
