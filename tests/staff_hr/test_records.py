"""Staff records over HTTP as the people of tests/world.py: each sees their own, a line
manager their team's (never DBS numbers), the SENCO every team's, the head everything;
everyone else gets 404 exactly as for a record that does not exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.accounts.models import User
from sendesk.schools.models import StaffRole

from .conftest import check, member

DBS_NUMBERS = ("001234567890", "009876543210", "005555555555", "007777777777")


def _page(client, path):
    r = client.get(path)
    return r.status_code, r.content.decode()


def test_a_ta_sees_their_own_record(world, hr, as_user):
    status, body = _page(as_user(world.alice), "/staff/me/")
    assert status == 200
    assert "Alice Assistant" in body and "31.67 h a week" in body
    assert "38 weeks a year + 2 INSET days, term time only" in body
    assert "08:30–15:30" in body and "NVQ level 3" in body and "GCSE English" in body
    assert "Hana Hlta" in body  # her line manager
    assert "Bob Assistant" not in body
    assert not any(n in body for n in DBS_NUMBERS)
    status, body = _page(as_user(world.alice), f"/staff/{hr.alice.pk}/")
    assert status == 200 and "Change the record" not in body


def test_someone_without_a_record_is_told_so(world, as_user):
    status, body = _page(as_user(world.dsl), "/staff/me/")
    assert status == 200 and "No staff record is kept for you yet" in body


def test_a_ta_sees_nobody_elses_record(world, hr, as_user):
    client = as_user(world.alice)
    for other in (hr.bob, hr.hana, hr.tess, hr.hana_other):
        assert client.get(f"/staff/{other.pk}/").status_code == 404
    assert client.get("/staff/999999/").status_code == 404
    # Out of scope reads exactly as nonexistent.
    assert client.get(f"/staff/{hr.bob.pk}/").content == client.get("/staff/999999/").content
    # Her team page lists nobody: she manages no one.
    status, body = _page(client, "/staff/team/")
    assert status == 200 and "You line-manage nobody here" in body
    assert "Bob Assistant" not in body
    assert client.get("/staff/").status_code == 404


def test_a_line_manager_sees_their_team_not_others_not_dbs(world, hr, as_user):
    client = as_user(world.hana)
    status, body = _page(client, "/staff/team/")
    assert status == 200
    assert "Alice Assistant" in body and "Bob Assistant" in body
    assert "Tess Teacher" not in body and "Tom Teacher" not in body
    status, body = _page(client, f"/staff/{hr.bob.pk}/")
    assert status == 200 and "Bob Assistant" in body
    assert not any(n in body for n in DBS_NUMBERS)
    assert "Single central record" not in body and "Identity" not in body
    assert client.get(f"/staff/{hr.tess.pk}/").status_code == 404
    assert client.get(f"/staff/{hr.bob.pk}/edit/").status_code == 404
    # Her own record is hers to read, not to change.
    assert client.get(f"/staff/{hr.hana.pk}/").status_code == 200
    assert client.get(f"/staff/{hr.hana.pk}/edit/").status_code == 404


def test_the_senco_reads_every_teams_working_record(world, hr, as_user):
    client = as_user(world.senco)
    status, body = _page(client, "/staff/team/")
    assert status == 200
    for name in ("Alice Assistant", "Bob Assistant", "Hana Hlta", "Tess Teacher", "Tom Teacher"):
        assert name in body
    status, body = _page(client, f"/staff/{hr.tess.pk}/")
    assert status == 200 and not any(n in body for n in DBS_NUMBERS)
    assert client.get(f"/staff/{hr.tess.pk}/edit/").status_code == 404
    # Not another school's.
    assert client.get(f"/staff/{hr.hana_other.pk}/").status_code == 404


def test_the_head_sees_all_and_can_change_them(world, hr, as_user):
    client = as_user(world.head)
    status, body = _page(client, "/staff/")
    assert status == 200
    for name in ("Alice Assistant", "Bob Assistant", "Hana Hlta", "Tess Teacher", "Tom Teacher"):
        assert name in body
    # People with a role and no record yet are offered one.
    assert "No staff record yet" in body and "Dee Dsl" in body
    status, body = _page(client, f"/staff/{hr.bob.pk}/")
    assert status == 200 and "Right to work in the UK" in body and "not recorded" in body
    assert client.get(f"/staff/{hr.bob.pk}/edit/").status_code == 200


def test_each_schools_head_sees_that_schools_record(world, hr, as_user):
    status, body = _page(as_user(world.head), f"/staff/{hr.hana_other.pk}/")
    assert status == 404
    client = as_user(hr.oscar)
    status, body = _page(client, f"/staff/{hr.hana_other.pk}/")
    assert status == 200 and "HLTA (trust outreach)" in body and "6 h a week" in body
    assert client.get(f"/staff/{hr.hana.pk}/").status_code == 404
    status, body = _page(client, "/staff/")
    assert "Hana Hlta" in body and "Alice Assistant" not in body
    # Hana sees both of her own records.
    status, body = _page(as_user(world.hana), "/staff/me/")
    assert "Test Primary" in body and "Other School" in body


@pytest.mark.parametrize("person", ["alice", "hana", "tess", "dsl", "pat", "theo", "nobody"])
def test_others_get_404_on_staff_pages(world, hr, as_user, person):
    client = as_user(getattr(world, person))
    for path in ("/staff/", "/staff/new/", f"/staff/{hr.tom.pk}/edit/"):
        assert client.get(path).status_code == 404, path


def test_query_counts_do_not_grow_with_staff(world, hr, as_user):
    paths = [("head", "/staff/"), ("head", "/staff/scr/"), ("head", "/staff/scr.csv"),
             ("head", "/staff/scr/print/"), ("senco", "/staff/team/"), ("hana", "/staff/team/"),
             ("hana", f"/staff/{hr.bob.pk}/"), ("head", f"/staff/{hr.bob.pk}/")]  # fmt: skip

    def counts():
        out = []
        for person, path in paths:
            client = as_user(getattr(world, person))
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(path).status_code == 200, path
            out.append(len(ctx.captured_queries))
        return out

    before = counts()
    for i in range(6):
        user = User.objects.create_user(f"extra{i}@test.example", full_name=f"Extra {i}")
        StaffRole.objects.create(user=user, school=world.school, role="ta")
        row = member(world.school, user, manager=world.hana)
        check(row, "identity", world.head)
        check(row, "dbs", world.head, certificate_number=f"{i:012d}", barred_list=True)
    assert counts() == before
