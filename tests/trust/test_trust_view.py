"""The trust view (issue 13): a trust SENCO and a trust lead see provision, shortfalls,
parents to tell, training and deployment gaps across the trust's schools; a pupil links to
their page only where the viewer holds a role at that school; nobody else finds it."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.audit.models import AccessEvent
from sendesk.deployment.models import Plan as DeploymentPlan
from sendesk.deployment.models import Unmet
from sendesk.provision.models import Provision
from sendesk.provision.selectors import reconcile
from sendesk.pupils.models import Pupil
from sendesk.schools.models import Role, School, StaffRole, Term, Trust, TrustRole, YearGroup
from sendesk.staff.models import Training
from sendesk.staff.selectors import training_register
from tests.api.conftest import Api
from tests.world import TODAY

from .conftest import MONDAY, delivered, page_queries, provision, text

URL = "/trust/"
API = "/api/v1/trust/overview"


def _pupil_url(pupil):
    return reverse("pupil_detail", args=[pupil.pk])


@pytest.fixture
def olly_short(world):
    """Olly (Other School) owed 30 minutes a school day from this Monday; 30 given on
    Monday: by Wednesday 90 owed, 30 delivered, 60 short."""
    reading = provision(world.olly, "Reading recovery")
    delivered(reading, MONDAY, 30, world.olga)
    return reading


def _school_totals(school):
    """Promised and delivered (capped per provision) this term, from reconcile(): the
    ORM's figures, not the trust view's SQL."""
    provisions = Provision.objects.current_on(TODAY).filter(pupil__school=school)
    figures = reconcile(provisions.select_related("pupil"), TODAY)
    promised = sum(f.promised_term for f in figures)
    got = sum(min(f.delivered_term, f.promised_term) for f in figures)
    pupils = {f.provision.pupil_id for f in figures if f.shortfall_term}
    return promised, got, pupils


def test_trust_senco_sees_every_school_and_links_only_where_a_role_is_held(
    world, trust_senco, olly_short, as_user
):
    response = as_user(trust_senco).get(URL)
    assert response.status_code == 200
    body = text(response)
    view = response.context["view"]
    assert [s.name for s in view.schools] == ["Other School", "Test Primary"]
    # Figures as reconcile() works them out, school by school.
    for line in view.schools:
        promised, got, pupils = _school_totals(School.objects.get(pk=line.school_id))
        assert (line.promised, line.delivered, line.pupils_short) == (promised, got, len(pupils))
        assert line.short == promised - got
    other = next(s for s in view.schools if s.name == "Other School")
    assert (other.promised, other.delivered, other.short, other.pct) == (90, 30, 60, 33)
    olly = next(r for r in view.shortfalls if r.pupil_id == world.olly.pk)
    assert (olly.school, olly.title, olly.short) == ("Other School", "Reading recovery", 60)
    # Ben (Test Primary, where Tina is SENCO) links to his page; Olly (Other School, where
    # she holds no role) is named, not linked.
    assert f'href="{_pupil_url(world.ben)}"' in body
    assert "Olly Oak" in body
    assert f'href="{_pupil_url(world.olly)}"' not in body
    assert olly.url == ""
    # Worst first: by minutes short.
    shorts = [r.short for r in view.shortfalls]
    assert shorts == sorted(shorts, reverse=True)
    # The link leads somewhere for her, and Olly's page stays closed to her.
    client = as_user(trust_senco)
    assert client.get(_pupil_url(world.ben)).status_code == 200
    assert client.get(_pupil_url(world.olly)).status_code == 404


def test_trust_lead_with_no_school_role_sees_figures_and_no_link(
    world, trust_lead, olly_short, as_user
):
    client = as_user(trust_lead)
    response = client.get(URL)
    assert response.status_code == 200
    body = text(response)
    assert "Olly Oak" in body and "Ben Brown" in body
    assert "Trust lead" in body
    assert f'href="{_pupil_url(world.ben)}"' not in body
    assert f'href="{_pupil_url(world.olly)}"' not in body
    # The trust role opens no school page.
    for url in (_pupil_url(world.ben), "/overview/", "/pupils/", "/overview/shortfalls/"):
        assert client.get(url).status_code == 404, url
    # Their home is the trust view.
    assert client.get("/").url == URL


@pytest.mark.parametrize("who", ["senco", "olga", "head", "alice", "hana", "pat", "nobody"])
def test_nobody_without_a_trust_role_finds_it(world, as_user, who):
    assert as_user(getattr(world, who)).get(URL).status_code == 404


def test_a_trust_person_sees_nothing_of_another_trust(world, trust_senco, as_user):
    other_trust = Trust.objects.create(name="Beech Trust")
    beech = School.objects.create(trust=other_trust, name="Beech School")
    Term.objects.create(school=beech, name="Autumn 2026", start=dt.date(2026, 9, 3),
                        end=dt.date(2026, 12, 18))  # fmt: skip
    year = YearGroup.objects.create(school=beech, name="Year 5", ordinal=5)
    bea = Pupil.objects.create(school=beech, legal_first_name="Bea", legal_last_name="Birch",
                               date_of_birth=dt.date(2016, 3, 1), year_group=year,
                               sen_status="K")  # fmt: skip
    provision(bea, "Handwriting club")
    client = as_user(trust_senco)
    body = text(client.get(URL))
    assert "Beech School" not in body and "Bea Birch" not in body
    assert client.get(f"{URL}?trust={other_trust.pk}").status_code == 404
    assert client.get(f"{URL}?trust=nonsense").status_code == 404
    # The lead of the other trust sees theirs and nothing of the first.
    lead = world.nobody
    TrustRole.objects.create(user=lead, trust=other_trust, role="trust_lead")
    body = text(as_user(lead).get(URL))
    assert "Bea Birch" in body and "Beech School" in body
    assert "Ben Brown" not in body and "Test Primary" not in body


def test_parents_to_tell_training_and_deployment_gaps(
    world, trust_senco, now, as_user, intervention
):
    # Parents not told: Ben's restraint ten days ago (overdue), Olly's this morning (due).
    overdue = intervention(started_at=_at(-10))
    due = intervention(world.olga, world.olly, [(world.olga.pk, "lead")], started_at=_at(0, 9))
    # Training: Alice's first aid ran out last month; Olga's expires in ten days.
    Training.objects.create(user=world.alice, kind="first_aid", completed_on=dt.date(2023, 10, 1),
                            expires_on=TODAY - dt.timedelta(days=30))  # fmt: skip
    Training.objects.create(user=world.olga, kind="medication", completed_on=dt.date(2025, 12, 1),
                            expires_on=TODAY + dt.timedelta(days=10))  # fmt: skip
    # Deployment: Test Primary's published week leaves Ben's Talk Boost unstaffed.
    plan = DeploymentPlan.objects.create(school=world.school, week_start=MONDAY,
                                         status="published", created_by=world.senco,
                                         created_at=now_(), published_by=world.senco,
                                         published_at=now_())  # fmt: skip
    Unmet.objects.create(plan=plan, provision=world.talk, pupil=world.ben, date=TODAY,
                         minutes=150, rule="no_adult", reason="No adult free")  # fmt: skip
    response = as_user(trust_senco).get(URL)
    view = response.context["view"]
    lines = {s.name: s for s in view.schools}
    primary, other = lines["Test Primary"], lines["Other School"]
    assert (primary.ri_overdue, primary.ri_due, other.ri_overdue, other.ri_due) == (1, 0, 0, 1)
    assert [r.pk for r in view.interventions] == [overdue.pk, due.pk]
    assert view.interventions[0].url == _pupil_url(world.ben)
    assert view.interventions[1].url == ""
    # Each school's lists as the school's own training register has them.
    for line in (primary, other):
        register = training_register(line.school_id, TODAY)
        assert line.training_expired == len(register["expired"])
        assert line.training_expiring == len(register["expiring"])
    rows = {(r.person, r.school, r.kind, r.expired) for r in view.training}
    assert ("Alice Assistant", "Test Primary", "First aid", True) in rows
    assert ("Olga Other", "Other School", "Medication administration", False) in rows
    assert other.training_expiring == 1
    assert (primary.plan_published, primary.gap_provisions, primary.gap_minutes) == (True, 1, 150)
    assert (other.plan_published, other.gap_provisions) == (False, 0)
    body = text(response)
    assert "1 provision not staffed, 2 h 30 min" in body
    assert "No plan published" in body


def test_parents_to_tell_lists_the_first_and_counts_them_all(
    world, trust_senco, now, as_user, intervention, monkeypatch, client
):
    # Three not told: two overdue at Test Primary, one due at Other School. With room for
    # two on the list, the two overdue are shown, the count says three, each school's
    # line counts its own, and only the pupils named are logged as seen.
    older = intervention(started_at=_at(-10))
    newer = intervention(started_at=_at(-5))
    intervention(world.olga, world.olly, [(world.olga.pk, "lead")], started_at=_at(0, 9))
    monkeypatch.setattr("sendesk.trust.selectors.INTERVENTIONS_CAP", 2)
    response = as_user(trust_senco).get(URL)
    view = response.context["view"]
    assert [r.pk for r in view.interventions] == [older.pk, newer.pk]
    assert view.interventions_count == 3
    lines = {s.name: s for s in view.schools}
    assert (lines["Test Primary"].ri_overdue, lines["Other School"].ri_due) == (2, 1)
    assert "The first 2 of 3, overdue first" in text(response)
    seen = set(
        AccessEvent.objects.filter(actor=trust_senco, what="trust view").values_list(
            "pupil_id", flat=True
        )
    )
    assert seen == {r.pupil_id for r in view.shortfalls} | {world.ben.pk}
    api = Api(client).get(trust_senco, "/trust/overview").json()
    assert api["interventions_count"] == 3
    assert [r["id"] for r in api["interventions"]] == [str(older.pk), str(newer.pk)]


def test_the_first_rows_are_the_worst_even_when_they_tie(world, trust_senco, as_user, monkeypatch):
    # Dan and Cara at Test Primary are owed the same and given nothing: they tie on
    # minutes short, % and school. When the list ends between them, the pupil first by
    # name (Cara Clark) is the one shown, as in the full list, though Dan's provision's
    # id comes first.
    for n, pupil in enumerate((world.dan, world.cara), start=1):
        provision(pupil, "Precision teaching", weekly=1500, id=uuid.UUID(int=n))
    full = as_user(trust_senco).get(URL).context["view"]
    names = [r.pupil_name for r in full.shortfalls]
    cara = names.index("Cara Clark")
    assert names[cara + 1] == "Dan Dale"
    tied = full.shortfalls[cara : cara + 2]
    assert len({(r.short, r.pct, r.school) for r in tied}) == 1  # tied on all three
    monkeypatch.setattr("sendesk.trust.selectors.SHORTFALL_CAP", cara + 1)
    view = as_user(trust_senco).get(URL).context["view"]
    assert [vars(r) for r in view.shortfalls] == [vars(r) for r in full.shortfalls[: cara + 1]]
    assert view.shortfall_count == full.shortfall_count
    assert [vars(s) for s in view.schools] == [vars(s) for s in full.schools]


def test_views_of_the_pupils_named_are_logged(world, trust_lead, olly_short, as_user):
    before = AccessEvent.objects.count()
    response = as_user(trust_lead).get(URL)
    view = response.context["view"]
    rows = AccessEvent.objects.filter(actor=trust_lead, what="trust view")
    named = {r.pupil_id for r in view.shortfalls} | {r.pupil_id for r in view.interventions}
    assert {row.pupil_id for row in rows} == named
    assert world.olly.pk in named and world.ben.pk in named
    assert {(row.pupil_id, row.school_id) for row in rows} >= {
        (world.olly.pk, world.other.pk),
        (world.ben.pk, world.school.pk),
    }
    assert AccessEvent.objects.count() - before == len(named)


def _add_school(world, n, intervention):
    """Another school of the trust, with a term, a pupil owed provision and given some,
    a restraint whose parents are not told, staff with training running out, and a
    published week with a gap: every list of the view has something of it."""
    school = School.objects.create(trust=world.trust, name=f"Added School {n}")
    Term.objects.create(school=school, name="Autumn 2026", start=dt.date(2026, 9, 7),
                        end=dt.date(2026, 12, 18))  # fmt: skip
    year = YearGroup.objects.create(school=school, name="Year 2", ordinal=2)
    pupils = []
    for i in range(3):
        pupil = Pupil.objects.create(school=school, legal_first_name=f"Pip{i}",
                                     legal_last_name=f"Added{n}",
                                     date_of_birth=dt.date(2019, 2, 1 + i), year_group=year,
                                     sen_status="K")  # fmt: skip
        given = provision(pupil, "Phonics catch-up", start=dt.date(2026, 9, 7))
        delivered(given, MONDAY, 20, world.olga)
        pupils.append(pupil)
    senco = User.objects.create_user(f"senco{n}@added.example", "x", full_name=f"Sue Added{n}")
    StaffRole.objects.create(user=senco, school=school, role=Role.SENCO)
    Training.objects.create(user=senco, kind="first_aid", completed_on=dt.date(2023, 10, 1),
                            expires_on=TODAY + dt.timedelta(days=3))  # fmt: skip
    intervention(senco, pupils[0], [(senco.pk, "lead")], started_at=_at(-3))
    plan = DeploymentPlan.objects.create(school=school, week_start=MONDAY, status="published",
                                         created_by=senco, created_at=now_(),
                                         published_by=senco, published_at=now_())  # fmt: skip
    Unmet.objects.create(plan=plan, provision=given, pupil=pupils[-1], date=TODAY, minutes=30,
                         rule="no_adult", reason="No adult free")  # fmt: skip
    return school


def test_query_count_is_flat_in_the_number_of_schools(
    world, trust_senco, olly_short, as_user, intervention
):
    client = as_user(trust_senco)
    client.get(URL)  # the calendars worked out once, as a running server has them
    two = page_queries(client, URL)
    _add_school(world, 1, intervention)
    _add_school(world, 2, intervention)
    view = client.get(URL).context["view"]
    assert len(view.schools) == 4
    assert {s.name for s in view.schools if s.gap_provisions and s.ri_due + s.ri_overdue} == {
        "Added School 1",
        "Added School 2",
    }
    assert page_queries(client, URL) == two


def test_a_session_saved_while_the_view_adds_up_does_not_split_a_row_from_its_school(
    world, trust_lead, olly_short, as_user, monkeypatch
):
    """The view adds the schools up from one read and names its rows from a second: a
    session saved between the two (another TA, at that moment) must not show a row's
    figures disagreeing with its school's line."""
    import sendesk.trust.selectors as trust_selectors

    added_up = trust_selectors.tallies

    def then_a_session_is_saved(*args):
        rows = added_up(*args)
        delivered(olly_short, TODAY, 20, world.olga)
        return rows

    monkeypatch.setattr(trust_selectors, "tallies", then_a_session_is_saved)
    view = as_user(trust_lead).get(URL).context["view"]
    other = next(s for s in view.schools if s.name == "Other School")
    olly = next(r for r in view.shortfalls if r.pupil_id == world.olly.pk)
    assert (other.delivered, olly.delivered, olly.short, olly.pct) == (30, 30, 60, 33)


