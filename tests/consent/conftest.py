import pytest

from sendesk.agencies.models import Agency


@pytest.fixture
def agencies(world):
    """The school's educational psychology and speech and language therapy services, and
    the other school's EP service (out of reach for Test Primary's pupils)."""
    return {
        "ep": Agency.objects.create(school=world.school, name="County EP Service", kind="ep"),
        "slt": Agency.objects.create(school=world.school, name="NHS Speech Team", kind="slt"),
        "other": Agency.objects.create(school=world.other, name="Other EP", kind="ep"),
    }
