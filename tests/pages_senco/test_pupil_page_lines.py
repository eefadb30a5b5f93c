"""The pupil page's provision rows and timeline lines are written in Python (no template per
row): what anyone typed is still escaped, and the links and figures are the ones the page
always showed."""

import html
import uuid

from sendesk.provision.models import Provision
from sendesk.provision.services import PupilRecord, session_record
from tests.world import AUTUMN_START, TODAY


def test_typed_words_in_a_provision_row_and_a_timeline_line_are_escaped(world, as_user):
    w = world
    odd = Provision.objects.create(
        pupil=w.ben, title="Maths <b>boost</b> & more", kind="group", source="sen_support",
        sessions_per_week=1, session_minutes=20, weekly_minutes=20, days="3", start=AUTUMN_START,
    )  # fmt: skip
    odd.targets.set([w.t1])
    session, _ = session_record(
        actor=w.alice, client_id=uuid.uuid4(), provision_id=w.talk.pk, date=TODAY, minutes=30,
        delivered=True,
        pupils=[PupilRecord(pupil_id=w.ben.pk, attendance="present",
                            note='Said "<script>alert(1)</script>" & laughed')],
    )  # fmt: skip

    body = as_user(w.senco).get(f"/pupils/{w.ben.pk}/").content.decode()

    assert "<b>boost</b>" not in body and "<script>alert" not in body
    assert "Maths &lt;b&gt;boost&lt;/b&gt; &amp; more" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    # The line links to its session and names who recorded it; the row links its weeks.
    assert f'<a href="/sessions/{session.pk}/">Talk Boost: present, 30 min</a>' in body
    assert f'<span class="muted">— {html.escape(w.alice.full_name)}</span>' in body
    assert f'hx-get="/pupils/{w.ben.pk}/provision/{odd.pk}/weeks/"' in body
    assert f"For: {html.escape(w.t1.text)}" in body
