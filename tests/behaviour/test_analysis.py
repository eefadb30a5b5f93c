"""The pupil's behaviour page: patterns as charts (with their numbers), which strategies
work, the link lists, the print page and the CSV for the review meeting."""

import csv
import datetime as dt
import io
import re

import pytest

from sendesk.audit.models import AccessEvent
from sendesk.behaviour import services
from sendesk.behaviour.models import Observation, ObservationEntry

from .conftest import at, page_queries, text


def observation(world, *, day=-1, hour=13, events=5, lesson="Maths", antecedent=""):
    start = at(day, hour, 0)
    obs = Observation.objects.create(
        school=world.school,
        pupil=world.ben,
        method="abc" if antecedent else "frequency",
        behaviour="calls out",
        lesson=lesson,
        staff_present="Alice",
        observer=world.alice,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=30),
        event_count=events,
        rate_per_hour=events * 2.0,
        recorded_at=start + dt.timedelta(minutes=30),
    )
    if antecedent:
        ObservationEntry.objects.create(observation=obs, seq=1, at=start, antecedent=antecedent)
    return obs


@pytest.fixture
def after_lunch(world, incident):
    """Ben's pattern: worse after lunch. Four concerns at 13:xx, one at 09:xx, a positive."""
    for day in (-1, -2, -6, -8):
        incident(
            occurred_at=at(day, 13, 15),
            lesson=" maths",
            antecedent="Noisy transition after lunch ",
            staff_present=[world.alice.pk],
        )
    incident(occurred_at=at(-1, 9, 30), lesson="Phonics", antecedent="asked to write")
    incident(
        kind="positive", occurred_at=at(-3, 11, 0), behaviour="Read to the class", lesson="English"
    )
    observation(world, hour=13, events=7, antecedent="Noisy transition after lunch")


def test_the_page_shows_the_after_lunch_pattern(world, as_user, after_lunch):
    response = as_user(world.tess).get(f"/pupils/{world.ben.pk}/behaviour/")
    assert response.status_code == 200
    body = text(response)
    # Charts on the page, each an accessible image with its numbers alongside.
    assert body.count('role="img"') >= 6
    assert '<title id="chart-hour-t">By hour of day</title>' in body
    assert "Concerns: 5 in all; most at 13:00 (4)." in body
    assert "Observed behaviours: 7 in all; most at 13:00 (7)." in body
    hour_table = body[body.index('id="chart-hour"') :]
    hour_table = hour_table[: hour_table.index("</figure>")]
    assert re.search(
        r'<th scope="row">13:00</th><td class="num">4</td><td class="num">7</td>', hour_table
    )
    assert re.search(r'<th scope="row">09:00</th><td class="num">1</td>', hour_table)
    # Antecedents trimmed and lower-cased into one group; lessons likewise.
    assert "Noisy transition after lunch" in body
    row = '<th scope="row">Noisy transition after lunch</th><td class="num">4</td>'
    assert row + '<td class="num">1</td>' in body
    assert re.search(
        r'<th scope="row">Maths</th><td class="num">4</td><td class="num">7</td>', body
    )
    assert re.search(r'<th scope="row">Alice Assistant</th><td class="num">4</td>', body)
    # Totals, the plan, the strategies and the link lists.
    assert "Behaviour plan: Ben's behaviour plan" in body
    assert "Sudden changes; noisy transitions after lunch" in body
    assert "Offer the calm corner with ear defenders" in body
    assert "/incidents/" in body and "/observations/" in body
    assert AccessEvent.objects.filter(
        actor=world.tess, pupil=world.ben, what="behaviour analysis"
    ).exists()


def test_weekday_and_week_by_week(world, as_user, after_lunch):
    body = text(as_user(world.senco).get(f"/pupils/{world.ben.pk}/behaviour/"))
    # 17 Nov is a Tuesday, 16 Nov a Monday, 12 Nov a Thursday, 10 Nov a Tuesday.
    assert re.search(r'<th scope="row">Tue</th><td class="num">3</td>', body)
    assert re.search(r'<th scope="row">Mon</th><td class="num">1</td>', body)
    # Week beginning 16 Nov: 3 concerns (16 and 17 Nov). Week beginning 9 Nov: 2 concerns
    # and the positive (15 Nov is its Sunday).
    assert re.search(
        r'<th scope="row">16 Nov</th><td class="num">3</td><td class="num">0</td>', body
    )
    assert re.search(
        r'<th scope="row">9 Nov</th><td class="num">2</td><td class="num">1</td>', body
    )
    terms = body[body.index('id="h-terms"') :]
    assert terms.index("Nothing recorded.") < terms.index("</section>")


def test_restrictive_interventions_per_term(world, as_user, intervention):
    intervention(started_at=at(-1))
    intervention(started_at=at(-60))
    body = text(as_user(world.senco).get(f"/pupils/{world.ben.pk}/behaviour/"))
    assert re.search(r'<th scope="row">Autumn 2026</th><td class="num">2</td>', body)
    assert "Spring 2027" not in body  # not begun yet


def test_strategy_effectiveness_for_the_senco(world, as_user, incident):
    for eff in (3, 3, 2):
        incident(strategies=[services.Use(world.calm_corner.pk, eff)])
    incident(strategies=[services.Use(world.first_then.pk, 1)])
    body = text(as_user(world.senco).get(f"/pupils/{world.ben.pk}/behaviour/"))
    section = body[body.index('id="h-effect"') :]
    assert section.index("Offer the calm corner") < section.index("First/then board")
    assert "2.7 of 3" in section and "Works" in section
    assert "1.0 of 3" in section and "Not helping" in section


