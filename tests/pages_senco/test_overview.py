import datetime as dt
import html
import re

import pytest

from sendesk.audit.models import AccessEvent
from sendesk.plans.models import Plan, Target
from sendesk.provision.models import Provision
from sendesk.provision.services import PupilRecord, session_record
from sendesk.pupils.models import Deployment, Pupil, PupilNeed
from sendesk.pupils.upn import make_upn

from ..world import AUTUMN_START, TODAY
from .conftest import count_queries

LAST_FRIDAY = TODAY - dt.timedelta(days=5)


def _text(response):
    return html.unescape(response.content.decode())


def _section(page, section_id):
    start = page.index(f'id="{section_id}"')
    end = page.find("</section>", start)
    return page[start:end]


HTMX = {"HTTP_HX_REQUEST": "true"}
PARTS = (
    "/overview/parts/shortfalls/",
    "/overview/parts/reviews/",
    "/overview/parts/stale-targets/",
)
LOADS = re.compile(r'<section [^>]*id="(\w+)"[^>]*hx-get="([^"]+)"[^>]*>.*?</section>', re.S)


def _overview(client, query=""):
    """The overview as a browser with script shows it: the page, with each place that
    loads a part (hx-get, hx-trigger="load", hx-swap="outerHTML") replaced by the part,
    asked for as htmx asks for it."""
    response = client.get("/overview/" + query)
    assert response.status_code == 200
    page = response.content.decode()
    parts = LOADS.findall(page)
    assert [section for section, _ in parts] == ["shortfalls", "reviews", "stale"]

    def part(match):
        loaded = client.get(html.unescape(match.group(2)), **HTMX)
        assert loaded.status_code == 200
        return loaded.content.decode()

    return html.unescape(LOADS.sub(part, page))


@pytest.mark.parametrize("person", ["senco", "head"])
def test_overview_shows_shortfall_review_stale_targets_and_register(world, as_user, person):
    session_record(
        actor=world.alice, provision_id=world.talk.pk, date=LAST_FRIDAY, minutes=30,
        delivered=False, missed_reason="staff_absent",
    )  # fmt: skip
    page = _overview(as_user(getattr(world, person)))

    shortfalls = " ".join(re.sub(r"<[^>]+>", " ", _section(page, "shortfalls")).split())
    assert "Talk Boost" in shortfalls and "Ben Brown" in shortfalls
    assert shortfalls.index("Talk Boost") < shortfalls.index("Precision teaching")  # worst first
    # In hours, and every minute short explained: 30 missed + 1470 never recorded.
    assert "0 min of 1 h 30 min" in shortfalls and "0 min of 25 h" in shortfalls
    assert "25 h short" in shortfalls and "1500" not in shortfalls
    assert "Missed, staff absent: 30 min (1 session)" in shortfalls
    assert "No session recorded: 24 h 30 min" in shortfalls
    assert "No session recorded: 10 h" in shortfalls  # Precision teaching: 600 min

    reviews = _section(page, "reviews")
    assert "Ben's EHC plan" in reviews and "10 Dec 2026" in reviews
    # Each row links to its own pupil and plan (the links are built once per list).
    plan = Plan.objects.get(pupil=world.ben, title="Ben's EHC plan")
    ben, ben_plan = f'href="/pupils/{world.ben.pk}/', f'href="/plans/{plan.pk}/'
    assert f'{ben}#provision"' in _section(page, "shortfalls")
    assert f'{ben}"' in reviews and f'{ben_plan}"' in reviews
    assert f'{ben}"' in _section(page, "stale") and f"{ben_plan}#target-" in _section(page, "stale")

    stale = _section(page, "stale")
    assert "Uses 4-word sentences to ask for help" in stale and "never rated" in stale

    register = _section(page, "register")
    assert 'href="/pupils/?status=E&need=ASD&primary=1">1</a>' in register
    assert 'href="/pupils/?status=K&need=SPLD&primary=1">1</a>' in register
    assert "Olly" not in page


def test_overview_records_a_view_of_the_pupils_it_names(world, as_user):
    client = as_user(world.senco)
    client.get("/overview/")
    assert not AccessEvent.objects.exists()  # the page names nobody: its parts do
    _overview(client)
    named = list(AccessEvent.objects.values_list("pupil", "what"))
    # Ben, once for each of the three lists that name him; Cara and Dan are only counted.
    assert named == [(world.ben.pk, "SENCO overview")] * 3


