import pytest
from django.core import mail

from sendesk.notifications.services import notify
from sendesk.pupils.models import Pupil


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run as they are enqueued (django-tasks' ImmediateBackend), as the issue asks
    of tests; the worker's own loop is tested by the medication tests."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def tell(django_capture_on_commit_callbacks):
    """tell(people, title=…, kind=…) -> rows, as a committed transaction would: the
    after-commit delivery (e-mail) runs too."""

    def send(people, title="Something happened", kind="session_flagged", url="/", **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return notify(users=people, kind=kind, title=title, url=url, **kw)

    return send


@pytest.fixture(autouse=True)
def every_email_is_anonymous(db):
    """After every test here: no e-mail sent carries any pupil's name or UPN, of every
    pupil there is (issue 11: an e-mail never carries a pupil's name or details)."""
    yield
    if not mail.outbox:
        return
    names = set()
    for p in Pupil.objects.all():
        names |= {p.legal_first_name, p.legal_last_name, p.preferred_name, p.upn} - {"", None}
    assert names  # a check against nobody could not fail
    for message in mail.outbox:
        words = f"{message.subject}\n{message.body}\n{message.to}".lower()
        assert not [n for n in names if n.lower() in words], words
