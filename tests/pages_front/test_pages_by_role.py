"""Pages that lead nowhere for a person answer as if they did not exist: a parent or a
visiting therapist who types /my-day/, /feed/ or /pupils/ gets "not found", not an empty
staff page."""

import pytest


@pytest.mark.parametrize("url", ["/my-day/", "/feed/", "/pupils/"])
@pytest.mark.parametrize("who", ["pat", "theo"])
def test_parent_and_therapist_get_not_found(world, as_user, who, url):
    assert as_user(getattr(world, who)).get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "url"),
    [("alice", "/my-day/"), ("tess", "/feed/"), ("senco", "/pupils/"), ("dsl", "/pupils/")],
)
def test_staff_still_get_their_pages(world, as_user, who, url):
    assert as_user(getattr(world, who)).get(url).status_code == 200
