"""The world is built once a module and shared (tests/conftest.py): every test must still
see it exactly as built, whatever the tests before it wrote or changed in memory. Each of
the two runs checks, then spoils; whichever runs second fails if anything leaked."""

import pytest

from sendesk.access import roles_of
from sendesk.accounts.models import User
from sendesk.pupils.models import Pupil
from sendesk.schools.models import Role, School, StaffRole


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_gets_the_world_as_built(world, run):
    assert world.ben.legal_first_name == "Ben"
    assert Pupil.objects.get(pk=world.ben.pk).legal_first_name == "Ben"
    assert sorted(Pupil.objects.values_list("legal_first_name", flat=True)) == [
        "Ben", "Cara", "Dan", "Olly",
    ]  # fmt: skip
    assert not hasattr(world.senco, "_sendesk_roles")
    assert roles_of(world.senco) == [(world.school.pk, Role.SENCO)]
    # One graph per test, as build_world() returned it.
    assert world.programme.provision is world.talk

    world.ben.legal_first_name = "Spoilt in memory"
    Pupil.objects.filter(pk=world.ben.pk).update(legal_first_name="Spoilt in the database")
    Pupil.objects.create(
        school=world.school,
        upn="A123456789012",
        legal_first_name="Extra",
        legal_last_name="Pupil",
        date_of_birth=world.ben.date_of_birth,
        year_group=world.y3,
        sen_status="K",
    )
    StaffRole.objects.filter(user=world.senco).delete()
    world.senco._sendesk_roles = [(world.school.pk, Role.HEAD)]
    world.talk.title = "Spoilt"


def test_without_the_world_the_database_is_empty(db):
    # Runs after the world tests above in this module: the shared world must not show.
    assert not School.objects.exists()
    assert not User.objects.exists()
