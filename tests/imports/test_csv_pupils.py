"""The pupils CSV template imported as the head does it: a preview first, then all or
nothing, idempotent, matched again by UPN, forgiving of real-world files, never replacing
SEN SENDesk holds (the SENCO decides), and a pupil without a UPN flagged "UPN needed"."""

import datetime as dt

from sendesk.audit.models import AuditEvent
from sendesk.imports.models import ImportBatch, SenDifference
from sendesk.pupils.models import Pupil, SenStatusPeriod, TimelineEntry

from .conftest import PUPIL_HEADER, ROLL, api_apply, api_upload, csv_bytes, upn


def _pupils(world):
    return Pupil.objects.filter(school=world.school)


def test_preview_writes_nothing_then_apply_creates_the_roll(world, api):
    before = _pupils(world).count()
    r = api_upload(api, world.head, ROLL)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "previewed" and body["errors"] == []
    assert body["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "errors": 0}
    assert _pupils(world).count() == before  # a preview only

    done = api_apply(api, world.head, body["id"])
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "applied"
    assert done.json()["counts"]["created"] == 3
    amira = Pupil.objects.get(school=world.school, upn=upn(101))
    assert (amira.legal_first_name, amira.preferred_name, amira.sen_status) == (
        "Amira",
        "Mira",
        "K",
    )
    assert amira.year_group == world.y3
    assert list(amira.needs.values_list("code", "rank")) == [("SLCN", 1)]
    assert SenStatusPeriod.objects.get(pupil=amira).start == dt.date(2025, 9, 4)
    jonah = Pupil.objects.get(school=world.school, upn=upn(102))
    assert jonah.date_of_birth == dt.date(2017, 7, 14)  # 14/07/2017, as a UK spreadsheet writes
    assert list(jonah.needs.values_list("code", flat=True)) == ["ASD", "SLCN"]
    assert TimelineEntry.objects.filter(pupil=amira, title__contains="pupils.csv").exists()
    assert AuditEvent.objects.filter(object_type="pupils.pupil", object_id=str(amira.pk),
                                     action="create").exists()  # fmt: skip
    assert bytes(ImportBatch.objects.get(pk=body["id"]).content) == ROLL  # the file is kept


def test_the_same_file_again_changes_nothing_and_a_later_file_updates(world, api):
    api_apply(api, world.head, api_upload(api, world.head, ROLL).json()["id"])
    count = _pupils(world).count()

    again = api_upload(api, world.head, ROLL).json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 3, "errors": 0}
    assert api_apply(api, world.head, again["id"]).status_code == 200
    assert _pupils(world).count() == count

    later = csv_bytes(PUPIL_HEADER, f"{upn(101)},Amira,Khan-Ali,,2018-03-14,4,,,,,")
    body = api_upload(api, world.head, later).json()
    assert body["counts"] == {"created": 0, "updated": 1, "unchanged": 0, "errors": 0}
    api_apply(api, world.head, body["id"])
    amira = Pupil.objects.get(school=world.school, upn=upn(101))
    assert amira.legal_last_name == "Khan-Ali" and amira.year_group == world.y4
    # Empty in the file is "not said": the preferred name SENDesk holds stays.
    assert amira.preferred_name == "Mira"
    assert _pupils(world).count() == count


def test_one_bad_row_writes_nothing_and_the_preview_names_it(world, api):
    bad = csv_bytes(
        PUPIL_HEADER,
        f"{upn(101)},Amira,Khan,,2018-03-14,3,,K,,SLCN,",
        "A12345678901X,Jonah,Price,,2017-07-14,4,,,,,",  # not a valid UPN
        f"{upn(103)},Lily,Evans,,2018-13-40,3,,,,,",  # not a date
    )
    before = _pupils(world).count()
    r = api_upload(api, world.head, bad)
    assert r.status_code == 201
    body = r.json()
    assert body["counts"]["errors"] == 2 and body["counts"]["created"] == 1
    rows = {(e["row"], e["field"]) for e in body["errors"]}
    assert rows == {(3, "upn"), (4, "date_of_birth")}
    assert all(e["file"] == "pupils.csv" for e in body["errors"])
    assert "not a valid UPN" in body["errors"][0]["message"]

    refused = api_apply(api, world.head, body["id"])
    assert refused.status_code == 409
    assert refused.json()["status"] == "refused" and len(refused.json()["errors"]) == 2
    assert _pupils(world).count() == before  # not even the good row
    assert ImportBatch.objects.get(pk=body["id"]).status == "refused"


