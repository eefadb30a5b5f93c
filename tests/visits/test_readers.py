"""What a reader of a trip sees is decided in one place (visits.selectors): the trip page
and the trip API name the same pupils, before the day, on it and after; and a clash with
another trip names that trip's destination only to a reader who may see it."""

import datetime as dt
import html

from django.utils import timezone

from sendesk.visits.models import Trip

from .conftest import TRIP_DAY, body, checks_of


def text(response) -> str:
    return html.unescape(response.content.decode())


def _on(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _named(page: str, w) -> set:
    return {p.pk for p in (w.ben, w.cara, w.dan) if p.name in page}


def _agree(w, as_user, api, person, trip) -> set:
    """The pupils `person` sees on the trip, by the page, the API's trip and its list,
    which must agree."""
    page = _named(text(as_user(person).get(f"/trips/{trip.pk}/")), w)
    detail = api.get(person, f"/trips/{trip.pk}")
    assert detail.status_code == 200, (detail.content, timezone.now())
    by_api = {p for p in (w.ben, w.cara, w.dan) if str(p.pk) in detail.json()["pupil_ids"]}
    listed = next(t for t in api.get(person, "/trips").json()["items"] if t["id"] == trip.pk)
    by_list = {p for p in (w.ben, w.cara, w.dan) if str(p.pk) in listed["pupil_ids"]}
    assert page == {p.pk for p in by_api} == {p.pk for p in by_list}, person
    return page


def test_a_teachers_trip_a_ta_sees_only_the_pupil_she_supports_on_page_and_api(
    trained, api, as_user, now
):
    """Tess takes 3A's Ben and Dan, with Alice (Ben's 1:1, not Dan's): a teacher's trip
    deploys nobody, so Alice sees Ben and not Dan, the same everywhere, on every day."""
    w = trained
    r = api.post(w.tess, "/trips", body(w, pupil_ids=[str(w.ben.pk), str(w.dan.pk)],
                                        staff_ids=[w.alice.pk, w.bob.pk]))  # fmt: skip
    trip = Trip.objects.get(pk=checks_of(r) and r.json()["id"])
    for moment in (None, _on(TRIP_DAY, 9), _on(TRIP_DAY + dt.timedelta(days=1), 9)):
        if moment:
            now.move_to(moment)
            api.tokens.clear()  # days later: a token left idle has expired
        assert _agree(w, as_user, api, w.alice, trip) == {w.ben.pk}
        assert _agree(w, as_user, api, w.tess, trip) == {w.ben.pk, w.dan.pk}
    assert "1 other pupil you are not deployed to is going" in text(
        as_user(w.alice).get(f"/trips/{trip.pk}/")
    )


def test_a_sencos_trip_ahead_shows_its_pupils_to_the_adults_going_the_same_way(
    trained, api, as_user, now
):
    """The SENCO's trip deploys the adults going to its pupils for its day: ahead of it and
    on it Alice sees Ben and Cara on the page and in the API alike (the API used to say
    only Ben until the day); after it, only Ben again, everywhere."""
    w = trained
    r = api.post(w.senco, "/trips", body(w, pupil_ids=[str(w.ben.pk), str(w.cara.pk)]))
    trip = Trip.objects.get(pk=checks_of(r) and r.json()["id"])
    assert _agree(w, as_user, api, w.alice, trip) == {w.ben.pk, w.cara.pk}
    now.move_to(_on(TRIP_DAY, 9))
    api.tokens.clear()
    assert _agree(w, as_user, api, w.alice, trip) == {w.ben.pk, w.cara.pk}
    now.move_to(_on(TRIP_DAY + dt.timedelta(days=1), 9))
    api.tokens.clear()
    assert _agree(w, as_user, api, w.alice, trip) == {w.ben.pk}
    assert _agree(w, as_user, api, w.senco, trip) == {w.ben.pk, w.cara.pk}


def test_a_clash_names_another_trip_only_to_a_reader_who_may_see_it(trained, api, as_user):
    w = trained
    other = body(
        w, destination="Kew Gardens", pupil_ids=[str(w.cara.pk)], staff_ids=[w.bob.pk, w.hana.pk]
    )
    secret = api.post(w.senco, "/trips", other)
    assert secret.status_code == 201
    # Tess plans Ben's trip with Bob: she may not see the SENCO's trip, so it is not named.
    r = api.post(w.tess, "/trips", body(w, staff_ids=[w.alice.pk, w.bob.pk]))
    detail = checks_of(r)["staff_free"]
    assert not detail["ok"]
    assert detail["detail"] == "Bob Assistant is already on another trip that day."
    trip = r.json()["id"]
    for path in (f"/trips/{trip}/",):
        page = text(as_user(w.tess).get(path))
        assert "Bob Assistant is already on another trip that day." in page
        assert "Kew Gardens" not in page
    tess_api = api.get(w.tess, f"/trips/{trip}").json()
    staff_free = next(c for c in tess_api["checks"] if c["rule"] == "staff_free")
    assert "Kew Gardens" not in staff_free["detail"]
    # Alice goes on Tess's trip only: nor is it named to her.
    assert "Kew Gardens" not in text(as_user(w.alice).get(f"/trips/{trip}/"))
    # The SENCO may see both trips: named, with its times.
    senco = text(as_user(w.senco).get(f"/trips/{trip}/"))
    assert "Bob Assistant (to Kew Gardens, 09:30–14:30)" in senco
    # Bob goes on both: named to him too.
    assert "Bob Assistant (to Kew Gardens, 09:30–14:30)" in text(
        as_user(w.bob).get(f"/trips/{trip}/")
    )
