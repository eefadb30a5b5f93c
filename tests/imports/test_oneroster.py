"""OneRoster 1.1 and 1.2 CSV bundles, as a roster service exports them (made by the project
in the tests; synthetic names): a 1.1 full roll previewed then applied by the head, the
same file again changing nothing, a 1.2 delta updating the same people and ending what it
says ended, one bad row writing nothing, untidy files read, broken ones refused."""

import datetime as dt
import io
import zipfile

from sendesk.accounts.models import User
from sendesk.audit.models import SecurityEvent
from sendesk.imports.models import ExternalId, ImportBatch
from sendesk.imports.parsers import oneroster
from sendesk.pupils.models import Contact, Pupil
from sendesk.schools.models import StaffRole, TeachingGroup, Term
from tests.world import TODAY

from .conftest import api_apply, api_upload, upload, upn

USERS_11 = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
)


def bundle(files: dict, version="1.1", modes=None, bom=False, crlf=False) -> bytes:
    """A OneRoster zip: manifest.csv saying each file's mode (bulk unless `modes` says)."""
    end = "\r\n" if crlf else "\n"
    manifest = ["propertyName,value", "manifest.version,1.0", f"oneroster.version,{version}"]
    for name in ("academicSessions", "classes", "demographics", "enrollments", "orgs", "roles",
                 "users", "courses"):  # fmt: skip
        mode = (modes or {}).get(name, "bulk" if f"{name}.csv" in files else "absent")
        manifest.append(f"file.{name},{mode}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.csv", "\n".join(manifest) + "\n")
        for name, lines in files.items():
            text = end.join(lines) + end
            z.writestr(name, (b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return out.getvalue()


def roll_11() -> dict:
    return {
        "orgs.csv": [
            "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
            "org1,,,Test Primary,school,100001,",
        ],
        "users.csv": [
            USERS_11,
            f"s1,,,true,org1,student,amira,,Amira,Khan,,{upn(301)},,,,p1,03,",
            f's2,,,true,org1,student,jonah,"{{UPN:{upn(302)}}},{{LDAP:12}}",Jonah,Price,,,,,,g1,04,',
            "s3,,,true,org1,student,lily,{LDAP:13},Lily,Evans,,ADM-77,,,,,03,",
            "t1,,,true,org1,teacher,rlowe,,Rhea,Lowe,,,r.lowe@test.example,,,,,",
            "t2,,,true,org1,teacher,tom,,Tom,Teacher,,,tom@test.example,,,,,",
            "a1,,,true,org1,aide,kng,,Kit,Ng,,,k.ng@test.example,,,,,",
            "ad1,,,true,org1,administrator,olive,,Olive,Office,,,office@test.example,,,,,",
            "p1,,,true,org1,parent,paula,,Paula,Khan,,,paula@home.example,,07700 900001,s1,,",
            "g1,,,true,org1,guardian,gus,,Gus,Price,,,,,07700 900002,,,",
        ],
        "demographics.csv": [
            "sourcedId,status,dateLastModified,birthDate,sex",
            "s1,,,2018-03-14,female",
            "s2,,,2017-07-14,male",
            "s3,,,2018-01-02,female",
        ],  # fmt: skip
        "classes.csv": [
            "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
            "location,schoolSourcedId,termSourcedIds,subjects",
            "c1,,,3K,03,co1,3K,homeroom,,org1,tm1,",
            "c2,,,4P,04,co1,4P,homeroom,,org1,tm1,",
        ],
        "enrollments.csv": [
            "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
            "primary,beginDate,endDate",
            "e1,,,c1,org1,s1,student,,,",
            "e2,,,c1,org1,s3,student,,,",
            "e3,,,c1,org1,t1,teacher,true,,",
            "e4,,,c1,org1,a1,aide,,,",
            "e5,,,c2,org1,s2,student,,,",
            "e6,,,c2,org1,t2,teacher,true,,",
        ],  # fmt: skip
        "academicSessions.csv": [
            "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,"
            "schoolYear",
            "y1,,,2026-27,schoolYear,2026-09-03,2027-07-21,,2027",
            "tm1,,,Autumn 2026,term,2026-09-03,2026-12-18,y1,2027",
            "tm3,,,Summer 2027,term,2027-04-12,2027-07-21,y1,2027",
        ],
    }


def pupil(first):
    return Pupil.objects.get(legal_first_name=first, school__name="Test Primary")


def roles_of(user, world):
    return set(
        StaffRole.objects.filter(user=user, school=world.school).values_list("role", flat=True)
    )


def test_a_1_1_roll_is_previewed_then_applied_and_the_same_file_changes_nothing(world, api):
    file = bundle(roll_11())
    body = api_upload(api, world.head, file, kind="oneroster", name="roster.zip").json()
    assert body["errors"] == []
    # 3 pupils, 2 staff (Tom is known), 2 classes, 1 term (Autumn is known), 2 contacts.
    assert body["counts"] == {"created": 10, "updated": 0, "unchanged": 2, "errors": 0}
    assert any("Olive Office" in n and "no SENDesk account" in n for n in body["notes"])
    assert not Pupil.objects.filter(legal_first_name="Amira").exists()  # a preview writes nothing
    assert api_apply(api, world.head, body["id"]).status_code == 200

    amira, jonah, lily = pupil("Amira"), pupil("Jonah"), pupil("Lily")
    assert (amira.upn, amira.date_of_birth, amira.year_group.ordinal) == (
        upn(301), dt.date(2018, 3, 14), 3)  # fmt: skip
    assert jonah.upn == upn(302)  # from userIds {UPN:…}
    assert lily.upn == ""  # ADM-77 is no UPN: imported, "UPN needed"
    rhea, kit = (
        User.objects.get(email="r.lowe@test.example"),
        User.objects.get(email="k.ng@test.example"),
    )
    assert roles_of(rhea, world) == {"teacher"} and roles_of(kit, world) == {"ta"}
    assert roles_of(world.tom, world) == {"teacher"}
    assert not User.objects.filter(email="office@test.example").exists()  # the school confirms
    three_k = TeachingGroup.objects.get(school=world.school, name="3K")
    assert set(three_k.pupils.all()) == {amira, lily}
    assert set(three_k.teachers.all()) == {rhea, kit}
    assert list(TeachingGroup.objects.get(name="4P").teachers.all()) == [world.tom]
    paula = Contact.objects.get(pupil=amira)
    assert (paula.name, paula.relationship, paula.parental_responsibility) == (
        "Paula Khan", "Parent", True)  # fmt: skip
    assert Contact.objects.get(pupil=jonah).name == "Gus Price"  # linked from Jonah's side
    assert Term.objects.filter(school=world.school, name="Summer 2027").exists()
    assert ExternalId.objects.filter(school=world.school, of="pupil").count() == 3
    made = Pupil.objects.count(), User.objects.count(), Contact.objects.count()

    again = api_upload(api, world.head, file, kind="oneroster", name="roster.zip").json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 12, "errors": 0}
    assert api_apply(api, world.head, again["id"]).status_code == 200
    assert (Pupil.objects.count(), User.objects.count(), Contact.objects.count()) == made


def test_the_head_imports_a_bundle_on_the_pages(world, as_user):
    client = as_user(world.head)
    page = client.get("/imports/").content.decode()
    assert 'value="oneroster"' in page and "A OneRoster export" in page
    r = client.post("/imports/", {"kind": "oneroster", "file": upload(bundle(roll_11()), "r.zip")})
    assert r.status_code == 302
    preview = client.get(r["Location"]).content.decode()
    assert "Mira" not in preview and "Amira Khan" in preview and "Apply this import" in preview
    batch = ImportBatch.objects.get()
    assert client.post(f"/imports/{batch.pk}/apply/").status_code == 302
    assert pupil("Amira").upn == upn(301)


USERS_12 = (
    "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"
    "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,preferredGivenName"
)
ROLES_12 = (
    "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId"
)


def test_a_1_2_delta_updates_the_same_people_and_ends_what_it_says(world, api):
    first = roll_11()
    api_apply(
        api, world.head, api_upload(api, world.head, bundle(first), kind="oneroster").json()["id"]
    )
    amira, lily = pupil("Amira"), pupil("Lily")
    rhea, kit = (
        User.objects.get(email="r.lowe@test.example"),
        User.objects.get(email="k.ng@test.example"),
    )
    counts = Pupil.objects.count(), User.objects.count()
    delta = bundle(
        {
            "users.csv": [
                USERS_12,
                f"s1,active,2026-11-17,true,amira,,Amirah,Khan,,{upn(301)},,,,,03,,Mira",
                "t1,tobedeleted,2026-11-17,true,rlowe,,Rhea,Lowe,,,r.lowe@test.example,,,,,,",
                "a1,active,2026-11-17,true,kng,,Kit,Ng,,,k.ng@test.example,,,,,,",
            ],
            "roles.csv": [
                ROLES_12,
                "r1,active,2026-11-17,s1,primary,student,,,org1",
                "r2,tobedeleted,2026-11-17,t1,primary,teacher,,,org1",
                "r3,active,2026-11-17,a1,primary,teacher,,,org1",  # Kit becomes a teacher …
                "r4,tobedeleted,2026-11-17,a1,secondary,aide,,,org1",  # … and is no longer a TA
            ],
            "enrollments.csv": [
                "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
                "primary,beginDate,endDate",
                "e2,tobedeleted,2026-11-17,c1,org1,s3,student,,,",  # Lily leaves 3K
            ],
        },
        version="1.2",
        modes={"users": "delta", "roles": "delta", "enrollments": "delta"},
    )
    body = api_upload(api, world.head, delta, kind="oneroster", name="delta.zip").json()
    assert body["errors"] == []
    assert body["counts"]["created"] == 0 and body["counts"]["updated"] == 5
    three_k_item = next(c for c in ImportBatch.objects.get(pk=body["id"]).changes
                        if c["what"] == "group")  # fmt: skip
    assert (three_k_item["name"], three_k_item["changes"]) == ("3K", ["1 pupils leaving"])
    assert api_apply(api, world.head, body["id"]).status_code == 200

    amira.refresh_from_db()
    assert (amira.legal_first_name, amira.preferred_name) == ("Amirah", "Mira")
    assert (Pupil.objects.count(), User.objects.count()) == counts  # never a second Amira
    rhea.refresh_from_db()
    assert rhea.leaves_on == TODAY - dt.timedelta(days=1) and not rhea.may_sign_in()
    assert roles_of(rhea, world) == {"teacher"}  # kept, with a last day: nothing deleted
    assert roles_of(kit, world) == {"teacher"}
    ended = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ACCOUNT_ENDED, user=rhea)
    assert ended.actor == world.head  # in the security trail, as the head's own act
    three_k = TeachingGroup.objects.get(school=world.school, name="3K")
    assert set(three_k.pupils.all()) == {amira}  # Lily left it; the rest stay in a delta
    assert lily in Pupil.objects.all()

    again = api_upload(api, world.head, delta, kind="oneroster", name="delta.zip").json()
    assert again["counts"]["created"] == again["counts"]["updated"] == 0


