import re

from django.core import mail
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

NEW_PASSWORD = "kettle orbit walnut lantern"


def run_the_worker():
    """What `make run`'s task worker (manage.py db_worker) does with each queued task:
    claim it and run it (its polling loop closes the connection, ending the test's
    transaction, so it is left out)."""
    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[],
    )  # fmt: skip
    for result in DBTaskResult.objects.ready():
        result.claim(worker.worker_id)
        worker.run_task(result)


def link_in(message) -> str:
    """The path of the one link to this site in an e-mail."""
    (url,) = re.findall(r"http://127\.0\.0\.1:8000(/(?:invite|password/reset)/\S+/)", message.body)
    return url


def mail_to(address):
    return [m for m in mail.outbox if m.to == [address]]
