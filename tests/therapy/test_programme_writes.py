"""The therapist sets, reviews, updates and ends a programme. A new programme is a
provision in the spine (kind therapy) that TAs deliver; each change keeps old and new."""

import datetime as dt
import re

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.lib.errors import ServiceError
from sendesk.provision.models import Provision
from sendesk.pupils.models import TimelineEntry
from sendesk.therapy import services
from sendesk.therapy.models import Programme, ProgrammeReview
from tests.world import TODAY

from .conftest import text

FORM = {
    "title": "Core vocabulary",
    "goals": "Names 20 classroom objects",
    "activities": "Picture lotto, then naming in the classroom",
    "sessions_per_week": "2",
    "session_minutes": "20",
    "days": ["2", "5"],
    "source": "sen_support",
}


def test_theo_sets_a_programme_and_it_becomes_a_therapy_provision(world, as_user):
    client = as_user(world.theo)
    assert client.get(f"/therapy/pupils/{world.ben.pk}/programmes/new/").status_code == 200
    r = client.post(f"/therapy/pupils/{world.ben.pk}/programmes/new/", FORM)
    assert r.status_code == 302
    assert r["Location"] == f"/therapy/pupils/{world.ben.pk}/"
    programme = Programme.objects.get(title="Core vocabulary")
    assert programme.referral == world.referral
    assert programme.pupil == world.ben
    assert programme.updated_by == world.theo
    provision = programme.provision
    assert (provision.kind, provision.source) == ("therapy", "sen_support")
    assert provision.staffing == "ta"
    assert (provision.sessions_per_week, provision.session_minutes) == (2, 20)
    assert (provision.weekly_minutes, provision.days, provision.start) == (40, "25", TODAY)
    assert provision.end is None and provision.pupil == world.ben
    audited = set(
        AuditEvent.objects.filter(actor=world.theo, pupil=world.ben).values_list(
            "object_type", "action"
        )
    )
    assert audited == {("provision.provision", "create"), ("therapy.programme", "create")}
    assert TimelineEntry.objects.filter(
        pupil=world.ben, title__startswith="Therapy programme added: Core vocabulary"
    ).exists()
    # It is on Ben's programme page, and TAs' My day will have it on Tuesdays and Fridays.
    assert "Core vocabulary" in text(client.get(f"/therapy/pupils/{world.ben.pk}/"))
    assert Provision.objects.due_on(dt.date(2026, 11, 20)).filter(pk=provision.pk).exists()


def test_the_source_is_chosen(world, as_user):
    as_user(world.theo).post(
        f"/therapy/pupils/{world.ben.pk}/programmes/new/", {**FORM, "source": "ehcp_f"}
    )
    assert Programme.objects.get(title="Core vocabulary").provision.source == "ehcp_f"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Give the programme a short title."),
        ({"goals": "  "}, "goals", "Say what the programme is for"),
        ({"activities": ""}, "activities", "Say what the TA does"),
        ({"days": ["1", "2", "3"]}, "days", "2 session(s) a week need 2 day(s)"),
        ({"days": []}, "days", "Choose at least one school day (Monday to Friday)."),
        ({"sessions_per_week": "9"}, "days", "9 session(s) a week need 9 day(s)"),
        ({"sessions_per_week": "30"}, "session_minutes", "Sessions a week is 1–25"),
        ({"sessions_per_week": "two"}, "sessions_per_week", "Give a whole number."),
        ({"session_minutes": "2"}, "session_minutes", "minutes 5–360"),
        ({"source": "somewhere"}, "source", ""),
        ({"source": ""}, "source", "Say where it is promised"),
        ({"title": "x" * 151}, "title", "150 characters"),
    ],
)
def test_bad_programme_input_is_refused_and_kept(world, as_user, changes, field, message):
    r = as_user(world.theo).post(
        f"/therapy/pupils/{world.ben.pk}/programmes/new/", {**FORM, **changes}
    )
    assert r.status_code == 422
    body = text(r)
    assert "Not saved: please check" in body
    assert message in body
    assert 'aria-invalid="true"' in body
    assert "Picture lotto, then naming in the classroom" in body or field == "activities"
    assert not Programme.objects.filter(referral=world.referral).exclude(pk=world.programme.pk)
    assert not Provision.objects.filter(kind="therapy").exists()


