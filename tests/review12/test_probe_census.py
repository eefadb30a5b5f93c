"""Review 12 probes: the census check page and API take odd school ids as 404 or 422, and
answer no one outside the school's oversight, a head of another school included."""

from sendesk.accounts.models import User
from sendesk.schools.models import Role, StaffRole
from tests.imports.conftest import api  # noqa: F401
from tests.world import PASSWORD


def test_odd_school_ids_and_outsiders(world, as_user, api):  # noqa: F811
    senco = as_user(world.senco)
    for value in ("x", "9" * 30, "-1", str(world.other.pk)):
        assert senco.get("/census/", {"school": value}).status_code == 404, value
        r = api.get(world.senco, "/census/sen-check", school=value)
        assert r.status_code in (404, 422), (value, r.status_code)
    other_head = User.objects.create_user("oh@other.example", PASSWORD, full_name="Otto Head")
    StaffRole.objects.create(user=other_head, school=world.other, role=Role.HEAD)
    dpo = User.objects.create_user("dpo@test.example", PASSWORD, full_name="Dora Dpo")
    StaffRole.objects.create(user=dpo, school=world.school, role=Role.DPO)
    for person in (other_head, dpo, world.alice, world.theo, world.pat, world.dsl, world.tess):
        r = as_user(person).get("/census/", {"school": world.school.pk})
        assert r.status_code == 404, person
        assert api.get(person, "/census/sen-check", school=world.school.pk).status_code == 404
