"""The daily check's notice about a review step names the pupil, so it goes only to people
who still have the pupil in scope (review of issue 11, B6): whoever set the review up and
has since left the school is not told."""

from sendesk.notifications import daily
from sendesk.notifications.models import Notification
from sendesk.schools.models import StaffRole
from tests.world import TODAY

from .conftest import book


def _told():
    told = Notification.objects.filter(kind="review_step_due")
    return set(told.values_list("user_id", flat=True))


def test_the_head_who_booked_it_and_left_is_not_told(world, as_user):
    review = book(world, actor=world.head)
    StaffRole.objects.filter(user=world.head).delete()
    assert as_user(world.head).get(f"/reviews/{review.pk}/").status_code == 404
    daily.run_checks(TODAY)
    assert _told() == {world.senco.pk}


def test_the_head_who_booked_it_and_stays_is_told(world):
    book(world, actor=world.head)
    daily.run_checks(TODAY)
    assert _told() == {world.senco.pk, world.head.pk}