def test_review_keeps_old_and_new_values(world, as_user, new_programme):
    programme = new_programme()
    client = as_user(world.theo)
    assert client.get(f"/therapy/programmes/{programme.pk}/review/").status_code == 200
    r = client.post(
        f"/therapy/programmes/{programme.pk}/review/",
        {**FORM, "note": "Ben names 12 objects now", "goals": "Names 30 classroom objects",
         "sessions_per_week": "3", "days": ["1", "3", "5"]},
    )  # fmt: skip
    assert r.status_code == 302
    review = ProgrammeReview.objects.get(programme=programme)
    assert review.by == world.theo and review.note == "Ben names 12 objects now"
    assert review.changes == {
        "goals": ["Names 20 classroom objects", "Names 30 classroom objects"],
        "sessions_per_week": [2, 3],
        "days": ["25", "135"],
    }
    programme.refresh_from_db()
    programme.provision.refresh_from_db()
    assert programme.goals == "Names 30 classroom objects"
    assert programme.provision.weekly_minutes == 60
    assert programme.provision.description == "Names 30 classroom objects"
    assert AuditEvent.objects.filter(
        object_type="therapy.programme", action="update", object_id=str(programme.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="provision.provision", action="update", object_id=str(programme.provision_id)
    ).exists()
    assert AuditEvent.objects.filter(object_type="therapy.programmereview").exists()
    body = text(client.get(f"/therapy/pupils/{world.ben.pk}/"))
    assert "Ben names 12 objects now" in body
    assert "Goals: Names 20 classroom objects → Names 30 classroom objects" in body.replace(
        "<del>", ""
    ).replace("</del>", "").replace("<ins>", "").replace("</ins>", "")
    assert "Days: Tue, Fri → Mon, Wed, Fri" in body.replace("<del>", "").replace(
        "</del>", ""
    ).replace("<ins>", "").replace("</ins>", "")


def test_a_review_without_changes_is_kept_too(world, as_user):
    r = as_user(world.theo).post(
        f"/therapy/programmes/{world.programme.pk}/review/",
        {"note": "On track", "title": "Building sentences", "goals": "Uses 4-word sentences",
         "activities": "Barrier games with train pictures"},
    )  # fmt: skip
    assert r.status_code == 302
    review = ProgrammeReview.objects.get(programme=world.programme)
    assert review.changes == {}
    assert "No changes." in text(as_user(world.theo).get(f"/therapy/pupils/{world.ben.pk}/"))


def test_a_review_needs_a_note(world, as_user):
    r = as_user(world.theo).post(
        f"/therapy/programmes/{world.programme.pk}/review/",
        {"note": "", "title": "Renamed", "goals": "g", "activities": "a"},
    )
    assert r.status_code == 422
    assert "Say what you saw in the sessions" in text(r)
    assert 'value="Renamed"' in text(r)
    assert not ProgrammeReview.objects.exists()
    world.programme.refresh_from_db()
    assert world.programme.title == "Building sentences"


def test_a_school_provision_keeps_its_frequency(world, as_user):
    """The world's programme is delivered through Ben's EHC plan 1:1 'Talk Boost': the
    therapist words the programme, the SENCO owns the promise."""
    page = text(as_user(world.theo).get(f"/therapy/programmes/{world.programme.pk}/review/"))
    assert "ask the SENCO to change how often it runs" in page
    assert 'name="sessions_per_week"' not in page
    with pytest.raises(ServiceError) as err:
        services.programme_review(
            actor=world.theo, programme=world.programme, note="More", data={"sessions_per_week": 3}
        )
    assert "ask the SENCO" in err.value.errors["sessions_per_week"]
    world.talk.refresh_from_db()
    assert world.talk.sessions_per_week == 5
    r = as_user(world.theo).post(
        f"/therapy/programmes/{world.programme.pk}/end/", {"end": TODAY.isoformat(), "note": "x"}
    )
    assert r.status_code == 422
    assert "ask the SENCO to end it" in text(r)
    world.talk.refresh_from_db()
    assert world.talk.end is None


def test_renaming_a_programme_renames_its_own_provision_only(world, new_programme):
    services.programme_review(
        actor=world.theo, programme=world.programme, note="n", data={"title": "Sentences+"}
    )
    world.talk.refresh_from_db()
    assert world.talk.title == "Talk Boost"
    mine = new_programme()
    services.programme_review(actor=world.theo, programme=mine, note="n", data={"title": "Words"})
    mine.provision.refresh_from_db()
    assert mine.provision.title == "Words"


def test_ending_a_programme_ends_its_provision(world, as_user, new_programme):
    programme = new_programme()
    client = as_user(world.theo)
    assert client.get(f"/therapy/programmes/{programme.pk}/end/").status_code == 200
    r = client.post(
        f"/therapy/programmes/{programme.pk}/end/",
        {"end": TODAY.isoformat(), "note": "Targets met"},
    )
    assert r.status_code == 302
    programme.provision.refresh_from_db()
    assert programme.provision.end == TODAY
    review = ProgrammeReview.objects.get(programme=programme)
    assert review.changes == {"end": [None, TODAY.isoformat()]}
    assert review.note == "Targets met"
    assert Programme.objects.filter(pk=programme.pk).exists()  # nothing deleted
    assert not Provision.objects.current_on(TODAY + dt.timedelta(days=1)).filter(
        pk=programme.provision_id
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"end": "", "note": "x"}, "Give the programme's last day."),
        ({"end": "2026-01-01", "note": "x"}, "can't be before it began"),
        ({"end": "soon", "note": "x"}, "Give the date as day, month and year."),
        ({"end": TODAY.isoformat(), "note": ""}, "Say why the programme ends."),
    ],
)
def test_bad_end_input(world, as_user, new_programme, data, message):
    programme = new_programme()
    r = as_user(world.theo).post(f"/therapy/programmes/{programme.pk}/end/", data)
    assert r.status_code == 422
    assert message in text(r)
    programme.provision.refresh_from_db()
    assert programme.provision.end is None