def test_register_links_lead_to_the_matching_pupils(world, as_user):
    client = as_user(world.senco)
    page = _text(client.get("/pupils/?status=K&area=cl&primary=1"))
    assert "Clark, Cara" in page and "Dale" not in page and "Brown" not in page


def test_rated_target_leaves_the_stale_list_and_weeks_are_selectable(world, as_user):
    session_record(
        actor=world.alice, provision_id=world.talk.pk, date=TODAY, minutes=30, delivered=True,
        pupils=[PupilRecord(pupil_id=world.ben.pk, attendance="present",
                            target_progress=[(world.t1.pk, "emerging")])],
    )  # fmt: skip
    client = as_user(world.senco)
    stale = _section(_overview(client), "stale")
    assert "Reads 20 high-frequency words" in stale
    assert "Uses 4-word sentences" not in stale
    # Ben's plan began 3 September: asked about 12 weeks, it has not had the time.
    stale = _section(_overview(client, "?weeks=12"), "stale")
    assert "Reads 20 high-frequency words" not in stale
    assert '<option value="12" selected>' in stale


def test_stale_targets_never_rated_first_then_the_oldest_evidence(world, as_user):
    def rate(provision, target, day):
        session_record(
            actor=world.alice, provision_id=provision.pk, date=day, minutes=30, delivered=True,
            pupils=[PupilRecord(pupil_id=world.ben.pk, attendance="present",
                                target_progress=[(target.pk, "emerging")])],
        )  # fmt: skip

    precision = Provision.objects.get(pupil=world.ben, title="Precision teaching")
    rate(world.talk, world.t1, dt.date(2026, 10, 7))
    rate(world.talk, world.t1, dt.date(2026, 10, 5))  # older: not the latest
    rate(precision, world.t2, dt.date(2026, 10, 14))
    Target.objects.create(plan=world.plan, text="Counts to 20", order=3)
    listed = _text(as_user(world.senco).get("/overview/stale-targets/"))
    text = " ".join(re.sub(r"<[^>]+>", " ", listed[listed.index("<table") :]).split())
    assert text.index("Counts to 20") < text.index("Uses 4-word sentences")
    assert text.index("Uses 4-word sentences") < text.index("Reads 20 high-frequency words")
    assert "Uses 4-word sentences to ask for help Ben's EHC plan 7 Oct 2026" in text
    assert "Reads 20 high-frequency words Ben's EHC plan 14 Oct 2026" in text
    assert "Counts to 20 Ben's EHC plan never rated" in text
    assert "3 open targets on active plans" in listed


def test_plan_review_far_off_is_not_listed_and_overdue_comes_first(world, as_user):
    Plan.objects.filter(pk=world.plan.pk).update(review_date=dt.date(2027, 1, 30))
    Plan.objects.create(pupil=world.dan, kind="iep", title="Dan's IEP", status="active",
                        start_date=AUTUMN_START, review_date=dt.date(2026, 11, 1))  # fmt: skip
    reviews = _section(_overview(as_user(world.senco)), "reviews")
    assert "Dan's IEP" in reviews and "overdue" in reviews
    assert "Ben's EHC plan" not in reviews


@pytest.mark.parametrize("person", ["alice", "bob", "tess", "tom", "hana", "dsl", "nobody"])
def test_everyone_else_gets_404(world, as_user, person):
    client = as_user(getattr(world, person))
    nothing = client.get("/no-such-page/").content
    for url in ("/overview/", "/overview/shortfalls/", "/overview/reviews/",
                "/overview/stale-targets/", *PARTS):  # fmt: skip
        for headers in ({}, HTMX):
            response = client.get(url, **headers)
            assert response.status_code == 404 and response.content == nothing, url
    assert not AccessEvent.objects.exists()