def test_a_class_that_ended_is_kept_with_nobody_in_it(world, api):
    api_apply(
        api,
        world.head,
        api_upload(api, world.head, bundle(roll_11()), kind="oneroster").json()["id"],
    )
    gone = bundle({"classes.csv": ["sourcedId,status,dateLastModified,title",
                                   "c2,tobedeleted,2026-11-17,4P"]},
                  modes={"classes": "delta"})  # fmt: skip
    body = api_upload(api, world.head, gone, kind="oneroster").json()
    assert body["counts"]["updated"] == 1
    api_apply(api, world.head, body["id"])
    four_p = TeachingGroup.objects.get(school=world.school, name="4P")
    assert not four_p.pupils.exists() and not four_p.teachers.exists()


def test_one_bad_row_writes_nothing_and_the_preview_names_it(world, api):
    files = roll_11()
    files["demographics.csv"][2] = "s2,,,31/02/2017,male"
    files["users.csv"].append("s9,,,true,org1,student,zed,{UPN:X1234},Zed,Ray,,,,,,,03,")
    body = api_upload(api, world.head, bundle(files), kind="oneroster").json()
    assert [(e["file"], e["row"], e["field"]) for e in body["errors"]] == [
        ("demographics.csv", 3, "birthDate"), ("users.csv", 11, "upn")]  # fmt: skip
    assert "not a date" in body["errors"][0]["message"]
    assert "not a valid UPN" in body["errors"][1]["message"]
    assert api_apply(api, world.head, body["id"]).status_code == 409
    assert not Pupil.objects.filter(legal_first_name__in=["Amira", "Jonah"]).exists()
    assert not User.objects.filter(email="r.lowe@test.example").exists()
    assert not TeachingGroup.objects.filter(name="3K").exists()


