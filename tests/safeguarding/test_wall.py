"""The safeguarding wall. Only the DSL team of the pupil's school reads concerns: every
other role gets 404 on every safeguarding page and endpoint, with the same body as an id
that does not exist, and no safeguarding text appears anywhere else in the product."""

import uuid

import pytest

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.pupils.models import TimelineEntry
from sendesk.safeguarding.models import Concern, ConcernAction, SafeguardingAccess

from .conftest import MARKER, report

NOT_DSL = ["alice", "bob", "tess", "tom", "hana", "senco", "head", "olga", "nobody"]

PAGES = [
    ("get", "/safeguarding/", None),
    ("get", "/safeguarding/concerns/{concern}/", None),
    ("post", "/safeguarding/concerns/{concern}/triage/",
     {"triage-status": "open", "triage-risk": "high", "triage-note": "x"}),
    ("post", "/safeguarding/concerns/{concern}/actions/",
     {"action-kind": "police", "action-note": "x"}),
    ("post", "/safeguarding/concerns/{concern}/close/", {"close-note": "x"}),
    ("post", "/safeguarding/concerns/{concern}/reopen/", {"reopen-note": "x"}),
    ("get", "/pupils/{pupil}/chronology/", None),
]  # fmt: skip
ENDPOINTS = [
    "/safeguarding/concerns/{concern}",
    "/pupils/{pupil}/safeguarding/chronology",
]


@pytest.fixture
def concerns(world):
    """A concern about Dan (reported by Alice, whose scope he is not in) and one about
    Olly at Other School (reported by Olga)."""
    return {"dan": report(world.alice, world.dan), "olly": report(world.olga, world.olly)}


def _urls(template, concern):
    return template.format(concern=concern.pk, pupil=concern.pupil_id), template.format(
        concern=uuid.uuid4(), pupil=uuid.uuid4()
    )


@pytest.mark.parametrize("method,template,data", PAGES)
@pytest.mark.parametrize("person", NOT_DSL)
def test_pages_are_404_for_everyone_but_the_dsl(
    world, concerns, as_user, person, method, template, data
):
    client = as_user(getattr(world, person))
    actions = ConcernAction.objects.count()
    for concern in concerns.values():
        real, missing = _urls(template, concern)
        nothing = getattr(client, method)(missing, data or {})
        response = getattr(client, method)(real, data or {})
        assert nothing.status_code == 404
        assert (response.status_code, response.content) == (404, nothing.content), real
        # The inbox has no id: it must look like a concern that does not exist.
        assert nothing.content == client.get(f"/safeguarding/concerns/{uuid.uuid4()}/").content
    assert ConcernAction.objects.count() == actions
    assert set(Concern.objects.values_list("status", flat=True)) == {"new"}
    assert not SafeguardingAccess.objects.filter(actor=getattr(world, person)).exists()
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("template", ENDPOINTS)
@pytest.mark.parametrize("person", [p for p in NOT_DSL if p != "nobody"])
def test_endpoints_are_404_for_everyone_but_the_dsl(world, concerns, api, person, template):
    user = getattr(world, person)
    for concern in concerns.values():
        real, missing = _urls(template, concern)
        nothing = api.get(user, missing)
        response = api.get(user, real)
        assert nothing.status_code == 404 and nothing.json() == {"detail": "Not Found"}
        assert (response.status_code, response.content) == (404, nothing.content)
        garbled = api.get(user, template.format(concern="not-an-id", pupil="not-an-id"))
        assert (garbled.status_code, garbled.content) == (404, nothing.content)
    assert not SafeguardingAccess.objects.exists()


@pytest.mark.parametrize("method,template,data", PAGES[1:])
def test_the_dsl_of_another_school_is_as_anyone_else(
    world, concerns, as_user, api, method, template, data
):
    client = as_user(world.dsl)
    real, missing = _urls(template, concerns["olly"])
    nothing = getattr(client, method)(missing, data or {})
    response = getattr(client, method)(real, data or {})
    assert (response.status_code, response.content) == (404, nothing.content)
    for endpoint in ENDPOINTS:
        real, missing = _urls(endpoint, concerns["olly"])
        assert api.get(world.dsl, real).content == api.get(world.dsl, missing).content
        assert api.get(world.dsl, real).status_code == 404
    assert "Olly" not in client.get("/safeguarding/").content.decode()
    assert not SafeguardingAccess.objects.filter(pupil=world.olly).exists()


def test_reporter_out_of_scope_reports_then_sees_nothing(world, as_user, api):
    # Dan is not in Alice's scope (she is 1:1 with Ben), but he is a pupil of her school.
    assert as_user(world.alice).get(f"/pupils/{world.dan.pk}/").status_code == 404
    body = {
        "client_id": str(uuid.uuid4()),
        "pupil_id": str(world.dan.pk),
        "occurred_at": "2026-11-18T09:00:00Z",
        "concern": f"{MARKER} said his dad hits him",
    }
    r = api.post(world.alice, "/safeguarding/concerns", body)
    assert r.status_code == 201
    concern_id = r.json()["id"]
    assert MARKER not in r.content.decode()
    assert as_user(world.alice).get(f"/safeguarding/concerns/{concern_id}/").status_code == 404
    assert api.get(world.alice, f"/safeguarding/concerns/{concern_id}").status_code == 404

    # Dee, the DSL, sees it in the inbox and the chronology; her views stay behind the wall.
    dee = as_user(world.dsl)
    assert MARKER in dee.get("/safeguarding/").content.decode()
    assert MARKER in dee.get(f"/pupils/{world.dan.pk}/chronology/").content.decode()
    assert MARKER in dee.get(f"/safeguarding/concerns/{concern_id}/").content.decode()
    assert (
        api.get(world.dsl, f"/safeguarding/concerns/{concern_id}").json()["concern"]
        == (body["concern"])
    )
    whats = set(SafeguardingAccess.objects.filter(actor=world.dsl).values_list("what", "via"))
    assert whats == {("inbox", "web"), ("chronology", "web"), ("concern", "web"),
                     ("concern", "api")}  # fmt: skip
    assert not AccessEvent.objects.filter(actor__in=[world.dsl, world.alice]).exists()
    assert not AuditEvent.objects.exists()


