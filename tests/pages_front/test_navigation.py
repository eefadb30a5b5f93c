"""The navigation bar is put together from what each app declares in its AppConfig
(sendesk.lib.registry). Each role finds the same entries, in the same order, as when they
were one list in front; the DSL's badge comes from the safeguarding app."""

import html
import re
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from sendesk.lib import registry
from sendesk.pupils.models import TimelineEntry
from sendesk.safeguarding import services as safeguarding

# Everyone ends with their own sign-in security (issue 8: the second factor).
SIGN_IN = "Sign-in security"
APPRAISAL, NEEDS = "Appraisal and CPD", "Training needs"  # issue 9
REVIEWS = "Reviews"  # issue 10
MSG = "Messages with families"  # issue 11: before Pupils (parents: "Messages")
# Issue 10, in the "Assess and review" group: intervention impact (HLTA, SENCO, head),
# routine tests and the access arrangements (everyone who supports pupils), the exam
# timetable (SENCO, head) and reviews (all staff); the provision map (SENCO, head).
ARRANGEMENTS = "Access arrangements"
IMPACT, TESTS = "Intervention impact", "Routine tests"
MAP = "Provision map"
CENSUS = "Census check"  # issue 12: the census SEN check (SENCO, head), after the map
SAR = "Subject access"  # issue 12: the head, the DPO, and the DSL for their decision
RETENTION = "Retention"  # issue 12: the head, the DPO, and the DSL for safeguarding reviews
STAFF_END = [MSG, "Pupils", "Report a concern", APPRAISAL, REVIEWS, "My employment", SIGN_IN]
SUPPORT_END = [MSG, "Pupils", "Report a concern", APPRAISAL, TESTS, ARRANGEMENTS, REVIEWS,
               "My employment", SIGN_IN]  # fmt: skip
EXPECTED = {
    # Timetable, My team and Plans (deployment), Trips (visits), appraisal, staff records:
    # issue 9.
    "alice": ["My day", "Timetable", "Medicines", "Care", "Trips", *SUPPORT_END],  # TA
    "hana": ["My day", "Timetable", "My team", "Medicines", "Care", "Trips", MSG, "Pupils",
             "Report a concern", APPRAISAL, IMPACT, TESTS, ARRANGEMENTS, REVIEWS,
             "My employment", SIGN_IN],  # HLTA
    "tess": ["Timetable", "Feed", "Trips", *SUPPORT_END],  # teacher
    # A group's links follow each other where its first would be (the Staff menu).
    # Issue 11: Agencies, in the Staff menu (SENCO, head). Issue 12: Imports (head),
    # SEN from imports and the census check (SENCO, head).
    "senco": ["Overview", "Today's care", "Deployment", "Plans", "Trips", "Agencies",
              "Team records",
              APPRAISAL, NEEDS, MSG, "Pupils", "SEN from imports", "Report a concern", IMPACT,
              TESTS, "Exams", ARRANGEMENTS, REVIEWS, MAP, CENSUS, "My employment", SIGN_IN],
    "head": ["Overview", "Today's care", "Deployment", "Plans", "Trips", "Staff accounts",
             "Staff", "Agencies", "Imports", "Sign-in locks", APPRAISAL, NEEDS, SAR, RETENTION,
             MSG, "Pupils", "SEN from imports", "Report a concern", IMPACT,
             TESTS, "Exams", ARRANGEMENTS, REVIEWS, MAP, CENSUS, SIGN_IN],
    "dsl": ["Safeguarding", SAR, RETENTION, *STAFF_END],
    "theo": ["Therapy", SIGN_IN],  # therapist
    "pat": ["My children", "Messages", "Tests and exams", SIGN_IN],  # parent (issue 10: exams)
}  # fmt: skip
# Issue 11: everyone's bar starts with their notifications and their account ends with
# the notification settings.
EXPECTED = {
    who: ["Notifications", *links, "Notification settings"] for who, links in EXPECTED.items()
}


def labels(client, path):
    page = client.get(path).content.decode()
    nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
    links = re.findall(r"<a [^>]*>(.*?)</a>", nav)
    return [html.unescape(re.sub(r"<span.*", "", text)).strip() for text in links]


@pytest.mark.parametrize("who", EXPECTED)
def test_each_role_finds_its_entries_in_the_same_order(world, as_user, who):
    person = getattr(world, who)
    path = {"theo": "/therapy/", "pat": "/family/"}.get(who, "/pupils/")
    assert labels(as_user(person), path) == EXPECTED[who]


