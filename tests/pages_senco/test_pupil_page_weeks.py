"""The pupil page's week-by-week delivery chart, and the shortfall list's sort and hours."""

import datetime as dt
import html
import re

from sendesk.audit.models import AccessEvent
from sendesk.provision.models import Provision
from sendesk.provision.services import PupilRecord, session_record

from ..world import AUTUMN_START, TODAY
from .conftest import count_queries

MONDAY = TODAY - dt.timedelta(days=2)


def text(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def present(world, provision, day, minutes=30, pupil=None):
    session_record(
        actor=world.senco, provision_id=provision.pk, date=day, minutes=minutes, delivered=True,
        pupils=[PupilRecord(pupil_id=(pupil or world.ben).pk, attendance="present")],
    )  # fmt: skip


def test_each_week_of_the_term_promised_against_delivered(world, as_user):
    for day in (dt.date(2026, 11, 9), dt.date(2026, 11, 10), dt.date(2026, 11, 12), MONDAY):
        present(world, world.talk, day)
    client = as_user(world.senco)
    body = client.get(f"/pupils/{world.ben.pk}/").content.decode()
    # The chart loads when its row is opened: htmx asks for it; with no script, the link
    # inside the <details> opens it as a page. Both give the same weeks.
    start = body.index('<span class="visually-hidden">: Talk Boost</span>')
    row = body[start : body.index("</details>", start)]
    url = f"/pupils/{world.ben.pk}/provision/{world.talk.pk}/weeks/"
    assert f'href="{url}"' in row and "Week of" not in row
    assert f'<details class="weeks" hx-get="{url}" hx-trigger="toggle once"' in body
    part = client.get(url, headers={"HX-Request": "true"}).content.decode()
    week = " ".join(re.sub(r"<[^>]+>", " ", part).split())
    page = client.get(url).content.decode()
    assert part in page and "<h1>Week by week this term: Talk Boost</h1>" in page
    assert AccessEvent.objects.filter(pupil=world.ben, what="pupil page (weeks)").count() == 2
    # Term began on Thursday 3 September: two days owed that week.
    assert "Week of 31 Aug 0 min of 1 h 1 h short" in week
    assert "Week of 9 Nov 1 h 30 min of 2 h 30 min 1 h short" in week
    assert "Week of 16 Nov 30 min of 1 h 30 min 1 h short" in week  # Mon to Wed
    assert "Week of 26 Oct" not in week  # half term: nothing owed, nothing given
    assert week.count("Week of ") == 11
    assert 'aria-hidden="true"' in part


def test_pupil_page_queries_do_not_grow_with_weeks_or_sessions(world, as_user):
    client = as_user(world.senco)
    url = f"/pupils/{world.ben.pk}/"
    few = count_queries(client, url)
    odd = Provision.objects.create(
        pupil=world.ben, title="Motor skills", kind="therapy", source="ehcp_f",
        weekly_minutes=100, days="135", start=AUTUMN_START,
    )  # fmt: skip
    day = AUTUMN_START
    while day <= TODAY:
        if day.isoweekday() <= 5 and not dt.date(2026, 10, 26) <= day <= dt.date(2026, 10, 30):
            present(world, world.talk, day, minutes=20)
            if day.isoweekday() in (1, 3, 5):
                present(world, odd, day, minutes=35)
        day += dt.timedelta(days=7 if day.isoweekday() == 5 else 1)
    many = count_queries(client, url)
    assert many == few
    page = text(client.get(url))
    assert page.count("Week by week this term") == 3


def test_shortfall_list_sorts_by_minutes_or_percent(world, as_user):
    for day in (MONDAY, TODAY, TODAY - dt.timedelta(days=1)):
        present(world, world.talk, day)
    client = as_user(world.senco)
    by_minutes = text(client.get("/overview/shortfalls/"))
    by_percent = text(client.get("/overview/shortfalls/?sort=percent"))
    assert by_minutes.index("Talk Boost") < by_minutes.index("Precision teaching")
    assert by_percent.index("Precision teaching") < by_percent.index("Talk Boost")
    assert "the lowest share delivered first" in by_percent
    assert "23 h 30 min short" in by_minutes  # Talk Boost: 1500 - 90
    body = client.get("/overview/shortfalls/?sort=percent").content.decode()
    assert '<a href="?sort=percent" aria-current="page">' in body
    assert '<a href="?sort=minutes">' in body
    # An unknown sort is the default order, not an error.
    odd = client.get("/overview/shortfalls/?sort=%00worst")
    assert odd.status_code == 200 and text(odd) == by_minutes
    # The overview's shortfalls (a part it loads) link to the list by percent.
    overview = client.get("/overview/parts/shortfalls/", HTTP_HX_REQUEST="true").content.decode()
    assert 'href="/overview/shortfalls/?sort=percent"' in overview


def test_a_week_chart_is_only_for_a_current_provision_of_a_pupil_in_scope(
    world, as_user, missing_body
):
    talk = f"/pupils/{world.ben.pk}/provision/{world.talk.pk}/weeks/"
    assert as_user(world.senco).get(talk).status_code == 200
    # Alice (a TA) may not see Cara: her chart is as missing as a made-up pupil's.
    nothing = missing_body(world.alice, "/pupils/{}/provision/" + f"{world.talk.pk}/weeks/")
    cara = as_user(world.alice).get(f"/pupils/{world.cara.pk}/provision/{world.talk.pk}/weeks/")
    assert cara.status_code == 404 and cara.content == nothing
    # Another pupil's provision, or one that has ended, is not on this pupil's page.
    senco = as_user(world.senco)
    assert senco.get(f"/pupils/{world.cara.pk}/provision/{world.talk.pk}/weeks/").status_code == 404
    Provision.objects.filter(pk=world.talk.pk).update(end=TODAY - dt.timedelta(days=1))
    assert senco.get(talk).status_code == 404
    assert not AccessEvent.objects.filter(what="pupil page (weeks)", pupil=world.cara).exists()
