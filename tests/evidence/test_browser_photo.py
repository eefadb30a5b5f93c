"""A TA attaches a photo to a session on a phone: from the session's page, the camera or a
file, a caption and a target; saved without its location, shown on the page, and nothing
scrolls sideways."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from sendesk.evidence.models import Evidence
from sendesk.provision.models import Session, SessionPupil
from tests.browser.signin import log_in
from tests.world import TODAY

from .conftest import give_consent, gps_jpeg, has_gps


def test_ta_attaches_a_photo_to_a_session_on_a_phone(
    live_world, live_server, phone, tmp_path, evidence_dir
):
    w, base = live_world, live_server.url
    give_consent(w, w.ben)
    session = Session.objects.create(
        school=w.school, provision=w.talk, date=TODAY, minutes=30, delivered=True,
        delivered_by=w.alice, recorded_by=w.alice, recorded_at=timezone.now(),
    )  # fmt: skip
    SessionPupil.objects.create(
        session=session, pupil=w.ben, provision=w.talk, attendance="present", date=TODAY,
        minutes=30,
    )  # fmt: skip
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(gps_jpeg(size=(1200, 900)))

    log_in(phone, base, w.alice.email)
    phone.goto(f"{base}/sessions/{session.pk}/")
    phone.get_by_role("link", name=re.compile("Add a photo or recording")).tap()
    expect(
        phone.get_by_role("heading", name=re.compile("Add a photo or recording"))
    ).to_be_visible()
    phone.get_by_label("Photo, video or recording").set_input_files(str(photo))
    phone.get_by_label("Caption").fill("Asked for the red block with 4 words")
    phone.get_by_label("Uses 4-word sentences to ask for help").check()
    phone.get_by_role("button", name="Save").tap()

    expect(phone.get_by_text("Saved ✓")).to_be_visible()
    picture = phone.get_by_role("img", name="Asked for the red block with 4 words")
    expect(picture).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.set_viewport_size({"width": 320, "height": 640})
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    evidence = Evidence.objects.get()
    assert (evidence.session_id, evidence.pupil_id, evidence.recorded_by_id) == (
        session.pk, w.ben.pk, w.alice.pk,
    )  # fmt: skip
    assert list(evidence.targets.values_list("pk", flat=True)) == [w.t1.pk]
    assert not has_gps((evidence_dir / evidence.path).read_bytes())
    phone.get_by_role("link", name="Back to the session").tap()
    expect(phone).to_have_url(re.compile(rf"/sessions/{session.pk}/$"))
