import pytest

from tests.api.conftest import Api


@pytest.fixture
def api(client):
    return Api(client)
