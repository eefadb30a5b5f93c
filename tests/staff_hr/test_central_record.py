"""The single central record: the head sees the whole of it with every gap marked, as a
page, a CSV and a print view, and records checks (audited); nobody else sees any of it."""

import csv
import datetime as dt
import io

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.staff.models import CentralCheck

from .conftest import DBS

SCR_PATHS = ("/staff/scr/", "/staff/scr.csv", "/staff/scr/print/")


def test_the_head_sees_the_whole_record_with_each_gap(world, hr, as_user):
    r = as_user(world.head).get("/staff/scr/")
    body = r.content.decode()
    assert r.status_code == 200
    assert "001234567890" in body  # Alice's DBS certificate
    # Bob (TA) lacks right to work; Tess (teacher) the prohibition check; Hana's DBS has
    # no barred-list check; Tom and the SENCO have nothing at all.
    assert "Right to work in the UK: not recorded" in body
    assert "Prohibition from teaching: not recorded" in body
    assert "Enhanced DBS: barred list not checked" in body
    assert body.count('class="gap"') >= 1 + 1 + 5 + 5  # Bob, Tess, Tom, SENCO missing cells
    # Alice's row has no gap; a TA is not asked for a prohibition check or section 128.
    rows = {row.user.full_name: row for row in r.context["rows"]}
    assert rows["Alice Assistant"].gaps == []
    assert rows["Bob Assistant"].gaps == ["Right to work in the UK: not recorded"]
    tess = {c["kind"]: c for c in rows["Tess Teacher"].cells}
    assert tess["prohibition"]["gap"] and not tess["section_128"]["required"]
    assert "Hana Hlta" in rows and "HLTA (trust outreach)" not in body  # this school only


def test_overseas_and_section_128_are_required_where_they_apply(world, hr, as_user):
    hr.tom.lived_overseas = True
    hr.tom.save()
    hr.senco.post = "leader"
    hr.senco.save()
    rows = {r.user.full_name: r for r in as_user(world.head).get("/staff/scr/").context["rows"]}
    assert "Overseas checks: not recorded" in rows["Tom Teacher"].gaps
    assert "Section 128 (management): not recorded" in rows["Sam Senco"].gaps
    assert not any("Overseas" in g for g in rows["Tess Teacher"].gaps)


