import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.safeguarding import selectors, services
from sendesk.safeguarding.models import ConcernAction, SafeguardingAccess

from .conftest import MARKER, queries, report


def _hours_ago(n):
    return timezone.now() - dt.timedelta(hours=n)


def test_inbox_new_first_then_open_by_risk(world, as_user, now):
    low = report(world.alice, world.ben, text="low one", occurred_at=_hours_ago(9))
    services.concern_triage(actor=world.dsl, concern=low, status="open", risk="low")
    high = report(world.tess, world.dan, text="high one", occurred_at=_hours_ago(8))
    services.concern_triage(actor=world.dsl, concern=high, status="open", risk="high")
    now.shift(dt.timedelta(minutes=5))
    new_old = report(world.bob, world.cara, text="first new")
    now.shift(dt.timedelta(minutes=5))
    new = report(world.hana, world.cara, text="second new")
    closed = report(world.tom, world.cara, text="closed one")
    services.concern_triage(actor=world.dsl, concern=closed, status="closed", risk="low",
                            note="NFA")  # fmt: skip
    report(world.olga, world.olly, text="other school")

    response = as_user(world.dsl).get("/safeguarding/")
    html = response.content.decode()
    assert response.status_code == 200
    order = [html.index(t) for t in ("second new", "first new", "high one", "low one")]
    assert order == sorted(order)
    assert "closed one" not in html and "other school" not in html
    assert "<strong>2</strong> new" in html and "1</strong> at high risk" in html
    rows = SafeguardingAccess.objects.filter(actor=world.dsl, what="inbox")
    assert {r.concern_id for r in rows} == {low.pk, high.pk, new_old.pk, new.pk}
    assert not AccessEvent.objects.exists()

    closed_page = as_user(world.dsl).get("/safeguarding/", {"show": "closed"}).content.decode()
    assert "closed one" in closed_page and "second new" not in closed_page


def test_inbox_query_count_is_constant(world, as_user):
    client = as_user(world.dsl)
    report(world.alice, world.ben)
    one = queries(lambda: client.get("/safeguarding/"))
    for pupil in (world.ben, world.cara, world.dan, world.cara, world.dan):
        c = report(world.tess, pupil)
        services.concern_triage(actor=world.dsl, concern=c, status="open", risk="medium")
    assert queries(lambda: client.get("/safeguarding/")) == one


def test_concern_page_shows_everything_and_records_the_view(world, as_user):
    concern = report(world.alice, world.dan)
    response = as_user(world.dsl).get(f"/safeguarding/concerns/{concern.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in (f"{MARKER} bruise on arm", f"Playground {MARKER}", f"{MARKER} hurt me",
                 f"Told the DSL {MARKER}", "Alice Assistant", "4 March 2043"):  # fmt: skip
        assert text.replace("'", "&#x27;") in html
    assert "<svg" in html and "Front, right" in html  # the mark, in words as well
    assert "Save triage" in html and "Close the concern" in html
    access = SafeguardingAccess.objects.get(actor=world.dsl)
    assert (access.concern, access.pupil, access.what, access.via) == (
        concern, world.dan, "concern", "web",
    )  # fmt: skip
    assert not AccessEvent.objects.exists()


def test_triage_then_actions_then_close_and_reopen(world, as_user):
    concern = report(world.alice, world.dan)
    client = as_user(world.dsl)
    base = f"/safeguarding/concerns/{concern.pk}/"
    r = client.post(base + "triage/", {"triage-status": "open", "triage-risk": "high",
                                       "triage-note": "Seen by DSL"})  # fmt: skip
    assert r.status_code == 302 and r["Location"] == base + "#actions"
    r = client.post(base + "actions/", {"action-kind": "referral_csc", "action-note": "Ref 42"})
    assert r.status_code == 302
    r = client.post(base + "close/", {"close-note": "CSC leading"})
    assert r.status_code == 302
    html = client.get(base).content.decode()
    assert "Reopen the concern" in html and "Save triage" not in html
    assert "Referral to children&#x27;s social care" in html and "Ref 42" in html
    r = client.post(base + "reopen/", {"reopen-note": "More information"})
    assert r.status_code == 302
    concern.refresh_from_db()
    assert (concern.status, concern.risk) == ("open", "high")
    assert concern.actions.count() == 4
    assert not AuditEvent.objects.exists()


