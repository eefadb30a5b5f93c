import pytest


@pytest.fixture
def seeded(db, now, _shared):
    """Oakfield Primary as `make run` seeds it, shared (as in tests/demo/conftest.py)."""
    return _shared.get("seeded")
