"""Background work with two app servers, each with its task worker beside it (as `make run`
starts one): a task queued by a request to A is run once, by one of the two workers."""

from django_tasks_db.models import DBTaskResult

from .conftest import ALIAS, Browser
from .gunicorn_conf import stop

SUBJECT = "Subject: Reset your SENDesk password"


def test_an_email_queued_by_a_is_sent_once_by_two_workers(ms):
    browser = Browser()
    browser.get(f"{ms.a}/password/forgot/").raise_for_status()
    r = browser.post(f"{ms.a}/password/forgot/", {"email": "tess@test.example"})
    assert r.status_code == 200 and "/password/forgot/" in r.url
    queued = DBTaskResult.objects.using(ALIAS).filter(task_path__endswith="send_account_email")
    assert queued.count() == 1
    # Both servers' workers look for work at the same time; each runs what is due and exits.
    workers = [ms.worker("a"), ms.worker("b")]
    try:
        assert [w.wait(120) for w in workers] == [0, 0]
    finally:
        for w in workers:
            stop(w)  # none left running if one did not finish
    result = queued.get()
    assert (result.status, result.return_value) == ("SUCCESSFUL", 1)
    assert len(result.worker_ids) == 1
    # The e-mail (the console backend prints it to the worker's log) went out once.
    logs = [(ms.folder / f"worker-{name}.log").read_text() for name in ("a", "b")]
    assert sum(log.count(SUBJECT) for log in logs) == 1, logs
