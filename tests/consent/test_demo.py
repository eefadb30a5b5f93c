"""The demo's consents: parent@'s child with photos and sharing with the speech and language
therapy service given and sharing with the EP service refused; every medicine's consent in
the consent app; the trip's pupils with a consent to trips."""

from sendesk.consent import selectors
from sendesk.demo.oakfield import demo_school
from sendesk.family.models import ParentLink
from sendesk.medication.models import Medicine
from sendesk.visits.models import Trip
from tests.demo.conftest import seeded as seeded  # noqa: F401 (fixture)


def test_parent_sees_their_choices_and_staff_the_medicine_consents(seeded):
    school = demo_school()
    link = ParentLink.objects.select_related("pupil", "user").get(
        user__email="parent@oakfield.example"
    )
    child = link.pupil
    questions = {q["label"]: q["current"] for q in selectors.questions(child)}
    assert questions["Photos and video"].decision == "given"
    sharing = {label: c.decision for label, c in questions.items() if c and c.agency_id}
    assert sorted(sharing.values()) == ["given", "refused"]
    ep = next(label for label in sharing if "Educational Psychology" in label)
    assert sharing[ep] == "refused"
    medicines = list(Medicine.objects.filter(pupil__school=school, active=True))
    assert medicines
    Medicine.load_consent(medicines)
    assert all(m.has_consent for m in medicines)
    [trip] = Trip.objects.filter(school=school)
    assert all(selectors.allows(p, "trips", on=trip.date) for p in trip.pupils.all())
