"""Gunicorn settings for the multi-server tests' app servers (tests/multiserver/conftest.py)
and bench/trust.py's:
each worker runs at the tests' frozen moment, as the in-process tests do (the `now` fixture),
so the shared world's "today" is the servers' today whatever the date the suite runs on."""

import datetime as dt
import os


def post_fork(server, worker):
    import time_machine

    frozen = dt.datetime.fromisoformat(os.environ["SENDESK_MS_FROZEN_AT"])
    # Started for the worker's life; gunicorn's arbiter (another process) keeps real time.
    # The tests stand still (as `now` does); bench/trust.py lets the clock move on (TICK=1).
    tick = os.environ.get("SENDESK_MS_TICK") == "1"
    time_machine.travel(frozen, tick=tick).start()