ASSESS = "Assess and review"  # issue 10's group
# The bar's top level: links, and groups folded behind a button (a <summary>). A group the
# person has one link of stays a link.
TOP = {
    "alice": ["My day", "Timetable", "Medicines", "Care", "Trips", MSG, "Pupils",
              "Report a concern", APPRAISAL, ASSESS, "Your account"],
    "senco": ["Overview", "Today's care", "Deployment", "Plans", "Trips", "Staff", MSG, "Pupils",
              "SEN from imports", "Report a concern", ASSESS, "Your account"],
    "head": ["Overview", "Today's care", "Deployment", "Plans", "Trips", "Staff", SAR,
             RETENTION, MSG, "Pupils", "SEN from imports", "Report a concern", ASSESS, SIGN_IN],
    "dsl": ["Safeguarding", SAR, RETENTION, MSG, "Pupils", "Report a concern", APPRAISAL, REVIEWS,
            "Your account"],
    "pat": ["My children", "Messages", "Tests and exams", SIGN_IN],
}  # fmt: skip
# Issue 11: notifications first; the account's links (sign-in security, notification
# settings) are a group for everyone now.
TOP = {
    who: ["Notifications", *["Your account" if x == SIGN_IN else x for x in links]]
    for who, links in TOP.items()
}


@pytest.mark.parametrize("who", TOP)
def test_staff_records_and_own_account_fold_into_groups(world, as_user, who):
    path = {"pat": "/family/"}.get(who, "/pupils/")
    page = as_user(getattr(world, who)).get(path).content.decode()
    nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
    link = r"<li><a [^>]*>(.*?)</a>"
    group = r'<li class="nav-group"><details><summary[^>]*>(.*?)</summary>'
    top = re.findall(rf"^            (?:{link}|{group})", nav, re.M)
    assert [html.unescape(re.sub(r"<span.*", "", a or b)).strip() for a, b in top] == TOP[who]


def test_the_group_holding_the_page_is_marked_and_its_link_is_current(world, as_user):
    page = as_user(world.head).get("/staff/").content.decode()
    nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert '<summary class="current">Staff</summary>' in nav
    assert re.search(r'<a href="/staff/" aria-current="page">Staff</a>', nav)
    assert '<summary class="current">Your account</summary>' not in nav


def test_the_dsl_sees_new_concerns_on_the_inbox_and_nobody_else_does(world, as_user):
    safeguarding.concern_report(
        actor=world.alice, client_id=uuid.uuid4(), pupil_id=world.ben.pk,
        occurred_at=timezone.now(), concern="Saw a bruise",
    )  # fmt: skip

    def nav(person):
        page = as_user(person).get("/pupils/").content.decode()
        return page.split("<nav", 1)[1].split("</nav>", 1)[0]

    assert re.search(r'>Safeguarding <span class="badge">1 new', nav(world.dsl))
    assert "badge" not in nav(world.senco) and "badge" not in nav(world.alice)


def test_timeline_lines_link_to_the_page_their_app_names(world):
    entry = TimelineEntry(pupil=world.ben, ref_type="administration", ref_id=str(uuid.uuid4()))
    assert entry.link == f"/medication/doses/{entry.ref_id}/"
    assert TimelineEntry(ref_type="unknown", ref_id="1").link == ""


def test_two_apps_claiming_one_name_is_a_set_up_error(monkeypatch):
    class One:
        audit_names = {"x.y": "One"}

    class Two:
        audit_names = {"x.y": "Two"}

    monkeypatch.setattr(registry.apps, "get_app_configs", lambda: [One(), Two()])
    with pytest.raises(ImproperlyConfigured):
        registry.merged("audit_names")


def test_the_trust_view_is_offered_to_trust_people_only(world, as_user):
    # Issue 13: a trust SENCO who is SENCO at one school finds the SENCO's bar with the
    # trust view after the overview; a trust lead with no school role finds the trust
    # view and their sign-in security; nobody else finds it.
    from sendesk.accounts.models import User
    from sendesk.schools.models import Role, StaffRole, TrustRole

    tina = User.objects.create_user("tina@test.example", "x", full_name="Tina Trust")
    TrustRole.objects.create(user=tina, trust=world.trust, role="trust_senco")
    StaffRole.objects.create(user=tina, school=world.school, role=Role.SENCO)
    expected = list(EXPECTED["senco"])
    expected.insert(expected.index("Overview") + 1, "Trust")
    assert labels(as_user(tina), "/pupils/") == expected
    TrustRole.objects.create(user=world.nobody, trust=world.trust, role="trust_lead")
    assert labels(as_user(world.nobody), "/trust/") == ["Trust", SIGN_IN]
    for who in EXPECTED:
        assert "Trust" not in labels(as_user(getattr(world, who)), "/pupils/")


def test_a_parent_with_a_trust_role_keeps_the_familys_entries(world, as_user):
    # A trust lead whose own child attends a school (Pat, Ben's parent, with no staff
    # role): their bar has the family's entries beside the trust person's (the trust view,
    # notifications, sign-in security), not the trust person's alone.
    from sendesk.schools.models import TrustRole

    TrustRole.objects.create(user=world.pat, trust=world.trust, role="trust_lead")
    found = labels(as_user(world.pat), "/family/")
    assert found[:5] == ["Notifications", "Trust", "My children", "Messages", "Tests and exams"]
    assert "Sign-in security" in found
    assert not {"Pupils", "Overview", "My day"} & set(found)  # no school's pages
