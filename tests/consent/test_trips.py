"""Issue 11: a pupil on a trip needs a parent's consent to trips (about this trip or trips in
general) in force on the day; the trip page says plainly who lacks it, and a withdrawal
shows at once."""

from sendesk.consent import services
from tests.visits.conftest import TRIP_DAY, body, checks_of, failing, trips_consent
from tests.visits.conftest import api as api  # noqa: F401 (fixture)
from tests.visits.conftest import trained as trained  # noqa: F401 (fixture)


def test_the_trip_names_who_lacks_consent_and_a_trip_consent_counts(trained, api, as_user):
    w = trained
    pupils = [str(w.ben.pk), str(w.cara.pk), str(w.dan.pk)]
    # Cara's parents said no to trips in general after September's form.
    trips_consent(w, w.cara, decision="refused", on=TRIP_DAY.replace(day=2))
    r = api.post(w.senco, "/trips", body(w, pupil_ids=pupils))
    assert failing(r) == {"trips_consent"}
    detail = checks_of(r)["trips_consent"]["detail"]
    assert "Cara Clark" in detail and "Ben Brown" not in detail and "Dan Dale" not in detail
    trip_id = r.json()["id"]
    # The trip page, as the SENCO reads it.
    html = as_user(w.senco).get(f"/trips/{trip_id}/").content
    assert b"No parent&#x27;s consent to trips for Cara Clark" in html

    # A paper form about this trip only: Cara may go on this one.
    services.paper_record(
        actor=w.senco, pupil_id=w.cara.pk, kind="trips", decision="given", on=TRIP_DAY.replace(
            day=17), given_by_name="Mo Clark", ref=f"trip:{trip_id}",
    )  # fmt: skip
    again = api.get(w.senco, f"/trips/{trip_id}")
    assert {c["rule"]: c["ok"] for c in again.json()["checks"]}["trips_consent"] is True


def test_a_withdrawal_shows_on_the_trip_at_once(trained, api, as_user):
    w = trained
    r = api.post(w.senco, "/trips", body(w))
    assert failing(r) == set()
    trip_id = r.json()["id"]
    as_user(w.pat).post(
        f"/family/children/{w.ben.pk}/consent/", {"kind": "trips", "decision": "withdrawn"}
    )
    checks = {c["rule"]: c for c in api.get(w.senco, f"/trips/{trip_id}").json()["checks"]}
    assert checks["trips_consent"]["ok"] is False
    assert "Ben Brown" in checks["trips_consent"]["detail"]
