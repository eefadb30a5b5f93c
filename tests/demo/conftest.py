import pytest


@pytest.fixture
def seeded(db, now, _shared):
    """Oakfield Primary as `make run` seeds it, at the test world's frozen 'now': the
    command's output and how long it took. Seeded once and shared (see tests/conftest.py)."""
    return _shared.get("seeded")


@pytest.fixture
def demo(seeded):
    return seeded.output