def test_a_real_world_file_bom_crlf_quoted_commas_extra_and_missing_columns(world, api):
    messy = csv_bytes(
        "Surname,Forename,DOB,Year Group,Favourite colour,UPN",
        f'"O\'Neil, Jr",Sean,2018-05-06,Year 3,"red, mostly",{upn(104)}',
        "",
        f"Evans,Lily,02/01/2018,R,blue,{upn(105)}",
        bom=True,
        crlf=True,
    )
    body = api_upload(api, world.head, messy, name="from excel.csv").json()
    assert body["errors"] == [] and body["counts"]["created"] == 2
    assert any("Favourite colour" in note for note in body["notes"])
    api_apply(api, world.head, body["id"])
    sean = Pupil.objects.get(upn=upn(104))
    assert (sean.legal_last_name, sean.legal_first_name) == ("O'Neil, Jr", "Sean")
    lily = Pupil.objects.get(upn=upn(105))
    assert lily.year_group.ordinal == 0 and lily.year_group.name == "Reception"  # made for it
    assert sean.sen_status == "N" and not sean.needs.exists()


def test_a_missing_required_column_is_one_error_for_the_file(world, api):
    body = api_upload(api, world.head, csv_bytes("upn,first_name", f"{upn(1)},Amy")).json()
    assert body["counts"]["errors"] == 1
    assert body["errors"][0]["row"] == 1 and "last_name" in body["errors"][0]["message"]


def test_a_pupil_without_a_upn_is_imported_and_flagged_upn_needed(world, api, as_user):
    file = csv_bytes(PUPIL_HEADER, ",Nia,Jones,,2018-09-09,3,,,,,", ",Owen,Hale,,2018-10-10,3,,,,,")
    body = api_upload(api, world.head, file).json()
    assert body["counts"]["created"] == 2 and body["errors"] == []
    api_apply(api, world.head, body["id"])
    nia = Pupil.objects.get(legal_first_name="Nia")
    assert nia.upn == ""
    # Matched again by name and date of birth while the UPN is missing: no duplicates.
    again = api_upload(api, world.head, file).json()
    assert again["counts"]["unchanged"] == 2

    client = as_user(world.senco)
    page = client.get(f"/pupils/{nia.pk}/")
    assert page.status_code == 200 and "UPN needed" in page.content.decode()
    listing = client.get("/pupils/", {"q": "Jones"})
    assert "UPN needed" in listing.content.decode()

    # The MIS has her UPN now: the same Nia gets it, nobody new.
    later = csv_bytes(PUPIL_HEADER, f"{upn(106)},Nia,Jones,,2018-09-09,3,,,,,")
    body = api_upload(api, world.head, later).json()
    assert body["counts"] == {"created": 0, "updated": 1, "unchanged": 0, "errors": 0}
    api_apply(api, world.head, body["id"])
    nia.refresh_from_db()
    assert nia.upn == upn(106) and Pupil.objects.filter(legal_first_name="Nia").count() == 1


def test_a_duplicate_upn_in_the_file_is_an_error_on_the_second_row(world, api):
    file = csv_bytes(PUPIL_HEADER, f"{upn(1)},A,B,,2018-01-01,3,,,,,",
                     f"{upn(1)},C,D,,2018-01-01,3,,,,,")  # fmt: skip
    body = api_upload(api, world.head, file).json()
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, "upn")]
    assert "row 2" in body["errors"][0]["message"]


