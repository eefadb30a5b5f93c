"""The demo school's assessment records (issue 10): a reading intervention with entry and
exit scores and one pupil below the dosage guidance, a term of Engagement Model
observations, weekly spellings; seen through the pages and the API as the demo's SENCO."""

import html

import pytest
from django.contrib.auth import get_user_model

from sendesk.assessment.models import Assessment, EngagementObservation
from sendesk.provision.models import Provision

DOMAIN = "oakfield.example"


@pytest.fixture
def seeded(db, now, _shared):
    return _shared.get("seeded")


def _person(key):
    return get_user_model().objects.get(email=f"{key}@{DOMAIN}")


def test_reading_intervention_with_one_pupil_below_guidance(seeded, as_user):
    group = list(Provision.objects.filter(title="Reading intervention group").order_by("pk"))
    assert 3 <= len(group) <= 4
    scores = Assessment.objects.filter(provision__in=group)
    assert scores.filter(kind="entry").count() == len(group)
    assert scores.filter(kind="exit").count() == len(group)
    senco = as_user(_person("senco"))
    body = html.unescape(senco.get(f"/interventions/{group[0].pk}/impact/").content.decode())
    assert body.count("Within guidance") == len(group) - 1
    assert body.count("fewer than 3–5") == 1
    school = html.unescape(senco.get("/interventions/").content.decode())
    assert "Reading intervention group" in school


def test_a_term_of_engagement_model_observations(seeded, as_user):
    observations = EngagementObservation.objects.all()
    assert observations.count() >= 10
    pupil = observations.first().pupil
    assert pupil.sen_status == "E"
    assert all(o.outcomes.exists() for o in observations)
    page = as_user(_person("senco")).get(f"/pupils/{pupil.pk}/engagement/")
    assert page.status_code == 200
    assert page.content.decode().count('<svg role="img"') == 5


def test_weekly_spellings_for_the_class(seeded):
    spellings = Assessment.objects.filter(kind="routine", measure__name__startswith="Weekly")
    assert spellings.count() >= 8
    assert spellings.values("pupil").distinct().count() >= 2