@pytest.mark.parametrize(
    ("person", "pupil", "status"),
    [("alice", "ben", 200), ("alice", "cara", 404), ("tess", "ben", 200), ("bob", "ben", 404),
     ("olga", "ben", 404), ("nobody", "ben", 404), ("dsl", "ben", 200)],
)  # fmt: skip
def test_who_sees_the_behaviour_pages(world, as_user, person, pupil, status):
    client = as_user(getattr(world, person))
    pk = getattr(world, pupil).pk
    for url in (
        f"/pupils/{pk}/behaviour/",
        f"/pupils/{pk}/behaviour/print/",
        f"/pupils/{pk}/behaviour/export.csv",
    ):
        assert client.get(url).status_code == status, url


def test_the_print_page(world, as_user, after_lunch):
    response = as_user(world.senco).get(f"/pupils/{world.ben.pk}/behaviour/print/?weeks=4")
    body = text(response)
    assert response.status_code == 200
    assert "summary for the review meeting" in body
    assert "print-mode" in body
    assert '<details class="chart-data" open>' in body
    assert "The last 4 weeks" in body
    assert AccessEvent.objects.filter(what="behaviour summary (print)").exists()


def test_a_period_that_is_not_offered_falls_back(world, as_user):
    body = text(as_user(world.senco).get(f"/pupils/{world.ben.pk}/behaviour/?weeks=9999"))
    assert "The last 12 weeks" in body


def test_the_csv_for_the_review_meeting(world, as_user, after_lunch, intervention):
    intervention(started_at=at(-2, 11, 0), staff=[(world.bob.pk, "lead")])
    services.incident_record(
        actor=world.alice,
        pupil_id=world.ben.pk,
        occurred_at=at(-1, 14, 0),
        behaviour='=HYPERLINK("http://example.invalid")',
        strategies=[services.Use(world.calm_corner.pk, 3)],
    )
    response = as_user(world.senco).get(f"/pupils/{world.ben.pk}/behaviour/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["Behaviour summary for the review meeting", "Ben Brown"]
    sections = [r[0] for r in rows if len(r) == 1]
    assert sections[:3] == ["Incidents", "Observations", "Restrictive interventions"]
    incidents = [r for r in rows if len(r) == 15 and r[0].startswith("2026-")]
    assert len(incidents) == 7
    assert ["2026-11-17", "13:15", "Behaviour concern"] == incidents[3][:3] or any(
        r[:3] == ["2026-11-17", "13:15", "Behaviour concern"] for r in incidents
    )
    # A formula typed into a record is not run by a spreadsheet.
    assert any(r[7] == '\'=HYPERLINK("http://example.invalid")' for r in incidents)
    ri = [r for r in rows if len(r) == 18 and r[0].startswith("2026-")]
    assert len(ri) == 1
    assert ri[0][2] == "Restraint"
    assert ri[0][6] == "Bob Assistant (led the intervention, training expired)"
    assert ri[0][-2:] == ["no", "yes"]  # not told, overdue
    obs = [r for r in rows if len(r) == 14 and r[0].startswith("2026-")]
    assert obs[0][10] == "7"
    strategies = rows[
        rows.index(["Strategy", "Reports", "Mean", "Didn't help", "Helped a little", "Worked well"])
        + 1 :
    ]
    assert ["Offer the calm corner with ear defenders", "1", "3.00", "0", "0", "1"] in strategies
    assert AccessEvent.objects.filter(actor=world.senco, what="behaviour export").exists()


def test_analysis_queries_do_not_grow(world, as_user, incident, intervention):
    client = as_user(world.senco)
    url = f"/pupils/{world.ben.pk}/behaviour/"

    def add(n):
        for i in range(n):
            incident(
                occurred_at=at(-(i % 20) - 1, 9 + i % 6, 0),
                lesson=f"Lesson {i % 10}",
                antecedent=f"Cause {i % 12}",
                staff_present=[world.alice.pk, world.tess.pk],
                strategies=[services.Use(world.calm_corner.pk, 1 + i % 3)],
            )
            observation(world, day=-(i % 20) - 1, hour=9 + i % 6, antecedent=f"Cause {i}")
        intervention(started_at=at(-1 - n))

    add(3)
    few = page_queries(client, url)
    add(27)
    many = page_queries(client, url)
    assert few == many
    export_few = page_queries(client, f"/pupils/{world.ben.pk}/behaviour/export.csv")
    add(3)
    assert page_queries(client, f"/pupils/{world.ben.pk}/behaviour/export.csv") == export_few


def test_list_pages_queries_do_not_grow(world, as_user, intervention, incident):
    client = as_user(world.senco)
    for i in range(3):
        intervention(started_at=at(-2 - i))
    few = page_queries(client, "/restrictive-interventions/")
    record = incident()
    detail_few = page_queries(client, f"/incidents/{record.pk}/")
    for i in range(27):
        intervention(started_at=at(-5 - i), pupil=world.cara if i % 2 else world.ben)
    assert page_queries(client, "/restrictive-interventions/") == few
    ri = intervention()
    assert page_queries(client, f"/incidents/{record.pk}/") == detail_few
    assert page_queries(client, f"/restrictive-interventions/{ri.pk}/") > 0