def test_a_refused_form_keeps_what_was_typed(world, as_user):
    concern = report(world.alice, world.dan)
    client = as_user(world.dsl)
    base = f"/safeguarding/concerns/{concern.pk}/"
    r = client.post(base + "triage/", {"triage-status": "closed", "triage-risk": "",
                                       "triage-note": ""})  # fmt: skip
    html = r.content.decode()
    assert r.status_code == 422
    assert "Choose the risk: low, medium or high." in html
    assert 'value="closed" id="id_triage-status_1" checked' in html
    r = client.post(base + "actions/", {"action-kind": "note", "action-note": ""})
    assert r.status_code == 422 and "Write the note." in r.content.decode()
    r = client.post(base + "reopen/", {"reopen-note": "why"})
    assert r.status_code == 422 and "This concern is not closed." in r.content.decode()
    assert not ConcernAction.objects.exists()
    # Each refused form was a view of the concern, and is recorded as one.
    assert SafeguardingAccess.objects.filter(actor=world.dsl, concern=concern).count() == 3


def test_chronology_interleaves_concerns_and_actions_newest_first(world, as_user, now):
    first = report(world.alice, world.dan, text="first concern", occurred_at=_hours_ago(30))
    now.shift(dt.timedelta(minutes=1))
    services.concern_triage(actor=world.dsl, concern=first, status="open", risk="medium",
                            note="triaged first")  # fmt: skip
    second = report(world.tess, world.dan, text="second concern", occurred_at=_hours_ago(2))
    now.shift(dt.timedelta(minutes=1))
    services.concern_action_add(actor=world.dsl, concern=first, kind="monitor",
                                note="monitor first")  # fmt: skip
    report(world.tess, world.ben, text="about ben")

    response = as_user(world.dsl).get(f"/pupils/{world.dan.pk}/chronology/")
    html = response.content.decode()
    assert response.status_code == 200
    order = [html.index(t) for t in ("monitor first", "triaged first", "second concern",
                                     "first concern")]  # fmt: skip
    assert order == sorted(order)
    assert "about ben" not in html
    access = SafeguardingAccess.objects.get(actor=world.dsl, what="chronology")
    assert access.pupil == world.dan and access.concern is None
    assert not AccessEvent.objects.exists()
    items = selectors.chronology(world.dan)
    assert [i.kind for i in items] == ["monitor", "triage", "concern", "concern"]
    assert items[2].concern == second


def test_chronology_query_count_is_constant(world, as_user):
    client = as_user(world.dsl)
    url = f"/pupils/{world.dan.pk}/chronology/"
    report(world.alice, world.dan)
    one = queries(lambda: client.get(url))
    for _ in range(4):
        c = report(world.tess, world.dan)
        services.concern_triage(actor=world.dsl, concern=c, status="open", risk="low")
        services.concern_action_add(actor=world.dsl, concern=c, kind="monitor", note="m")
    assert queries(lambda: client.get(url)) == one


def test_pupil_panel_for_the_dsl_only(world, django_assert_num_queries):
    c = report(world.alice, world.dan)
    for i in range(6):
        services.concern_action_add(actor=world.dsl, concern=c, kind="note", note=f"note {i}")
    report(world.tess, world.dan, text="another")
    for person in ("alice", "tess", "senco", "head", "olga", "nobody"):
        user = getattr(world, person)
        # The pupil page has already loaded the roles (access.roles_of caches them).
        user._sendesk_roles = list(user.staff_roles.values_list("school_id", "role"))
        with django_assert_num_queries(0):
            assert selectors.pupil_panel(user, world.dan) is None
    dsl = world.dsl
    dsl._sendesk_roles = list(dsl.staff_roles.values_list("school_id", "role"))
    # 5: with the head of the access trail's chain, read to link the access row.
    with django_assert_num_queries(5):
        panel = selectors.pupil_panel(dsl, world.dan)
    assert panel["open_count"] == 2
    assert [i.label for i in panel["items"]] == ["Note"] * 5
    assert SafeguardingAccess.objects.filter(actor=dsl, what="pupil page panel").count() == 1


def test_pupil_panel_template(world):
    report(world.alice, world.dan)
    panel = selectors.pupil_panel(world.dsl, world.dan)
    html = render_to_string("safeguarding/_pupil_panel.html", {"panel": panel})
    assert "1</strong> open concern." in html and MARKER in html
    assert f"/pupils/{world.dan.pk}/chronology/" in html
    assert render_to_string("safeguarding/_pupil_panel.html", {"panel": None}).strip() == ""
