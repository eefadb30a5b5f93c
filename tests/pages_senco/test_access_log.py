import datetime as dt

import pytest
from django.utils import timezone

from sendesk.audit.models import AccessEvent
from sendesk.pupils.services import strategy_add

from .conftest import count_queries


def test_senco_sees_who_viewed_and_what_changed(world, as_user):
    as_user(world.alice).get(f"/pupils/{world.ben.pk}/")
    strategy_add(actor=world.tess, pupil=world.ben, text="Let him hold a fidget toy")
    response = as_user(world.senco).get(f"/pupils/{world.ben.pk}/access-log/")
    assert response.status_code == 200
    page = response.content.decode()
    views = page[page.index('id="views"') : page.index('id="changes"')]
    assert "Alice Assistant" in views and "pupil page" in views
    changes = page[page.index('id="changes"') :]
    assert "Tess Teacher" in changes and "Strategy created" in changes
    assert "Let him hold a fidget toy" in changes
    # Looking at the log is itself a view of the pupil's records.
    assert AccessEvent.objects.filter(
        actor=world.senco, pupil=world.ben, what="access log"
    ).exists()


def test_changes_show_before_and_after(world, as_user):
    client = as_user(world.senco)
    client.post(f"/plans/{world.plan.pk}/edit/", {"title": "Ben's EHC plan 2026",
                                                   "start_date": "2026-09-03",
                                                   "review_date": "2026-12-10"})  # fmt: skip
    page = client.get(f"/pupils/{world.ben.pk}/access-log/").content.decode()
    assert "Plan changed" in page
    assert "<del>Ben&#x27;s EHC plan</del> → <ins>Ben&#x27;s EHC plan 2026</ins>" in page


def test_head_sees_the_log_and_the_link(world, as_user):
    client = as_user(world.head)
    assert "Who has viewed this pupil" in client.get(f"/pupils/{world.cara.pk}/").content.decode()
    assert client.get(f"/pupils/{world.cara.pk}/access-log/").status_code == 200


@pytest.mark.parametrize("person", ["alice", "tess", "hana", "dsl", "bob", "nobody", "olga"])
def test_everyone_else_gets_the_missing_page(world, as_user, missing_body, person):
    user = getattr(world, person)
    nothing = missing_body(user, "/pupils/{}/access-log/")
    response = as_user(user).get(f"/pupils/{world.ben.pk}/access-log/")
    assert response.status_code == 404 and response.content == nothing
    assert not AccessEvent.objects.filter(what="access log").exists()


def test_olga_sees_her_own_pupils_log_only(world, as_user):
    client = as_user(world.olga)
    assert client.get(f"/pupils/{world.olly.pk}/access-log/").status_code == 200
    assert client.get(f"/pupils/{world.cara.pk}/access-log/").status_code == 404


def _views(world, n, label, start_minutes=1):
    now = timezone.now()
    AccessEvent.objects.bulk_create(
        AccessEvent(at=now - dt.timedelta(minutes=start_minutes + i), actor=world.hana,
                    pupil=world.cara, what=f"{label} {i + 1:03d}")
        for i in range(n)
    )  # fmt: skip


def test_log_is_paged_and_query_count_does_not_grow(world, as_user):
    client = as_user(world.senco)
    url = f"/pupils/{world.cara.pk}/access-log/"
    _views(world, 3, "early")
    small = count_queries(client, url)
    _views(world, 40, "late", start_minutes=10)
    assert count_queries(client, url) == small
    page = client.get(url).content.decode()
    assert "early 001" in page and "late 040" not in page  # newest first, 25 a page
    assert 'href="?views=2#views"' in page and "Page 1 of 2" in page
    older = client.get(url + "?views=2").content.decode()
    assert "late 040" in older and "early 001" not in older


@pytest.mark.parametrize(
    ("stored_utc", "typed_local", "shown_before", "shown_after"),
    [
        # Summer (BST): 23:30 UTC on 31 May is 00:30 on 1 June at school.
        (
            dt.datetime(2026, 5, 31, 23, 30, tzinfo=dt.UTC),
            dt.datetime(2026, 6, 1, 0, 45),
            "2026-06-01T00:30:00+01:00",
            "2026-06-01T00:45:00+01:00",
        ),
        # Winter (GMT): UTC is the school's time, either side of midnight.
        (
            dt.datetime(2026, 11, 18, 23, 50, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 19, 0, 10),
            "2026-11-18T23:50:00+00:00",
            "2026-11-19T00:10:00+00:00",
        ),
    ],
)
def test_changed_times_read_in_school_time_whichever_way_they_were_stored(
    world, as_user, stored_utc, typed_local, shown_before, shown_after
):
    """The trail stores snapshot() times in UTC and inputs.plain() times in local time;
    the log shows both as the school's local time, so a change just after midnight in
    summer is not dated the day before, and one instant stored both ways is no change."""
    from sendesk.audit.models import AuditEvent
    from sendesk.lib import inputs

    local = timezone.make_aware(typed_local)
    same = timezone.localtime(stored_utc)
    AuditEvent.objects.create(
        at=timezone.now(), actor=world.alice, school_id=world.school.pk, pupil_id=world.ben.pk,
        action=AuditEvent.Action.AMEND, object_type="behaviour.incident", object_id="1",
        before={"occurred_at": stored_utc.isoformat(), "recorded_at": stored_utc.isoformat()},
        after={"occurred_at": inputs.plain(local), "recorded_at": inputs.plain(same)},
    )  # fmt: skip
    page = as_user(world.senco).get(f"/pupils/{world.ben.pk}/access-log/").content.decode()
    changes = page[page.index('id="changes"') :]
    assert f"<del>{shown_before}</del> → <ins>{shown_after}</ins>" in changes
    assert "<code>recorded_at</code>" not in changes  # the same instant, written two ways
    assert stored_utc.isoformat() not in changes or shown_before == stored_utc.isoformat()