def test_sen_that_differs_is_listed_for_the_senco_never_applied(world, api, as_user):
    # Ben is E with ASD, SLCN in SENDesk; the MIS says K with SPLD.
    file = csv_bytes(
        PUPIL_HEADER, f"{world.ben.upn},Ben,Brown,,{world.ben.date_of_birth},3,,K,,SPLD,"
    )
    body = api_upload(api, world.head, file).json()
    assert body["sen_to_decide"] == 1 and body["counts"]["unchanged"] == 1
    api_apply(api, world.head, body["id"])
    world.ben.refresh_from_db()
    assert world.ben.sen_status == "E"
    assert list(world.ben.needs.values_list("code", flat=True)) == ["ASD", "SLCN"]
    diff = SenDifference.objects.get(pupil=world.ben)
    assert (diff.decision, diff.file_status, diff.file_needs) == ("open", "K", ["SPLD"])
    assert diff.ours_needs == ["ASD", "SLCN"]

    # The same file again raises nothing new.
    again = api_upload(api, world.head, file).json()
    assert again["sen_to_decide"] == 0
    assert api_apply(api, world.head, again["id"]).status_code == 200
    assert SenDifference.objects.filter(pupil=world.ben).count() == 1

    senco = as_user(world.senco)
    page = senco.get("/imports/sen/")
    assert page.status_code == 200 and "Ben Brown" in page.content.decode()
    r = senco.post(f"/imports/sen/{diff.pk}/", {"decision": "accept"})
    assert r.status_code == 302
    world.ben.refresh_from_db()
    assert world.ben.sen_status == "K"
    assert list(world.ben.needs.values_list("code", flat=True)) == ["SPLD"]
    assert SenDifference.objects.get(pk=diff.pk).decision == "accepted"
    after = senco.get("/imports/sen/").content.decode()
    assert "the file&#x27;s SEN accepted" in after and "Nothing to decide." in after
    assert AuditEvent.objects.filter(object_type="imports.sendifference",
                                     object_id=str(diff.pk), action="update").exists()  # fmt: skip


def test_keeping_sendesks_sen_is_remembered(world, api, as_user):
    file = csv_bytes(
        PUPIL_HEADER, f"{world.cara.upn},Cara,Clark,,{world.cara.date_of_birth},4,,E,,,"
    )
    api_apply(api, world.head, api_upload(api, world.head, file).json()["id"])
    diff = SenDifference.objects.get(pupil=world.cara)
    senco = as_user(world.senco)
    senco.post(f"/imports/sen/{diff.pk}/", {"decision": "keep"})
    world.cara.refresh_from_db()
    assert world.cara.sen_status == "K"
    assert api_upload(api, world.head, file).json()["sen_to_decide"] == 0
    # Deciding twice is refused, and nothing changes.
    r = senco.post(f"/imports/sen/{diff.pk}/", {"decision": "accept"})
    assert r.status_code == 302
    world.cara.refresh_from_db()
    assert world.cara.sen_status == "K"


def test_only_the_senco_and_head_of_the_school_decide(world, api, as_user):
    file = csv_bytes(PUPIL_HEADER, f"{world.ben.upn},Ben,Brown,,{world.ben.date_of_birth},3,,K,,,")
    api_apply(api, world.head, api_upload(api, world.head, file).json()["id"])
    diff = SenDifference.objects.get(pupil=world.ben)
    for person in (world.tess, world.alice, world.olga):
        client = as_user(person)
        page = client.get("/imports/sen/")
        # Olga is a SENCO, of another school: her own (empty) list, never Ben.
        assert page.status_code == (200 if person == world.olga else 404)
        assert "Ben Brown" not in page.content.decode()
        assert client.post(f"/imports/sen/{diff.pk}/", {"decision": "accept"}).status_code == 404
    assert SenDifference.objects.get(pk=diff.pk).decision == "open"
