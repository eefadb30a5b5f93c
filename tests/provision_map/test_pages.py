"""The provision map pages as the world's people: the numbers (worked out by hand in
conftest.py), who may see them, the budget form, the CSV files, the pupil page's line and
the query count as the school grows."""

import csv
import datetime as dt
import html
import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.provision.models import Session, SessionPupil
from sendesk.schools.models import School

from .conftest import add_pupil, group_provision


def text(response) -> str:
    return html.unescape(response.content.decode())


def squeeze(body: str) -> str:
    """The page's words with the markup taken out and the spaces made single."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_map_shows_each_line_with_its_hand_worked_costs(world, as_user, phonics):
    r = as_user(world.senco).get("/provision-map/")
    assert r.status_code == 200
    words = squeeze(text(r))
    # Four per-pupil rows make one line: a group of 4, 1 hour a week at £18.
    assert "Phonics catch-up" in words and "4 pupils" in words
    line = words.split("Phonics catch-up", 1)[1].split("Talk Boost", 1)[0]
    assert "£18.00" in line and "£4.50 a week" in line and "£252.00" in line
    assert "EHC plan and SEN support" in line  # Ben's place is in his EHC plan
    for name in ("Ben Brown", "Cara Clark", "Dan Dale", "Eve Evans"):
        assert name in line
    assert line.count("£63.00") == 4
    assert "£1,179.00" in words  # Talk Boost: 131 school days × 30 min × £18
    assert "26.2 school weeks" in words and "131 school days" in words
    # No cost per hour: listed and flagged, not silently £0.
    precision = words.split("Precision teaching", 1)[1].split("Talk Boost", 1)[0]
    assert "No cost set" in precision and "£0.00" not in precision
    assert "1 provision line has no cost per hour" in words
    assert "Provision this year costs £1,431.00." in words


def test_totals_split_by_source_and_kind(world, as_user, phonics):
    words = squeeze(text(as_user(world.senco).get("/provision-map/")))
    by_source = words.split("By source", 1)[1].split("By kind", 1)[0]
    # Ben's places: £1,179 + £63 (his Precision teaching has no cost); the others' £189.
    assert "EHC plan section F 3 (1 no cost set) £1,242.00" in by_source
    assert "SEN support plan 1 £189.00" in by_source
    by_kind = words.split("By kind", 1)[1].split("Set the notional", 1)[0]
    assert "1:1 support 2 (1 no cost set) £1,179.00" in by_kind
    assert "Small-group intervention 1 £252.00" in by_kind


def test_pupils_are_listed_by_the_cost_of_their_provision_highest_first(world, as_user, phonics):
    words = squeeze(text(as_user(world.senco).get("/provision-map/")))
    table = words.split("The cost of each pupil's provision this year", 1)[1]
    assert "Ben Brown Year 3 E — EHC plan 3 (1 no cost set) £1,242.00" in table
    order = [table.index(name) for name in ("Ben Brown", "Cara Clark", "Dan Dale", "Eve Evans")]
    assert order == sorted(order)


def test_the_kind_filter_narrows_the_lines_not_the_totals(world, as_user, phonics):
    words = squeeze(text(as_user(world.senco).get("/provision-map/?kind=group")))
    assert "Phonics catch-up" in words and "Talk Boost" not in words.split("Hours a week")[1]
    assert "Showing 1 of 3 lines" in words
    assert "costs £1,431.00" in words
    unknown = squeeze(text(as_user(world.senco).get("/provision-map/?kind=nonsense")))
    assert "Talk Boost" in unknown and "Showing" not in unknown


def test_staff_are_the_role_the_named_adult_and_who_delivered(world, as_user, phonics):
    ben = phonics.rows[0]
    ben.named_adult = world.bob
    ben.save()
    session = Session.objects.create(
        school=world.school, provision=ben, date=dt.date(2026, 11, 16), minutes=30,
        delivered=True, delivered_by=world.hana, recorded_by=world.hana,
        recorded_at=dt.datetime(2026, 11, 16, 12, tzinfo=dt.UTC),
    )  # fmt: skip
    SessionPupil.objects.create(session=session, pupil=world.ben, provision=ben,
                                attendance="present", date=session.date, minutes=30)  # fmt: skip
    words = squeeze(text(as_user(world.senco).get("/provision-map/")))
    line = words.split("Phonics catch-up", 1)[1].split("Precision teaching", 1)[0]
    assert "Teaching assistant: Bob Assistant, Hana Hlta" in line


def test_the_senco_and_head_see_it_others_get_not_found(world, as_user, phonics):
    before = AccessEvent.objects.count()
    assert as_user(world.senco).get("/provision-map/").status_code == 200
    assert AccessEvent.objects.count() == before + 4  # one row per pupil named on it
    assert as_user(world.head).get("/provision-map/").status_code == 200
    for person in (world.alice, world.hana, world.tess, world.dsl, world.theo, world.pat):
        client = as_user(person)
        for path in ("/provision-map/", "/provision-map.csv", "/provision-map/pupils.csv"):
            assert client.get(path).status_code == 404, (person, path)
        assert client.post("/provision-map/", {"notional_sen_budget": "1"}).status_code == 404
    # Another school's map, asked for by id: not found, as if it did not exist.
    assert as_user(world.senco).get(f"/provision-map/?school={world.other.pk}").status_code == 404
    assert as_user(world.olga).get(f"/provision-map/?school={world.school.pk}").status_code == 404
    assert School.objects.get(pk=world.school.pk).notional_sen_budget is None


def test_the_map_is_in_the_nav_for_those_who_may_see_it(world, as_user):
    assert 'href="/provision-map/"' in text(as_user(world.senco).get("/pupils/"))
    assert 'href="/provision-map/"' in text(as_user(world.head).get("/pupils/"))
    assert 'href="/provision-map/"' not in text(as_user(world.alice).get("/pupils/"))
    assert 'href="/provision-map/"' not in text(as_user(world.dsl).get("/pupils/"))


def test_budget_form_refuses_bad_input_and_keeps_what_was_typed(world, as_user, phonics):
    senco = as_user(world.senco)
    before = AuditEvent.objects.count()
    for typed, message in (
        ("about 150k", "Give the budget in pounds"),
        ("-5", "above £0"),
        ("150000.555", "Give the budget in pounds"),
        ("99999999", "more than £10 million"),
    ):
        r = senco.post("/provision-map/", {"notional_sen_budget": typed})
        assert r.status_code == 422, typed
        body = text(r)
        assert 'class="error-summary"' in body and message in body
        assert f'value="{typed}"' in body
        assert 'aria-invalid="true"' in body
    assert School.objects.get(pk=world.school.pk).notional_sen_budget is None
    assert AuditEvent.objects.count() == before


def test_budget_saved_audited_and_set_against_the_costs(world, as_user, phonics):
    senco = as_user(world.senco)
    r = senco.post("/provision-map/", {"notional_sen_budget": "£150,000"})
    assert r.status_code == 302 and r["Location"] == "/provision-map/"
    assert School.objects.get(pk=world.school.pk).notional_sen_budget == 150000
    event = AuditEvent.objects.filter(object_type="schools.school").get()
    assert (event.actor, event.action, event.school_id) == (world.senco, "update", world.school.pk)
    assert event.before == {"notional_sen_budget": None}
    assert event.after == {"notional_sen_budget": "150000.00"}
    words = squeeze(text(senco.get("/provision-map/")))
    assert "£1,431.00 spent or committed of the £150,000.00 budget (1%)" in words
    assert "£148,569.00 remains." in words
    assert 'value="150000.00"' in text(senco.get("/provision-map/"))
    # A budget smaller than the year's costs: the overspend, in words and a full red bar.
    smaller = as_user(world.head).post("/provision-map/", {"notional_sen_budget": "1000"})
    assert smaller.status_code == 302
    body = text(senco.get("/provision-map/"))
    assert "Over the budget by £431.00." in squeeze(body)
    assert 'class="bar budget-bar bad"' in body and 'class="w-100"' in body
    # Emptied again: cleared, and audited.
    senco.post("/provision-map/", {"notional_sen_budget": ""})
    assert School.objects.get(pk=world.school.pk).notional_sen_budget is None
    assert AuditEvent.objects.filter(object_type="schools.school").count() == 3


def _rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_csv_has_a_row_per_line_plain_numbers_and_a_dated_name(world, as_user, phonics):
    r = as_user(world.senco).get("/provision-map.csv")
    assert r.status_code == 200 and r["Content-Type"] == "text/csv; charset=utf-8"
    assert r["Content-Disposition"] == (
        'attachment; filename="provision-map-test-primary-2026-11-18.csv"'
    )
    header, *rows = _rows(r)
    assert header[0] == "Provision" and header[-2] == "Cost this year"
    phonics_row = next(row for row in rows if row[0] == "Phonics catch-up")
    got = dict(zip(header, phonics_row, strict=True))
    assert got["Hours a week"] == "1.00" and got["Cost per hour"] == "18.00"
    assert got["Pupils"] == "4" and got["Groups"] == "1"
    assert got["Cost a week"] == "18.00" and got["Cost per pupil a week"] == "4.50"
    assert got["Cost this year"] == "252.00"
    assert got["Pupil names"] == "Ben Brown; Cara Clark; Dan Dale; Eve Evans"
    precision = dict(zip(header, next(row for row in rows if row[0] == "Precision teaching"),
                         strict=True))  # fmt: skip
    assert (precision["Cost this year"], precision["Note"]) == ("", "No cost set")
    only_groups = _rows(as_user(world.senco).get("/provision-map.csv?kind=group"))
    assert [row[0] for row in only_groups[1:]] == ["Phonics catch-up"]


def test_per_pupil_csv(world, as_user, phonics):
    r = as_user(world.head).get("/provision-map/pupils.csv")
    assert 'filename="provision-map-pupils-test-primary-2026-11-18.csv"' in r["Content-Disposition"]
    header, first, *rest = _rows(r)
    assert header == ["Pupil", "Year group", "SEN status", "Provisions", "Cost this year",
                      "Provisions with no cost set"]  # fmt: skip
    assert first == ["Ben Brown", "Year 3", "E — EHC plan", "3", "1242.00", "1"]
    assert ["Eve Evans", "Year 4", "K — SEN support", "1", "63.00", "0"] in rest


def test_csv_cells_that_a_spreadsheet_would_run_are_made_text(world, as_user):
    for n, title in enumerate(['=HYPERLINK("http://x.example")', "+1+1", "-2+3", "@SUM(A1)"]):
        group_provision(world.cara, title=title, start=dt.date(2026, 9, 7 + n))
    rows = _rows(as_user(world.senco).get("/provision-map.csv"))
    titles = {row[0] for row in rows[1:]}
    assert {'\'=HYPERLINK("http://x.example")', "'+1+1", "'-2+3", "'@SUM(A1)"} <= titles
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_pupil_page_gives_the_cost_of_their_provision_to_the_senco(world, as_user, phonics):
    url = f"/pupils/{world.ben.pk}/"
    words = squeeze(text(as_user(world.senco).get(url)))
    line = "The cost of Ben Brown's provision this year: £1,242.00 (1 provision with no cost set)"
    assert line in words
    assert "provision this year" not in squeeze(text(as_user(world.alice).get(url)))
    assert "provision this year" not in squeeze(text(as_user(world.tess).get(url)))


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_school(world, as_user, phonics):
    senco = as_user(world.senco)
    for path in ("/provision-map/", "/provision-map.csv", f"/pupils/{world.ben.pk}/"):
        senco.get(path)  # the first request reads the sign-in and calendar caches
    small = [_queries(senco, p) for p in ("/provision-map/", "/provision-map.csv")]
    # Thirty more pupils, each in a costed group and on 1:1 hours, with sessions delivered
    # by three different adults.
    adults = [world.alice, world.bob, world.hana]
    for n in range(30):
        pupil = add_pupil(world, 100 + n, f"Pupil{n}", f"Extra{n}")
        row = group_provision(pupil, title=f"Maths group {n % 5}", named_adult=adults[n % 3])
        group_provision(pupil, title="In-class support", kind="one_to_one", group_size=1,
                        sessions_per_week=None, session_minutes=None, weekly_minutes=300,
                        days="12345", cost_per_hour=None if n % 4 else 17)  # fmt: skip
        Session.objects.create(
            school=world.school, provision=row, date=dt.date(2026, 11, 12), minutes=30,
            delivered=True, delivered_by=adults[n % 3], recorded_by=adults[n % 3],
            recorded_at=dt.datetime(2026, 11, 12, 12, tzinfo=dt.UTC),
        )  # fmt: skip
    big = [_queries(senco, p) for p in ("/provision-map/", "/provision-map.csv")]
    assert big == small
    assert "Maths group 4" in text(senco.get("/provision-map/"))