def test_olga_sees_only_her_school(world, as_user):
    page = _overview(as_user(world.olga))
    assert "Talk Boost" not in page and "Ben" not in page
    # The school asked for is carried to the parts (and they check it again).
    shell = as_user(world.olga).get(f"/overview/?school={world.other.pk}").content.decode()
    assert f'hx-get="/overview/parts/shortfalls/?school={world.other.pk}"' in shell
    assert "Ben" not in _overview(as_user(world.olga), f"?school={world.other.pk}")
    for part in PARTS:
        assert (
            as_user(world.olga).get(f"{part}?school={world.school.pk}", **HTMX).status_code == 404
        )
    assert as_user(world.olga).get(f"/overview/?school={world.school.pk}").status_code == 404
    assert as_user(world.olga).get("/overview/?school=abc").status_code == 404


def test_full_lists(world, as_user):
    client = as_user(world.senco)
    page = _text(client.get("/overview/shortfalls/"))
    assert "2 provisions behind this term" in page and "Talk Boost" in page
    assert "Ben's EHC plan" in _text(client.get("/overview/reviews/"))
    page = _text(client.get("/overview/stale-targets/?weeks=4"))
    assert (
        "Targets with no evidence for 4 weeks" in page and "Reads 20 high-frequency words" in page
    )


def _grow_school(world, n):
    """n more pupils on the register, each with an active plan, a target, a provision
    that is behind, and a missed session."""
    for i in range(n):
        pupil = Pupil.objects.create(
            school=world.school, upn=make_upn("123", "4567", 2020, 200 + i),
            legal_first_name="Sky", legal_last_name=f"Yates{i:03d}",
            date_of_birth=dt.date(2018, 2, 2), year_group=world.y4, sen_status="K",
        )  # fmt: skip
        PupilNeed.objects.create(pupil=pupil, code=["MLD", "SEMH", "HI"][i % 3], rank=1)
        plan = Plan.objects.create(pupil=pupil, kind="iep", title=f"IEP {i}", status="active",
                                   start_date=AUTUMN_START, review_date=TODAY)  # fmt: skip
        Target.objects.create(plan=plan, text=f"Target {i}")
        provision = Provision.objects.create(
            pupil=pupil, plan=plan, title=f"Reading {i}", kind="group", source="sen_support",
            sessions_per_week=2, session_minutes=30, weekly_minutes=60, days="25",
            start=AUTUMN_START,
        )  # fmt: skip
        session_record(actor=world.senco, provision_id=provision.pk, date=LAST_FRIDAY,
                       minutes=30, delivered=False, missed_reason="trip")  # fmt: skip


def test_overview_query_count_does_not_grow(world, as_user):
    client = as_user(world.senco)
    urls = ("/overview/", *PARTS)
    small = [count_queries(client, url, **HTMX) for url in urls]
    _grow_school(world, 25)
    assert [count_queries(client, url, **HTMX) for url in urls] == small
    # The page: session, user, roles, register, parents not told, referrals past their
    # timescale (issue 11). Each part: session,
    # user, roles, its list (the shortfalls: calendar, ranking, the rows' records and
    # 1:1 deployments) and the access rows it writes. Each also loads the SENCO's
    # authenticator (django-otp: the session is verified by it); each part reads the access
    # chain's head to link the rows it writes (the shell names no pupil, writes none). The
    # page (not the parts) counts the unread notifications for the bar (issue 11).
    assert small == [8, 10, 7, 7]
    page = _overview(client)
    assert "27 provisions behind this term" in page
    assert 'href="/overview/shortfalls/"' in page and 'href="/overview/reviews/"' in page
    # One screen: the worst 10 of each list, each with a link to all of them.
    assert _section(page, "shortfalls").count('data-label="Pupil"') == 10
    assert "See all 27 shortfalls" in page
    due = Plan.objects.filter(
        pupil__school=world.school, status="active", review_date__lte=TODAY + dt.timedelta(weeks=4)
    ).count()
    assert due > 10 and _section(page, "reviews").count('data-label="Pupil"') == 10
    assert f"{due} active plans with a review" in page and f"See all {due} plans due" in page
    stale = (
        Target.objects.filter(plan__pupil__school=world.school, plan__status="active")
        .filter(status="open")
        .exclude(ratings__date__gt=TODAY - dt.timedelta(weeks=3))
        .count()
    )
    assert stale > 10 and _section(page, "stale").count('data-label="Pupil"') == 10
    assert f"See all {stale} targets with no evidence for 3 weeks" in page


