"""A pupil's access arrangements: recorded by the SENCO with the assessor's evidence, read
by those who support the pupil (404 for anyone else), and the normal way of working
evidence: a TA records in one tap that an arrangement was used in class (optionally in a
recorded session), counted beside it; a use recorded by mistake is withdrawn, not deleted."""

import datetime as dt
import html
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.exams.models import Arrangement, ArrangementUse, UseWithdrawal
from sendesk.provision.models import Session, SessionPupil
from tests.world import TODAY

from .conftest import arrangement


def text(response) -> str:
    return html.unescape(response.content.decode())


def page(w):
    return f"/pupils/{w.ben.pk}/exam-arrangements/"


def _add(client, w, **fields):
    data = {"kind": "reader", "assessor": "J. Patel, SENCO", "assessed_on": "2026-10-05",
            "evidence": "Reading age 7y2m (standardised score 78)", **fields}  # fmt: skip
    return client.post(page(w), data)


def test_the_senco_records_an_arrangement_with_the_assessors_evidence(world, as_user):
    w = world
    client = as_user(w.senco)
    r = _add(client, w, kind="extra_time", extra_time_percent="25", details="In class tests too")
    assert r.status_code == 302
    a = Arrangement.objects.get(pupil=w.ben)
    assert (a.kind, a.extra_time_percent, a.assessor, a.start) == (
        "extra_time", 25, "J. Patel, SENCO", TODAY,
    )  # fmt: skip
    assert AuditEvent.objects.filter(object_type="exams.arrangement", pupil_id=w.ben.pk).exists()
    shown = text(client.get(page(w)))
    assert "25 % extra time" in shown and "J. Patel, SENCO" in shown
    assert "No use in class recorded yet" in shown


def test_bad_input_is_refused_in_words_and_keeps_what_was_typed(world, as_user):
    w = world
    r = _add(as_user(w.senco), w, kind="extra_time", assessor="Typed assessor", evidence="")
    assert r.status_code == 422
    shown = text(r)
    assert "Give the extra time as a whole percentage, 1 to 100." in shown
    assert "Say what the assessment found." in shown
    assert 'value="Typed assessor"' in shown and 'class="error-summary"' in shown
    assert not Arrangement.objects.exists()


def test_one_current_arrangement_of_a_kind_and_ending_keeps_it(world, as_user):
    w = world
    a = arrangement(w, w.ben, "reader")
    client = as_user(w.senco)
    r = _add(client, w)
    assert r.status_code == 422 and "already has a current reader" in text(r)
    assert client.post(f"/exams/arrangements/{a.pk}/end/", {"end_reason": ""}).status_code == 302
    a.refresh_from_db()
    assert a.end is None  # no reason, not ended
    client.post(f"/exams/arrangements/{a.pk}/end/", {"end_reason": "Reads fluently now"})
    a.refresh_from_db()
    assert (a.end, a.end_reason) == (TODAY, "Reads fluently now")
    assert _add(client, w).status_code == 302
    assert Arrangement.objects.filter(pupil=w.ben).count() == 2


def test_only_the_senco_and_head_write_arrangements(world, as_user):
    w = world
    a = arrangement(w, w.ben, "reader")
    alice = as_user(w.alice)
    assert alice.get(page(w)).status_code == 200
    assert _add(alice, w, kind="scribe").status_code == 404
    assert alice.post(f"/exams/arrangements/{a.pk}/end/", {"end_reason": "x"}).status_code == 404
    assert Arrangement.objects.count() == 1
    assert "Record an arrangement" not in text(alice.get(page(w)))
    assert _add(as_user(w.head), w, kind="scribe").status_code == 302


def test_out_of_scope_is_not_found(world, as_user):
    w = world
    a = arrangement(w, w.ben, "reader")
    for person in (w.bob, w.hana, w.tom, w.theo, w.pat, w.olga, w.nobody):
        client = as_user(person)
        assert client.get(page(w)).status_code == 404, person
        r = client.post(f"/exams/arrangements/{a.pk}/use/", {})
        assert r.status_code == 404, person
    assert not ArrangementUse.objects.exists()
    assert "Ben Brown" not in text(as_user(w.bob).get("/exams/arrangements/"))