def test_with_two_referrals_theo_chooses_which_the_programme_belongs_to(world, as_user):
    from sendesk.therapy.models import Referral

    ot = Referral.objects.create(
        pupil=world.ben, therapist=world.theo, discipline="ot", consent_by="Mrs Brown",
        consent_on=TODAY, start=TODAY, referred_by=world.senco,
    )  # fmt: skip
    client = as_user(world.theo)
    page = text(client.get(f"/therapy/pupils/{world.ben.pk}/programmes/new/"))
    assert "Occupational therapy, from 18 November 2026" in page
    r = client.post(
        f"/therapy/pupils/{world.ben.pk}/programmes/new/", {**FORM, "referral": str(ot.pk)}
    )
    assert r.status_code == 302
    assert Programme.objects.get(title="Core vocabulary").referral == ot
    r = client.post(
        f"/therapy/pupils/{world.ben.pk}/programmes/new/",
        {**FORM, "title": "Other", "referral": "999999"},
    )
    assert r.status_code == 422
    assert not Programme.objects.filter(title="Other").exists()


@pytest.mark.parametrize(
    ("therapist", "senco"),
    [
        ({"days": []}, {"days": []}),
        ({"sessions_per_week": "40"}, {"sessions_per_week": "40"}),
        ({"session_minutes": "400"}, {"session_minutes": "400"}),
        ({"days": ["1", "2", "3"]}, {"days": ["1", "2", "3"]}),
    ],
)
def test_therapist_and_senco_read_the_same_words_about_a_frequency(
    world, as_user, therapist, senco
):
    """A programme is a provision: the same mistake in how often it runs reads the same on
    the therapist's form and on the SENCO's provision form."""
    from tests.pages_senco.test_provision import _form

    def errors(response):
        assert response.status_code == 422
        lists = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', text(response), re.S)
        # Each field's own messages; the summary at the top links to them by label.
        items = [m for ul in lists for m in re.findall(r"<li>(.*?)</li>", ul, re.S)]
        return {" ".join(m.split()) for m in items if "<a " not in m}

    theirs = errors(
        as_user(world.theo).post(
            f"/therapy/pupils/{world.ben.pk}/programmes/new/",
            {**FORM, "sessions_per_week": "2", "session_minutes": "20", **therapist},
        )
    )
    senco_data = _form(world, sessions_per_week="2", session_minutes="20", days=["2", "5"])
    ours = errors(
        as_user(world.senco).post(f"/pupils/{world.ben.pk}/provision/new/", {**senco_data, **senco})
    )
    assert theirs and theirs == ours