# In term, a school's minutes come from its term tallies (provision.TermTally); in a
# holiday, or when the window begins before the term, from its records. Both ways must
# give reconcile()'s figures, and one school may be in each at once.
HOLIDAY = dt.date(2026, 12, 21)  # the Monday after the world's autumn term


def test_figures_are_right_in_a_holiday_and_in_term_at_once(world, trust_lead, as_user, now):
    w = world
    olly = provision(w.olly, "Reading recovery")  # Other School: its term has ended
    ben = provision(w.ben, "Handwriting")  # Test Primary: its term runs on this year
    autumn = Term.objects.filter(school=w.school, start=dt.date(2026, 9, 3))
    autumn.update(end=dt.date(2026, 12, 22))
    for reading in (olly, ben):
        delivered(reading, TODAY, 30, w.alice)
    now.move_to(dt.datetime.combine(HOLIDAY, dt.time(10, 0), timezone.get_current_timezone()))
    # Recorded on the first day of the holiday (a holiday club): in no term of Olly's
    # school, in Ben's; both are within each school's window.
    for reading in (olly, ben):
        delivered(reading, HOLIDAY, 20, w.alice)

    view = as_user(trust_lead).get(URL).context["view"]
    rows = {r.title: r for r in view.shortfalls}
    assert (rows["Reading recovery"].delivered, rows["Handwriting"].delivered) == (50, 50)
    for line in view.schools:
        school = School.objects.get(pk=line.school_id)
        provisions = Provision.objects.current_on(HOLIDAY).filter(pupil__school=school)
        figures = reconcile(provisions.select_related("pupil"), HOLIDAY)
        assert line.promised == sum(f.promised_term for f in figures)
        assert line.delivered == sum(min(f.delivered_term, f.promised_term) for f in figures)


def _at(days, hour=13):
    return timezone.make_aware(
        dt.datetime.combine(TODAY + dt.timedelta(days=days), dt.time(hour, 0))
    )


def now_():
    return timezone.now()
