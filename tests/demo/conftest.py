import io
import time
from types import SimpleNamespace

import pytest
from django.core.management import call_command


@pytest.fixture
def seeded(db, now):
    """Oakfield Primary as `make run` seeds it, at the test world's frozen 'now': the
    command's output and how long it took."""
    out = io.StringIO()
    started = time.perf_counter()
    call_command("seed_demo", stdout=out)
    return SimpleNamespace(output=out.getvalue(), seconds=time.perf_counter() - started)


@pytest.fixture
def demo(seeded):
    return seeded.output