def test_a_new_pupil_without_a_date_of_birth_is_an_error_a_known_one_is_not(world, api):
    files = roll_11()
    del files["demographics.csv"]
    body = api_upload(api, world.head, bundle(files), kind="oneroster").json()
    assert {(e["file"], e["row"], e["field"]) for e in body["errors"]} == {
        ("users.csv", 2, "date_of_birth"), ("users.csv", 3, "date_of_birth"),
        ("users.csv", 4, "date_of_birth")}  # fmt: skip
    ben = world.ben
    files["users.csv"] = [USERS_11, f"s7,,,true,org1,student,ben,,Benjamin,{ben.legal_last_name},,"
                                    f"{ben.upn},,,,,,"]  # fmt: skip
    for name in ("classes.csv", "enrollments.csv"):
        del files[name]
    body = api_upload(api, world.head, bundle(files), kind="oneroster").json()
    assert body["errors"] == [] and body["counts"]["updated"] == 1
    api_apply(api, world.head, body["id"])
    ben.refresh_from_db()
    assert ben.legal_first_name == "Benjamin"


def test_untidy_files_are_read(world, api):
    files = {
        "users.csv": [
            "sourcedId,status,dataLastModified,role,givenName,familyName,identifer,email,grades,"
            "metadata.DOB,shoeSize,,",
            f'x1,,,student,"Rosa, Maria",Lopez,{upn(311)},,Year 3,2018-05-05,4,,',
            "x2,,,teacher,Ian,Irwin,,i.irwin@test.example,,,,,",
        ],
        "classes.csv": ["sourcedId,title", 'k1,"Maths, Set 1"'],
        "enrollments.csv": ["classSourcedId,userSourcedId,role", "k1,x1,student", "k1,x2,teacher"],
    }
    body = api_upload(api, world.head, bundle(files, bom=True, crlf=True), kind="oneroster").json()
    assert body["errors"] == [] and body["counts"]["created"] == 3
    assert any("shoeSize" in n for n in body["notes"])
    assert any("'identifer' as identifier" in n for n in body["notes"])
    assert not any("dataLastModified" in n for n in body["notes"])
    api_apply(api, world.head, body["id"])
    rosa = Pupil.objects.get(upn=upn(311))
    assert (rosa.legal_first_name, rosa.year_group.ordinal) == ("Rosa, Maria", 3)
    assert list(TeachingGroup.objects.get(name="Maths, Set 1").pupils.all()) == [rosa]


