import pytest

from sendesk.notifications.services import notify


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