def test_a_ta_records_a_use_in_one_tap_on_the_board(world, as_user):
    w = world
    a = arrangement(w, w.ben, "reader")
    client = as_user(w.alice)
    board = text(client.get("/exams/arrangements/"))
    assert "Ben Brown" in board and "Record: reader used" in board
    assert AccessEvent.objects.filter(actor=w.alice, pupil=w.ben, what="exam arrangements").exists()
    r = client.post(
        f"/exams/arrangements/{a.pk}/use/",
        {"next": "/exams/arrangements/", f"use-{a.pk}-context": "Maths test"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    assert "Recorded: reader used on 18 November" in text(r)
    assert "used 1 time on 1 day" in text(r)
    use = ArrangementUse.objects.get()
    assert (use.date, use.context, use.recorded_by, use.pupil) == (
        TODAY,
        "Maths test",
        w.alice,
        w.ben,
    )
    assert AuditEvent.objects.filter(object_type="exams.arrangementuse").count() == 1


def _session_today(w):
    s = Session.objects.create(
        school=w.school, provision=w.talk, date=TODAY, start_time=dt.time(9, 0), minutes=30,
        delivered=True, delivered_by=w.alice, recorded_by=w.alice, recorded_at=timezone.now(),
    )  # fmt: skip
    SessionPupil.objects.create(session=s, pupil=w.ben, provision=w.talk, attendance="present",
                                date=TODAY, minutes=30)  # fmt: skip
    return s


def test_a_use_can_name_the_session_it_happened_in(world, as_user):
    w = world
    a = arrangement(w, w.ben, "reader")
    s = _session_today(w)
    client = as_user(w.alice)
    assert "Talk Boost at 09:00" in text(client.get(page(w)))
    r = client.post(f"/exams/arrangements/{a.pk}/use/", {f"use-{a.pk}-session": str(s.pk)})
    assert r.status_code == 302
    assert ArrangementUse.objects.get().session == s
    assert "1 in recorded session" in text(client.get(page(w)))


def test_a_use_is_refused_for_a_day_to_come_or_another_days_session(world, as_user):
    w = world
    a = arrangement(w, w.ben, "reader")
    s = _session_today(w)
    client = as_user(w.alice)
    url = f"/exams/arrangements/{a.pk}/use/"
    r = client.post(url, {f"use-{a.pk}-date": "2026-11-19"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "That day has not come yet" in text(r)
    r = client.post(
        url, {f"use-{a.pk}-date": "2026-11-17", f"use-{a.pk}-session": str(s.pk)},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert r.status_code == 422 and "Choose a session of Ben Brown's on that day" in text(r)
    assert not ArrangementUse.objects.exists()


def test_the_same_client_id_sent_again_records_once(world, as_user):
    w = world
    a = arrangement(w, w.ben, "reader")
    client = as_user(w.alice)
    body = {f"use-{a.pk}-client_id": str(uuid.uuid4())}
    for _ in range(2):
        assert client.post(f"/exams/arrangements/{a.pk}/use/", body).status_code == 302
    assert ArrangementUse.objects.count() == 1


def test_a_use_recorded_by_mistake_is_withdrawn_and_kept(world, as_user):
    w = world
    a = arrangement(w, w.ben, "reader")
    client = as_user(w.alice)
    client.post(f"/exams/arrangements/{a.pk}/use/", {})
    use = ArrangementUse.objects.get()
    assert (
        as_user(w.bob).post(f"/exams/uses/{use.pk}/withdraw/", {"reason": "x"}).status_code == 404
    )
    client = as_user(w.alice)
    r = client.post(f"/exams/uses/{use.pk}/withdraw/", {"reason": "Wrong pupil"})
    assert r.status_code == 302
    assert UseWithdrawal.objects.get(use=use).reason == "Wrong pupil"
    assert ArrangementUse.objects.filter(pk=use.pk).exists()
    shown = text(client.get(page(w)))
    assert "No use in class recorded yet" in shown and "Withdrawn: Wrong pupil" in shown


def test_the_page_costs_the_same_queries_however_many_uses(world, as_user):
    w = world
    a = arrangement(w, w.ben, "reader")
    arrangement(w, w.ben, "extra_time", extra_time_percent=25)
    client = as_user(w.alice)
    client.post(f"/exams/arrangements/{a.pk}/use/", {})

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(page(w)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for day in range(2, 8):
        client.post(f"/exams/arrangements/{a.pk}/use/", {f"use-{a.pk}-date": f"2026-11-0{day}"})
    assert ArrangementUse.objects.count() == 7
    assert count() == few


def test_a_parent_reads_their_childs_arrangements_and_exams_in_plain_english(world, as_user):
    from .conftest import T, allocate, seat, session

    w = world
    reader = arrangement(w, w.ben, "reader")
    arrangement(w, w.ben, "extra_time", extra_time_percent=25)
    from sendesk.exams import services as exams

    exams.use_record(actor=w.alice, arrangement=reader)
    s = session(w, title="Practice SATs: maths", start=T(9, 15), end=T(10, 15))
    seat(w, s, "Library", w.ben)
    allocate(w, s, w.alice, "reader", "Library", w.ben)
    shown = text(as_user(w.pat).get("/family/exams/"))
    assert "an adult to read the questions aloud (a reader)" in shown
    assert "25 % more time to finish each paper" in shown
    assert "Used in class once, most recently on Wednesday 18 November." in shown
    assert "Staff have not yet recorded using this in class." in shown
    assert "Practice SATs: maths, in Library, finishing at 10:30." in shown
    assert "Alice Assistant will be Ben's reader." in shown
    assert AccessEvent.objects.filter(actor=w.pat, pupil=w.ben, what="exam arrangements").exists()
    for person in (w.alice, w.senco, w.nobody):
        assert as_user(person).get("/family/exams/").status_code == 404


def test_the_board_costs_the_same_queries_however_many_pupils(world, as_user):
    w = world
    arrangement(w, w.ben, "reader")
    client = as_user(w.senco)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            r = client.get("/exams/arrangements/")
        assert r.status_code == 200
        return len(ctx.captured_queries), text(r)

    few, _ = count()
    arrangement(w, w.cara, "extra_time", extra_time_percent=25)
    arrangement(w, w.dan, "rest_breaks")
    arrangement(w, w.dan, "separate_room")
    many, shown = count()
    assert "Cara Clark" in shown and "Dan Dale" in shown and "Rest breaks" in shown
    assert many == few
