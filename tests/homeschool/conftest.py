import uuid

import pytest

from sendesk.homeschool.models import DiaryPupil
from tests.api.conftest import Api
from tests.evidence.conftest import give_consent, gps_jpeg, has_gps, upload  # noqa: F401
from tests.therapy.conftest import text  # noqa: F401
from tests.world import TODAY


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    """Each test keeps its photos in its own folder (never the real var/)."""
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    return settings.EVIDENCE_DIR


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def ben_diary(world):
    return DiaryPupil.objects.create(pupil=world.ben, started_by=world.senco, started_on=TODAY)


def conv(pupil) -> str:
    return f"/messages/{pupil.pk}/"


def ghost_conv() -> str:
    return f"/messages/{uuid.uuid4()}/"
