"""The staff and classes templates: new staff invited with the role the file gives (and no
other), known staff matched by e-mail, classes made with their teachers and pupils, and a
later full file saying who is in the class now."""

from sendesk.accounts.models import User
from sendesk.schools.models import StaffRole, TeachingGroup

from .conftest import PUPIL_HEADER, api_apply, api_upload, csv_bytes, upn

STAFF = csv_bytes(
    "email,full_name,role,payroll number",
    "r.lowe@test.example,Rhea Lowe,teacher,P-1",
    "R.Lowe@test.example,Rhea Lowe,dsl,P-1",  # a second role, on its own row
    "tom@test.example,Tom Teacher,Class teacher,P-2",  # known, already a teacher here
    "k.ng@test.example,Kit Ng,Teaching Assistant,P-3",
)


def test_staff_are_invited_with_the_roles_the_file_gives_and_matched_again(world, api, mailoutbox):
    body = api_upload(api, world.head, STAFF, kind="csv-staff", name="staff.csv").json()
    assert body["errors"] == []
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 1, "errors": 0}
    assert not User.objects.filter(email="r.lowe@test.example").exists()
    assert api_apply(api, world.head, body["id"]).status_code == 200
    rhea = User.objects.get(email="r.lowe@test.example")
    roles = set(
        StaffRole.objects.filter(user=rhea, school=world.school).values_list("role", flat=True)
    )
    assert roles == {"teacher", "dsl"}
    assert not rhea.has_usable_password()  # invited: they choose their own
    kit = User.objects.get(email="k.ng@test.example")
    assert list(kit.staff_roles.values_list("role", flat=True)) == ["ta"]

    again = api_upload(api, world.head, STAFF, kind="csv-staff", name="staff.csv").json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 3, "errors": 0}


def test_a_known_person_gets_a_new_role_only_as_the_file_says(world, api):
    file = csv_bytes("email,full_name,role", "tom@test.example,Tom Teacher,senco")
    body = api_upload(api, world.head, file, kind="csv-staff").json()
    assert body["counts"]["updated"] == 1
    api_apply(api, world.head, body["id"])
    held = set(world.tom.staff_roles.filter(school=world.school).values_list("role", flat=True))
    assert held == {"teacher", "senco"}


def test_an_unknown_role_or_bad_address_is_an_error_on_its_row(world, api):
    file = csv_bytes("email,full_name,role", "not-an-address,Ann Ash,teacher",
                     "b@test.example,Bo Birch,caretaker")  # fmt: skip
    body = api_upload(api, world.head, file, kind="csv-staff", name="staff.csv").json()
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(2, "email"), (3, "role")]
    assert api_apply(api, world.head, body["id"]).status_code == 409
    assert not User.objects.filter(email="b@test.example").exists()


def test_classes_are_made_with_their_teachers_and_pupils(world, api):
    api_apply(api, world.head, api_upload(api, world.head, csv_bytes(
        PUPIL_HEADER, f"{upn(201)},Zed,Ray,,2018-02-02,3,,,,,")).json()["id"])  # fmt: skip
    classes = csv_bytes(
        "class,teachers,pupils",
        f'3R,tess@test.example,"{upn(201)}; {world.ben.upn}"',
        f"3R,,{world.dan.upn}",  # the same class on a second row: one class
    )
    body = api_upload(api, world.head, classes, kind="csv-classes", name="classes.csv").json()
    assert body["errors"] == [] and body["counts"]["created"] == 1
    api_apply(api, world.head, body["id"])
    group = TeachingGroup.objects.get(school=world.school, name="3R")
    assert set(group.pupils.values_list("legal_first_name", flat=True)) == {"Zed", "Ben", "Dan"}
    assert list(group.teachers.all()) == [world.tess]

    # A later full file says who is in 3R now: Dan has moved out.
    later = csv_bytes("class,teachers,pupils", f"3R,tess@test.example,{upn(201)};{world.ben.upn}")
    body = api_upload(api, world.head, later, kind="csv-classes").json()
    assert body["counts"]["updated"] == 1
    api_apply(api, world.head, body["id"])
    assert set(group.pupils.values_list("legal_first_name", flat=True)) == {"Zed", "Ben"}
    again = api_upload(api, world.head, later, kind="csv-classes").json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 1, "errors": 0}


def test_a_class_naming_someone_unknown_is_an_error(world, api):
    classes = csv_bytes("class,teachers,pupils", "3Z,ghost@test.example,", f"3Y,,{upn(999)}")
    body = api_upload(api, world.head, classes, kind="csv-classes", name="classes.csv").json()
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(2, "teachers"), (3, "pupils")]
    assert api_apply(api, world.head, body["id"]).status_code == 409
    assert not TeachingGroup.objects.filter(name__in=["3Z", "3Y"]).exists()
