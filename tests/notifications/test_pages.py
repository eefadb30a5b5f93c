"""The notifications page and badge: a person's own, newest first, marked read one by one
or all at once; nobody can read or mark another's."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from sendesk.notifications.models import Notification
from sendesk.notifications.services import notify


def test_the_list_is_mine_newest_first_with_a_badge(world, as_user, tell, now):
    tell([world.tess], title="Ben Brown: first")
    now.shift(dt.timedelta(minutes=5))
    tell([world.tess], title="Ben Brown: second")
    tell([world.tom], title="Cara Clark: for Tom only")
    body = as_user(world.tess).get("/notifications/").content.decode()
    assert body.index("Ben Brown: second") < body.index("Ben Brown: first")
    assert "for Tom only" not in body
    assert '<span class="badge">2 new<span class="visually-hidden"> notifications</span>' in body


def test_mark_one_read_then_all(world, as_user, tell):
    (one,) = tell([world.tess], title="one")
    (two,) = tell([world.tess], title="two")
    client = as_user(world.tess)
    response = client.post("/notifications/read/", {"id": one.pk})
    assert response.status_code == 302
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == {
        two.pk
    }
    client.post("/notifications/read/", {"all": "1"})
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "badge" not in client.get("/notifications/").content.decode().split("<main")[0]


def test_following_a_notification_marks_it_read_and_goes_there(world, as_user, tell):
    (row,) = tell([world.tess], title="flagged", url="/feed/")
    response = as_user(world.tess).post("/notifications/read/", {"id": row.pk, "go": "1"})
    assert response.status_code == 302 and response["Location"] == "/feed/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_nobody_marks_another_persons_notification(world, as_user, tell):
    (theirs,) = tell([world.tom], title="Tom's")
    assert as_user(world.tess).post("/notifications/read/", {"id": theirs.pk}).status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is None
    bad = as_user(world.tess).post("/notifications/read/", {"id": "x"}, follow=True)
    assert bad.status_code == 200 and "That notification was not found." in bad.content.decode()


def test_an_undeclared_kind_is_refused(world):
    with pytest.raises(ImproperlyConfigured):
        notify(users=[world.tess], kind="no_such_kind", title="x", url="/")


def test_a_second_run_of_the_same_event_adds_nothing(world, tell):
    assert len(tell([world.tess], title="x", dedupe_key="k:1")) == 1
    assert tell([world.tess], title="x", dedupe_key="k:1") == []


def test_signed_out_is_sent_to_sign_in(client, db):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_settings_defaults_per_role_and_saving(world, as_user):
    client = as_user(world.tess)
    body = client.get("/notifications/settings/").content.decode()
    # A teacher: in SENDesk only, by default.
    assert 'name="how-session_flagged" value="app" checked' in body
    response = client.post("/notifications/settings/", {"how-session_flagged": "digest",
                                                         "how-dose_not_given": "off"})  # fmt: skip
    assert response.status_code == 302
    body = client.get("/notifications/settings/").content.decode()
    assert 'name="how-session_flagged" value="digest" checked' in body
    assert 'name="how-dose_not_given" value="off" checked' in body


def test_a_bad_choice_is_a_400_keeping_what_was_chosen(world, as_user):
    client = as_user(world.tess)
    sent = {"how-session_flagged": "digest", "how-dose_not_given": "pigeon"}
    response = client.post("/notifications/settings/", sent)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="error-summary" role="alert" tabindex="-1"' in body
    assert 'name="how-session_flagged" value="digest" checked' in body
    assert world.tess.notification_prefs.count() == 0


def test_off_means_no_badge(world, as_user, tell):
    as_user(world.tess).post("/notifications/settings/", {"how-session_flagged": "off",
                                                          "how-dose_not_given": "app"})  # fmt: skip
    tell([world.tess], title="quiet")
    assert Notification.objects.get().read_at is not None
