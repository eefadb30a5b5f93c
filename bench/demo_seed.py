"""`make bench` (demo part): how long `seed_demo` takes to make Oakfield Primary on a fresh
database, as `make run` does on a new machine, and how many queries it sends. Measured
here rather than asserted in a test: a wall-clock limit in the suite fails on a loaded
machine for reasons that are not the product's.

    .venv/bin/python bench/demo_seed.py
"""

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AIM_SECONDS = 15.0


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendesk.settings")
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ["SENDESK_DEMO"] = "1"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        call_command("seed_demo", stdout=io.StringIO())
    seconds = time.perf_counter() - started
    verdict = "within" if seconds <= AIM_SECONDS else "OVER"
    print(
        f"Demo seed (Oakfield Primary, fresh SQLite): {seconds:.1f} s, {len(queries)} "
        f"queries; {verdict} the {AIM_SECONDS:g} s aim for a newcomer's first `make run`"
    )


if __name__ == "__main__":
    main()
