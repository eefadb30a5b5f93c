"""The site's own 404: its layout and navigation and a way back, for people logged in and
logged out, and nothing that tells a record out of scope from one that does not exist."""

import re
import uuid


def test_logged_out_gets_the_layout_and_a_way_to_log_in(db, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Page not found</h1>" in body
    assert 'class="skip" href="#main"' in body and 'class="brand"' in body
    assert 'href="/login/"' in body
    assert 'aria-label="Main"' not in body  # no navigation for nobody
    assert "no-such-page" not in body


def test_logged_in_gets_their_navigation_and_their_start_page(world, as_user):
    client = as_user(world.senco)
    response = client.get(f"/pupils/{world.olly.pk}/")
    assert response.status_code == 404
    body = response.content.decode()
    nav = body.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/overview/"' in nav and 'href="/pupils/"' in nav
    assert 'href="/">Go to your start page' in body
    assert "Sam Senco" in body
    assert str(world.olly.pk) not in body and "Olly" not in body


def test_a_parent_is_offered_their_own_pages(world, as_user):
    body = as_user(world.pat).get(f"/pupils/{world.ben.pk}/").content.decode()
    nav = body.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="([^"]+)"', nav) == [
        "/notifications/",  # issue 11
        "/family/",
        "/messages/",  # issue 11: messages with school
        "/family/exams/",
        "/account/second-factor/",  # issue 10: tests and exams
        "/notifications/settings/",  # issue 11
    ]
    assert "Ben" not in body


def test_out_of_scope_and_nonexistent_read_the_same_for_each_kind_of_person(world, as_user):
    for person, hidden in [(world.alice, world.cara), (world.senco, world.olly),
                           (world.pat, world.cara), (world.dsl, world.olly)]:  # fmt: skip
        client = as_user(person)
        for route in ("/pupils/{}/", "/pupils/{}/behaviour/", "/family/children/{}/"):
            out_of_scope = client.get(route.format(hidden.pk))
            missing = client.get(route.format(uuid.uuid4()))
            assert out_of_scope.status_code == missing.status_code == 404, (person, route)
            assert out_of_scope.content == missing.content, (person, route)
            assert b"Page not found" in out_of_scope.content
