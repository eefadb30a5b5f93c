import uuid

from sendesk import access
from sendesk.provision.models import Provision
from sendesk.provision.selectors import my_day, reconcile, shortfalls
from sendesk.provision.services import PupilRecord, session_record

from .world import TODAY


def test_foundations(world, django_assert_max_num_queries):
    w = world
    assert set(access.visible_pupils(w.alice)) == {w.ben}
    assert set(access.visible_pupils(w.tess)) == {w.ben, w.dan}
    assert set(access.visible_pupils(w.hana)) == {w.cara}
    assert set(access.visible_pupils(w.senco)) == {w.ben, w.cara, w.dan}
    assert set(access.visible_pupils(w.olga)) == {w.olly}
    assert list(access.visible_pupils(w.bob)) == []
    due = my_day(w.alice, TODAY)
    assert [p.title for p, _ in due] == ["Precision teaching", "Talk Boost"]
    cid = uuid.uuid4()
    s, created = session_record(
        actor=w.alice,
        client_id=cid,
        provision_id=w.talk.pk,
        date=TODAY,
        minutes=30,
        delivered=True,
        pupils=[
            PupilRecord(
                pupil_id=w.ben.pk,
                attendance="present",
                response=4,
                target_progress=[(w.t1.pk, "emerging")],
                flag_for_teacher=True,
            )
        ],
    )
    assert created
    s2, created2 = session_record(
        actor=w.alice,
        client_id=cid,
        provision_id=w.talk.pk,
        date=TODAY,
        minutes=30,
        delivered=True,
        pupils=[],
    )
    assert s2.pk == s.pk and not created2
    figs = {
        f.provision.title: f
        for f in reconcile(Provision.objects.filter(pupil=w.ben).select_related("pupil"), TODAY)
    }
    assert figs["Talk Boost"].promised_week == 90 and figs["Talk Boost"].delivered_week == 30
    short = shortfalls(w.school.pk, TODAY)
    assert short[0].provision.title == "Talk Boost"
