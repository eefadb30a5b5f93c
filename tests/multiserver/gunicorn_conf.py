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


def post_worker_init(worker):
    # How this server holds its database connections, in its log for the tests to read
    # (test_pool): psycopg's pool (SENDESK_DB_POOL, the backend's own pool object) or
    # Django's one per thread.
    from django.db import connection

    pool = connection.pool if connection.vendor == "postgresql" else None
    held = f"a pool of at most {pool.max_size}" if pool else "one per thread"
    worker.log.info("database connections: %s", held)


def stop(process, timeout: float = 30) -> None:
    """Stop a server or worker process: asked, then made to, so none outlives the tests."""
    import subprocess

    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve(env: dict, log_path, threads: int = 4):
    """One gunicorn app server (one worker process with `threads` threads) with these
    settings, on a loopback socket bound here and handed over (fd://): a request sent before
    the server is ready waits in the socket's queue. Returns (base address, process)."""
    import socket
    import subprocess
    import sys
    from pathlib import Path

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    with sock, open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "sendesk.wsgi", "--bind", f"fd://{sock.fileno()}",
             "--workers", "1", "--threads", str(threads), "--worker-class", "gthread",
             "--config", "python:tests.multiserver.gunicorn_conf", "--timeout", "120",
             "--graceful-timeout", "5",
             # Idle connections kept a while, as behind a load balancer (gunicorn's default
             # of 2 s closes one just as a busy client sends its next request on it).
             "--keep-alive", "30"],
            cwd=Path(__file__).resolve().parents[2], env=env, pass_fds=(sock.fileno(),),
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        return f"http://127.0.0.1:{sock.getsockname()[1]}", process