def _leak_urls(world):
    pupils = [world.ben, world.cara, world.dan]
    pages = ["/", "/pupils/", "/pupils/?q=dan", "/overview/",
             "/overview/shortfalls/", "/overview/reviews/", "/overview/stale-targets/",
             "/my-day/", "/feed/", "/restrictive-interventions/"]  # fmt: skip
    for p in pupils:
        pages += [
            f"/pupils/{p.pk}/",
            f"/pupils/{p.pk}/timeline/",
            f"/pupils/{p.pk}/access-log/",
            f"/pupils/{p.pk}/behaviour/",
            f"/pupils/{p.pk}/behaviour/export.csv",
        ]
    api = ["/pupils", "/provision/shortfalls"]
    for p in pupils:
        api += [
            f"/pupils/{p.pk}",
            f"/pupils/{p.pk}/timeline",
            f"/pupils/{p.pk}/access-log",
            f"/pupils/{p.pk}/plans",
            f"/pupils/{p.pk}/provision",
            f"/pupils/{p.pk}/behaviour",
        ]
    return pages, api


@pytest.mark.parametrize("person", ["senco", "head", "tess", "alice"])
def test_no_safeguarding_text_leaks(world, as_user, api, person):
    audit, access = AuditEvent.objects.count(), AccessEvent.objects.count()
    for pupil in (world.ben, world.dan, world.cara):
        concern = report(world.alice, pupil, client_id=uuid.uuid4())
        client = as_user(world.dsl)
        base = f"/safeguarding/concerns/{concern.pk}/"
        client.post(base + "triage/", {"triage-status": "open", "triage-risk": "high",
                                       "triage-note": f"{MARKER} triage"})  # fmt: skip
        client.post(base + "actions/", {"action-kind": "referral_csc",
                                        "action-note": f"{MARKER} referral"})  # fmt: skip
        client.get(f"/pupils/{pupil.pk}/chronology/")
    # Safeguarding code wrote nothing to the shared trails or the timeline.
    assert (AuditEvent.objects.count(), AccessEvent.objects.count()) == (audit, access)
    assert not TimelineEntry.objects.filter(title__contains=MARKER).exists()
    assert not TimelineEntry.objects.filter(body__contains=MARKER).exists()

    user = getattr(world, person)
    client = as_user(user)
    pages, endpoints = _leak_urls(world)
    # Pages that must have shown this person something, so that the checks mean something.
    seen = {f"/pupils/{world.ben.pk}/", f"/pupils/{world.ben.pk}/timeline/", "/pupils/"}
    for url in pages:
        response = client.get(url)
        if url in seen:
            assert response.status_code == 200, url
        text = response.content.decode(errors="replace")
        assert MARKER not in text, url
        assert "Dee Dsl" not in text, url  # her views are not in anyone's access log
        assert "Referral to children" not in text and "Concern reported" not in text, url
    # Searching for words of a concern finds no pupil (the query itself is echoed back).
    found = client.get("/pupils/", {"q": MARKER}).content.decode()
    assert "0 pupils" in found
    for path in endpoints:
        response = api.get(user, path)
        if path in (f"/pupils/{world.ben.pk}/timeline", "/pupils"):
            assert response.status_code == 200, path
        assert MARKER not in response.content.decode(), path
        assert "Dee Dsl" not in response.content.decode(), path


def test_error_responses_do_not_echo_anyone_elses_text(world, api):
    dee = report(world.dsl, world.dan)
    # Alice re-sends the DSL's client_id with her own text: answered as any new report.
    body = {"client_id": str(dee.client_id), "pupil_id": str(world.dan.pk),
            "occurred_at": "2026-11-18T09:00:00Z", "concern": "Mine"}  # fmt: skip
    r = api.post(world.alice, "/safeguarding/concerns", body)
    assert r.status_code == 201 and MARKER not in r.content.decode()
    assert set(r.json()) == {"id", "received_at"}
    # Bad input: named, never repeated back.
    bad = {
        "client_id": str(uuid.uuid4()), "pupil_id": str(world.dan.pk), "occurred_at": "soon",
        "concern": 42, "location": MARKER * 20,
        "body_map": [{"side": "top", "x": 500, "y": 1, "note": MARKER * 20}],
    }  # fmt: skip
    r = api.post(world.alice, "/safeguarding/concerns", bad)
    assert r.status_code == 422
    assert MARKER not in r.content.decode() and "soon" not in r.content.decode()
    errors = r.json()["errors"]
    assert {"occurred_at", "concern", "location", "body_map.0.side", "body_map.0.x",
            "body_map.0.note"} <= set(errors)  # fmt: skip
    # A bad id is 404, and says nothing either.
    other = {**body, "client_id": str(uuid.uuid4()), "pupil_id": str(world.olly.pk)}
    r = api.post(world.alice, "/safeguarding/concerns", other)
    assert (r.status_code, r.json()) == (404, {"detail": "Not Found"})
