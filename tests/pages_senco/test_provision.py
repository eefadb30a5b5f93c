import datetime as dt
import html
import re

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.provision.models import Provision

from ..world import TODAY


def _text(response):
    return html.unescape(response.content.decode())


def _form(world, **overrides):
    data = {
        "title": "Lego therapy",
        "description": "Social communication through building together",
        "kind": "group",
        "source": "ehcp_f",
        "sessions_per_week": "3",
        "session_minutes": "20",
        "hours_per_week": "",
        "days": ["1", "3", "5"],
        "group_size": "3",
        "staffing": "ta",
        "staffing_notes": "Trained in Lego therapy",
        "targets": [str(world.t1.pk)],
        "plan": str(world.plan.pk),
        "start": "2026-11-23",
        "end": "",
        "cost_per_hour": "18.50",
    }
    data.update(overrides)
    return data


def test_sessions_and_days_that_disagree_are_refused_and_kept(world, as_user):
    response = as_user(world.senco).post(
        f"/pupils/{world.ben.pk}/provision/new/", _form(world, days=["1", "3"])
    )
    assert response.status_code == 422
    page = _text(response)
    assert "3 session(s) a week need 3 day(s) in the weekly pattern; 2 are ticked." in page
    assert 'value="Lego therapy"' in page and 'value="18.50"' in page
    ticked = set(re.findall(r'name="days" value="(\d)"[^>]*checked', page))
    assert ticked == {"1", "3"}
    assert not Provision.objects.filter(title="Lego therapy").exists()


def test_senco_adds_provision_with_targets_and_plan(world, as_user):
    response = as_user(world.senco).post(f"/pupils/{world.ben.pk}/provision/new/", _form(world))
    assert response.status_code == 302
    assert response["Location"] == f"/pupils/{world.ben.pk}/#provision"
    provision = Provision.objects.get(title="Lego therapy")
    assert (provision.weekly_minutes, provision.days, provision.group_size) == (60, "135", 3)
    assert (provision.plan, provision.start) == (world.plan, dt.date(2026, 11, 23))
    assert list(provision.targets.all()) == [world.t1]
    assert provision.cost_per_hour == pytest.approx(18.5)
    assert AuditEvent.objects.filter(object_type="provision.provision", action="create").exists()


def test_teacher_adds_hours_a_week_provision(world, as_user):
    response = as_user(world.tess).post(
        f"/pupils/{world.dan.pk}/provision/new/",
        _form(world, title="Nurture group", sessions_per_week="", session_minutes="",
              hours_per_week="2.5", days=["1", "2", "3", "4", "5"], targets=[], plan="",
              source="sen_support"),
    )  # fmt: skip
    assert response.status_code == 302
    provision = Provision.objects.get(title="Nurture group")
    assert (provision.pupil, provision.weekly_minutes, provision.sessions_per_week) == (
        world.dan, 150, None,
    )  # fmt: skip


def test_another_pupils_target_is_not_offered(world, as_user):
    response = as_user(world.senco).post(
        f"/pupils/{world.dan.pk}/provision/new/", _form(world, plan="", targets=[str(world.t1.pk)])
    )
    assert response.status_code == 422
    assert not Provision.objects.filter(pupil=world.dan).exists()


def test_form_offers_the_pupils_targets(world, as_user):
    page = _text(as_user(world.senco).get(f"/pupils/{world.ben.pk}/provision/new/"))
    assert "Uses 4-word sentences to ask for help (Ben's EHC plan)" in page
    assert 'value="ehcp_f" id="id_source_0" checked' in page  # Ben has an EHC plan


@pytest.mark.parametrize("person", ["alice", "bob", "olga", "nobody"])
def test_provision_writes_refused_with_404(world, as_user, person):
    client = as_user(getattr(world, person))
    assert client.get(f"/pupils/{world.ben.pk}/provision/new/").status_code == 404
    assert client.post(f"/pupils/{world.ben.pk}/provision/new/", _form(world)).status_code == 404
    assert client.get(f"/provision/{world.talk.pk}/end/").status_code == 404
    assert client.post(f"/provision/{world.talk.pk}/end/", {"end": "2026-11-20"}).status_code == 404
    assert not Provision.objects.filter(title="Lego therapy").exists()
    world.talk.refresh_from_db()
    assert world.talk.end is None


def test_ending_a_provision(world, as_user):
    client = as_user(world.senco)
    response = client.post(f"/provision/{world.talk.pk}/end/", {"end": "2026-11-20"})
    assert response.status_code == 302
    world.talk.refresh_from_db()
    assert world.talk.end == dt.date(2026, 11, 20)
    assert AuditEvent.objects.filter(object_type="provision.provision", action="update").exists()
    page = _text(client.get(f"/pupils/{world.ben.pk}/"))
    assert "to 20 Nov 2026" in page
    assert f"/provision/{world.talk.pk}/end/" not in page


def test_ending_before_the_start_is_refused(world, as_user):
    response = as_user(world.tess).post(f"/provision/{world.talk.pk}/end/", {"end": "2026-01-01"})
    assert response.status_code == 422
    page = _text(response)
    assert "The end date can't be before the start." in page and 'value="2026-01-01"' in page
    world.talk.refresh_from_db()
    assert world.talk.end is None


def test_ended_provision_drops_off_the_pupil_page(world, as_user):
    client = as_user(world.senco)
    client.post(f"/provision/{world.precision.pk}/end/", {"end": str(TODAY - dt.timedelta(days=1))})
    page = _text(client.get(f"/pupils/{world.ben.pk}/"))
    provision = page[page.index('id="provision"') : page.index('id="timeline-section"')]
    assert "Talk Boost" in provision and "Precision teaching" not in provision