def test_full_lists_are_paged_and_constant(world, as_user):
    client = as_user(world.senco)
    sizes = {
        url: count_queries(client, url)
        for url in ("/overview/shortfalls/", "/overview/reviews/", "/overview/stale-targets/")
    }
    _grow_school(world, 55)
    for url, small in sizes.items():
        assert count_queries(client, url) == small, url
    page = _text(client.get("/overview/shortfalls/?page=2"))
    assert "Page 2 of 3" in page  # 57 short, 20 a page


def test_a_one_to_one_with_nobody_deployed_says_so(world, as_user):
    client = as_user(world.senco)
    Provision.objects.create(
        pupil=world.ben, title="In-class 1:1 support", kind="one_to_one", source="ehcp_f",
        weekly_minutes=600, days="12345", start=dt.date(2026, 11, 9),
    )  # fmt: skip

    def why():
        # The overview, the full list and Ben's own page give the same reasons.
        page = _overview(client)
        listed = _text(client.get("/overview/shortfalls/"))
        own = _text(client.get(f"/pupils/{world.ben.pk}/"))
        short = [_section(page, "shortfalls"), listed[listed.index("<table") :], own]
        return [" ".join(re.sub(r"<[^>]+>", " ", part).split()) for part in short]

    assert all("No adult deployed" not in text for text in why())  # Alice is Ben's 1:1
    Deployment.objects.filter(pupil=world.ben).update(end=dt.date(2026, 11, 10))
    for text in why():
        # Owed 2 h a day since 9 November; nobody deployed on 6 of those 8 days.
        assert "No session recorded: 16 h No adult deployed 1:1 for 12 h of it" in text
        # Talk Boost's short sessions are anyone's to give: not a staffing gap.
        assert "No session recorded: 25 h No adult" not in text
    # Nobody deployed this term: every unrecorded day was a staffing gap.
    Deployment.objects.filter(pupil=world.ben).delete()
    for text in why():
        assert "No session recorded: 16 h No adult deployed 1:1 on any of those days" in text


def test_without_script_each_list_is_a_link_to_its_full_page(world, as_user):
    """The page comes with a place for each list, which loads it once the page has
    loaded; where no script runs, each place is a plain link to the full list, so
    nothing is lost. No inline script or style: a strict CSP is coming."""
    client = as_user(world.senco)
    page = client.get("/overview/?weeks=4").content.decode()
    places = {
        "shortfalls": ("/overview/parts/shortfalls/", "/overview/shortfalls/"),
        "reviews": ("/overview/parts/reviews/", "/overview/reviews/"),
        "stale": ("/overview/parts/stale-targets/?weeks=4", "/overview/stale-targets/?weeks=4"),
    }
    for section, (part, full) in places.items():
        place = page[
            page.index(f'id="{section}"') : page.index("</section>", page.index(f'id="{section}"'))
        ]
        assert f'hx-get="{part}" hx-trigger="load" hx-swap="outerHTML"' in place
        assert "data-loads" in place  # sendesk.js marks it aria-busy while it loads
        assert f'<a href="{full}">See the ' in place
        assert 'data-label="Pupil"' not in place  # no rows before the part comes
        assert client.get(full).status_code == 200
    assert "Ben Brown" not in page  # the page itself names nobody
    assert 'id="register"' in page  # the register comes with the page
    assert "<script>" not in page and "<style" not in page and " on" + "load=" not in page


def test_a_part_asked_for_without_htmx_is_its_full_list(world, as_user):
    client = as_user(world.senco)
    assert client.get(PARTS[0]).headers["Location"] == "/overview/shortfalls/"
    assert client.get(PARTS[1]).headers["Location"] == "/overview/reviews/"
    assert client.get(f"{PARTS[2]}?weeks=6").headers["Location"] == (
        "/overview/stale-targets/?weeks=6"
    )
    assert not AccessEvent.objects.exists()


def test_the_parents_not_told_alert_comes_with_the_page(world, as_user):
    from sendesk.behaviour.models import RestrictiveIntervention

    page = as_user(world.senco).get("/overview/").content.decode()
    overdue = RestrictiveIntervention.objects.filter(pupil__school=world.school).count()
    assert ("Parents not told" in page) == bool(overdue)
