"""Each process keeps a school's calendar (schools.calendar.school_calendar), keyed by the
school's term and closure rows as read on each request: a closure the SENCO adds, or a
change made by anyone anywhere (another process, a console), is used by the next page."""

import datetime as dt
import html
import re
from html.parser import HTMLParser

from django.contrib.auth.models import Permission
from django.db import connection

from sendesk.schools.calendar import school_calendar
from sendesk.schools.models import Closure

from ..world import TODAY

MONDAY = TODAY - dt.timedelta(days=2)


def _talk_boost(client):
    """Talk Boost's row of the overview's shortfalls, in words."""
    part = client.get("/overview/parts/shortfalls/", HTTP_HX_REQUEST="true")
    assert part.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(part.content.decode())).split())
    return text[text.index("Talk Boost") : text.index("Talk Boost") + 120]


class _Form(HTMLParser):
    """The fields of the admin's school form as the browser would send them."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._text = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "checkbox"):
            self.data[a["name"]] = a.get("value") or ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.data.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._text = a["name"]
            self.data[self._text] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._text = None

    def handle_data(self, data):
        if self._text:
            self.data[self._text] += data


def test_a_closure_the_senco_adds_is_used_by_the_next_page(world, as_user):
    senco = world.senco
    senco.is_staff = True
    senco.save()
    senco.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="schools",
            codename__in=["view_school", "change_school", "view_closure", "add_closure"],
        )
    )
    client = as_user(senco)
    # 50 school days to today (half term out), 30 min each; Monday to today this week.
    assert "0 min of 1 h 30 min 0 min of 25 h" in _talk_boost(client)

    # The SENCO adds a training day on Monday through the set-up screens (the admin).
    url = f"/admin/schools/school/{world.school.pk}/change/"
    form = _Form()
    form.feed(client.get(url).content.decode())
    data = dict(form.data)
    new = int(data["closures-TOTAL_FORMS"])
    data["closures-TOTAL_FORMS"] = str(new + 1)
    data.update({
        f"closures-{new}-kind": "training", f"closures-{new}-name": "INSET",
        f"closures-{new}-start": MONDAY.isoformat(), f"closures-{new}-end": MONDAY.isoformat(),
    })  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Closure.objects.filter(school=world.school, name="INSET", start=MONDAY).exists()

    # The next page counts one day fewer: this process's calendar was not kept.
    assert "0 min of 1 h 0 min of 24 h 30 min" in _talk_boost(client)
    # A change made elsewhere (another process, a console; no ORM, no signal) too.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE schools_closure SET start = %s, \"end\" = %s WHERE name = 'INSET'",
            [MONDAY - dt.timedelta(days=7), MONDAY - dt.timedelta(days=7)],
        )
    assert "0 min of 1 h 30 min 0 min of 24 h 30 min" in _talk_boost(client)


def test_the_calendar_is_kept_while_its_rows_are_the_same(world, django_assert_num_queries):
    first = school_calendar(world.school.pk)
    with django_assert_num_queries(1):  # the rows, read again to compare
        assert school_calendar(world.school.pk) is first
    assert school_calendar(world.other.pk) is not first
    Closure.objects.create(school=world.school, kind="other", name="Snow", start=MONDAY, end=MONDAY)
    again = school_calendar(world.school.pk)
    assert again is not first
    assert first.is_school_day(MONDAY) and not again.is_school_day(MONDAY)