def test_a_missing_required_column_is_an_error_for_that_file(world, api):
    files = roll_11()
    gone = USERS_11.split(",").index("familyName")
    files["users.csv"] = [",".join(c for i, c in enumerate(line.split(",")) if i != gone)
                          for line in files["users.csv"]]  # fmt: skip
    body = api_upload(api, world.head, bundle(files), kind="oneroster").json()
    # One error, for the file: not one for each enrollment naming someone in it.
    assert [(e["file"], e["row"], e["field"]) for e in body["errors"]] == [
        ("users.csv", 1, "familyName")]  # fmt: skip
    assert "no familyName column" in body["errors"][0]["message"]
    assert api_apply(api, world.head, body["id"]).status_code == 409


def test_what_is_not_a_roster_bundle_is_refused_in_words(world, api, monkeypatch):
    not_zip = api_upload(api, world.head, b"sourcedId,role\n", kind="oneroster", name="u.csv")
    assert not_zip.status_code == 422 and "not a zip file" in not_zip.content.decode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("users.csv", USERS_11)
    no_manifest = api_upload(api, world.head, out.getvalue(), kind="oneroster")
    assert no_manifest.status_code == 422 and "no manifest.csv" in no_manifest.content.decode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("manifest.csv", "propertyName,value\n")
        z.writestr("../users.csv", USERS_11)
    unsafe = api_upload(api, world.head, out.getvalue(), kind="oneroster")
    assert unsafe.status_code == 422 and "unsafe path" in unsafe.content.decode()
    monkeypatch.setattr(oneroster, "MAX_MEMBER_BYTES", 10_000)  # a bomb, small for the test
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.csv", "propertyName,value\n")
        z.writestr("users.csv", USERS_11 + "\n" + "0" * 50_000)
    bomb = api_upload(api, world.head, out.getvalue(), kind="oneroster")
    assert bomb.status_code == 422 and "far more than" in bomb.content.decode()
    assert not ImportBatch.objects.exists()


TOM_GONE = "t2,tobedeleted,2026-11-17,true,org1,teacher,tom,,Tom,Teacher,,,tom@test.example,,,,,"
HELEN_GONE = "h1,tobedeleted,2026-11-17,true,org1,teacher,hh,,Helen,Head,,,head@test.example,,,,,"


def test_leaving_keeps_another_schools_account_and_the_schools_only_head(world, api):
    StaffRole.objects.create(user=world.tom, school=world.other, role="teacher")
    both = bundle({"users.csv": [USERS_11, TOM_GONE, HELEN_GONE]}, modes={"users": "delta"})
    body = api_upload(api, world.head, both, kind="oneroster").json()
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, "status")]
    assert "only head" in body["errors"][0]["message"]
    assert api_apply(api, world.head, body["id"]).status_code == 409
    assert roles_of(world.tom, world) == {"teacher"}  # nothing written

    tom = bundle({"users.csv": [USERS_11, TOM_GONE]}, modes={"users": "delta"})
    body = api_upload(api, world.head, tom, kind="oneroster").json()
    assert body["errors"] == [] and body["counts"]["updated"] == 1
    api_apply(api, world.head, body["id"])
    world.tom.refresh_from_db()
    assert roles_of(world.tom, world) == set() and world.tom.leaves_on is None
    assert world.tom.staff_roles.filter(school=world.other).exists()  # their other school's