def test_the_csv_holds_every_check_and_marks_the_gaps(world, hr, as_user):
    r = as_user(world.head).get("/staff/scr.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    bob = [row for row in rows if row["Name"] == "Bob Assistant"]
    assert {row["Check"] for row in bob} == {
        "Identity", "Enhanced DBS with barred list", "Right to work in the UK",
    }  # fmt: skip
    missing = [row for row in bob if row["Checked on"] == "MISSING"]
    assert [row["Check"] for row in missing] == ["Right to work in the UK"]
    dbs = next(row for row in bob if row["Check"] == "Enhanced DBS with barred list")
    assert (dbs["DBS certificate"], dbs["Barred list"], dbs["Checked by"]) == (
        "009876543210", "yes", "Helen Head",
    )  # fmt: skip
    assert all(row["Gaps"] == "Right to work in the UK: not recorded" for row in bob)


def test_a_spreadsheet_formula_is_not_run_from_the_csv(world, hr, as_user):
    CentralCheck.objects.filter(member=hr.alice, kind="identity").update(evidence="=HYPERLINK(1)")
    body = as_user(world.head).get("/staff/scr.csv").content.decode()
    assert "'=HYPERLINK(1)" in body


def test_the_print_view_is_the_whole_record(world, hr, as_user):
    r = as_user(world.head).get("/staff/scr/print/")
    body = r.content.decode()
    assert r.status_code == 200 and "staff.css" in body
    assert "Right to work in the UK: not recorded" in body and "Test Primary" in body


@pytest.mark.parametrize(
    "person", ["senco", "alice", "bob", "hana", "tess", "dsl", "pat", "theo", "olga", "nobody"]
)
def test_nobody_else_sees_the_record(world, hr, as_user, api, person):
    who = getattr(world, person)
    client = as_user(who)
    for path in SCR_PATHS:
        assert client.get(path).status_code == 404, path
    for kind in ("identity", "dbs"):
        assert client.get(f"/staff/{hr.bob.pk}/checks/{kind}/").status_code == 404
        assert client.post(f"/staff/{hr.bob.pk}/checks/{kind}/", {}).status_code == 404
    assert api.get(who, "/staff/scr").status_code == 404


def test_another_schools_head_sees_only_their_school(world, hr, as_user):
    r = as_user(hr.oscar).get("/staff/scr/")
    names = [row.user.full_name for row in r.context["rows"]]
    assert names == ["Hana Hlta"]
    assert as_user(hr.oscar).get(f"/staff/scr/?school={world.school.pk}").status_code == 404


def test_the_head_records_a_missing_check(world, hr, as_user):
    client = as_user(world.head)
    before = AuditEvent.objects.count()
    r = client.post(
        f"/staff/{hr.bob.pk}/checks/right_to_work/",
        {"checked_on": "2026-11-02", "evidence": "Passport seen, HR file 7"},
    )
    assert r.status_code == 302
    row = CentralCheck.objects.get(member=hr.bob, kind="right_to_work")
    assert (row.checked_on, row.checked_by, row.evidence) == (
        dt.date(2026, 11, 2), world.head, "Passport seen, HR file 7",
    )  # fmt: skip
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.before) == ("create", "staff.centralcheck", None)
    rows = {r.user.full_name: r for r in client.get("/staff/scr/").context["rows"]}
    assert rows["Bob Assistant"].gaps == []


def test_a_recheck_keeps_the_old_values_in_the_trail(world, hr, as_user):
    r = as_user(world.head).post(
        f"/staff/{hr.hana.pk}/checks/dbs/",
        {"checked_on": "2026-11-10", "evidence": "New certificate seen",
         "certificate_number": "001111111111", "barred_list": "on"},
    )  # fmt: skip
    assert r.status_code == 302
    row = CentralCheck.objects.get(member=hr.hana, kind="dbs")
    assert (row.certificate_number, row.barred_list, row.update_service) == (
        "001111111111", True, False,
    )  # fmt: skip
    event = AuditEvent.objects.order_by("-pk").first()
    assert event.action == "update"
    assert event.before["certificate_number"] == "007777777777"
    assert event.after["certificate_number"] == "001111111111"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"checked_on": "2027-01-01", "evidence": "x"}, "checked_on", "before it is made"),
        ({"checked_on": "2026-11-01", "evidence": ""}, "evidence", "Say where the evidence is"),
        ({"checked_on": "2026-11-01", "evidence": "x", "certificate_number": "12AB"},
         "certificate_number", "12 digits"),
        ({"checked_on": "", "evidence": "x"}, "checked_on", "Give the date"),
    ],
)  # fmt: skip
def test_a_bad_check_is_refused_and_nothing_written(world, hr, as_user, data, field, message):
    before = (AuditEvent.objects.count(), list(CentralCheck.objects.values()))
    r = as_user(world.head).post(f"/staff/{hr.bob.pk}/checks/dbs/", data)
    assert r.status_code == 422
    assert message in r.content.decode() and "error-summary" in r.content.decode()
    assert r.context["form"].errors[field]
    assert (AuditEvent.objects.count(), list(CentralCheck.objects.values())) == before


def test_dbs_fields_are_only_for_the_dbs_check(world, hr, as_user):
    r = as_user(world.head).post(
        f"/staff/{hr.bob.pk}/checks/identity/",
        {"checked_on": "2026-11-02", "evidence": "Passport", **DBS},
    )
    assert r.status_code == 302
    row = CentralCheck.objects.get(member=hr.bob, kind="identity")
    assert (row.certificate_number, row.barred_list) == ("", False)
