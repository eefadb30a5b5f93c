"""Helpers for the subject access tests: the download kept in a folder of the test's own,
a data-protection officer for the world's school, a safeguarding concern about Ben with a
marker in every free-text field, and the task worker run as `make run` runs it."""

import io
import json

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from sendesk.accounts.models import User
from sendesk.records.models import SubjectAccessRequest as Sar
from sendesk.schools.models import Role, StaffRole
from tests.api.conftest import Api
from tests.safeguarding.conftest import MARKER, report
from tests.world import PASSWORD


@pytest.fixture(autouse=True)
def records_dir(settings, tmp_path):
    settings.RECORDS_DIR = tmp_path / "records"
    return settings.RECORDS_DIR


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def dpo(world):
    """Dora Dpo, the world school's data-protection officer (no other role)."""
    user = User.objects.create_user("dpo@test.example", PASSWORD, full_name="Dora Dpo")
    StaffRole.objects.create(user=user, school=world.school, role=Role.DPO)
    return user


@pytest.fixture
def concern(world):
    """A safeguarding concern about Ben that Alice reported; MARKER is in its text."""
    return report(world.alice, world.ben)


def run_the_worker() -> int:
    """What `make run`'s task worker (manage.py db_worker) does with each queued task:
    claim it and run it (its polling loop closes the connection, ending the test's
    transaction, so it is left out). Returns how many ran."""
    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[],
    )  # fmt: skip
    ran = 0
    for result in DBTaskResult.objects.ready():
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def read_json(response) -> dict:
    return json.loads(b"".join(response.streaming_content))


__all__ = ["MARKER", "read_json", "run_the_worker"]


def open_request(client, **data):
    """Open a subject access request on the page as `client`'s person; the request."""
    body = {"pupil": "", "staff": "", "requester": "Someone", "received_on": "2026-11-16", **data}
    r = client.post("/subject-access/new/", body)
    assert r.status_code == 302, r.content
    return Sar.objects.order_by("-opened_at").first()


def download_texts(client, sar) -> tuple[str, str]:
    """The request's JSON (as text) and the words of its PDF, as downloaded."""
    doc = read_json(client.get(f"/subject-access/{sar.pk}/download/json/"))
    pdf = b"".join(client.get(f"/subject-access/{sar.pk}/download/pdf/").streaming_content)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return json.dumps(doc, ensure_ascii=False), text
