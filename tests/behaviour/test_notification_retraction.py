"""A record of parents being told can be withdrawn, never deleted: the intervention then
counts as not told, and overdue again once past its deadline."""

from sendesk.audit.models import AuditEvent
from sendesk.behaviour import services
from sendesk.behaviour.models import NotificationRetraction, ParentNotification

from .conftest import at, text


def told(world, ri, person):
    return services.parent_notification_add(
        actor=person, intervention=ri, notified_at=at(-1, 15, 0), method="phone",
        contact_name="Mrs Brown",
    )  # fmt: skip


def overdue_list(client):
    return text(client.get("/restrictive-interventions/?overdue=1"))


def test_withdrawing_a_wrong_record_makes_the_intervention_overdue_again(
    world, as_user, intervention
):
    ri = intervention(started_at=at(-3, 13, 5))  # its deadline passed two days ago
    notification = told(world, ri, world.alice)
    assert "Ben Brown" not in overdue_list(as_user(world.senco))

    url = f"/restrictive-interventions/{ri.pk}/notifications/{notification.pk}/withdraw/"
    assert as_user(world.tess).post(url, {"reason": "x"}).status_code == 404
    response = as_user(world.alice).post(url, {"reason": "Entered on the wrong record"})
    assert response.status_code == 302

    assert ParentNotification.objects.filter(pk=notification.pk).exists()  # kept as written
    retraction = NotificationRetraction.objects.get()
    assert (retraction.by, retraction.reason) == (world.alice, "Entered on the wrong record")
    assert AuditEvent.objects.filter(
        action="amend", object_type="behaviour.parentnotification"
    ).exists()
    sam = as_user(world.senco)  # one test client: log in again as Sam
    assert "Ben Brown" in overdue_list(sam)
    page = text(sam.get(f"/restrictive-interventions/{ri.pk}/"))
    assert "Withdrawn" in page and "Entered on the wrong record" in page


def test_a_withdrawal_needs_a_reason_and_happens_once(world, as_user, intervention):
    ri = intervention()
    notification = told(world, ri, world.senco)
    url = f"/restrictive-interventions/{ri.pk}/notifications/{notification.pk}/withdraw/"
    client = as_user(world.senco)
    client.post(url, {"reason": ""})
    assert not NotificationRetraction.objects.exists()
    client.post(url, {"reason": "Wrong pupil"})
    client.post(url, {"reason": "Again"})
    assert NotificationRetraction.objects.count() == 1
