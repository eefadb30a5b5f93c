"""Every page type of the site, each with a person of tests/world.py who may open it and the
records it needs. The reflow test opens all of them at 320 CSS px; a test beside it checks
that this list and the URL patterns agree, so a page added later fails until it is listed
here (or listed as not a page: a POST-only action, a file download, a redirect).

Records the world does not hold (an incident, a session, a dose...) are made through the
public API, a contract, so that this list does not depend on where the models live."""

import datetime as dt
import uuid
from types import SimpleNamespace

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.api.conftest import Api
from tests.deployment_pages.helpers import make_plan
from tests.world import TODAY

# Routes that are not pages: actions that only accept POST (checked to answer GET with 405),
# and routes that answer with something other than a page.
POST_ONLY = {
    "homeschool_concern",  # issue 11: passing a message to the DSL
    "homeschool_diary_start",  # issue 11: starting a pupil's diary
    "advice_adopt",
    "feed_seen",
    "feed_seen_all",
    "strategy_add",
    "plan_activate",
    "plan_close",
    "outcome_add",
    "plan_strategy_add",
    "plan_strategy_change",
    "intervention_notify",
    "intervention_notification_retract",
    "safeguarding_triage",
    "safeguarding_action",
    "safeguarding_close",
    "safeguarding_reopen",
    "equipment_inspect",
    "equipment_out_of_service",
    "deployment_end",
    "lockout_lift",
    "notifications_read",  # issue 11: marking notifications read
    "device_revoke",
    "sign_out_everywhere_else",
    "session_keep_alive",
    "mfa_recovery_codes",
    "deployment_plan_publish",
    "assignment_pin",
    "trip_provision",
    # Issue 9: appraisal and training.
    "review_sign",
    "required_add",
    "required_remove",
    "review_confirm",
    # Issue 10: reviews.
    "reviews_step",
    # Issue 10: exams and access arrangements.
    "exam_room_add",
    "exam_seat",
    "exam_unseat",
    "exam_allocate",
    "exam_unallocate",
    "arrangement_use",
    "arrangement_end",
    "use_withdraw",
    "sar_redact",  # issue 12: subject access, the redaction step
    "import_apply",  # issue 12: applying a previewed import
    "imports_sen_decide",  # issue 12: the SENCO's decision on an SEN difference
    "sar_release",  # issue 12: subject access, recording the release
    "retention_hold",  # issue 12: placing a legal hold (its form is on retention_due)
    "retention_lift",  # issue 12: lifting a legal hold
    "pupil_rejoin",  # issue 12: the head undoes a leaving (its button is on the pupil page)
    "safeguarding_transfer",  # issue 12: the DSL's transfer record (its form is on the chronology)
    "safeguarding_transfer_receipt",  # issue 12: the next school's receipt of that file
}
NOT_PAGES = {
    "homeschool_photo": "a message's photo, served through the access layer",
    "advice_file": "a professional's report file (a PDF download or a picture), issue 11",
    "home": "redirects to the person's start page",
    "logout": "POST only, logs out",
    "healthz": "plain text for the load balancer",
    "behaviour_export": "a CSV download",
    "staff_scr_csv": "a CSV download (the single central record)",
    # Parts the overview loads into itself (htmx); asked for as a page, each redirects to
    # its full list, which is listed above.
    "overview_part_shortfalls": "a part of the overview page (htmx)",
    "overview_part_reviews": "a part of the overview page (htmx)",
    "overview_part_stale_targets": "a part of the overview page (htmx)",
    "invite_accept": "reached by an e-mailed one-time link (test_account_pages_reflow opens it)",
    "password_reset_confirm": "reached by an e-mailed one-time link (as invite_accept)",
    "certificate_download": "a file download (a training certificate)",
    "reviews_pack": "a PDF download (the review pack)",
    "evidence_file": "the photo, video or recording itself (issue 10)",
    "evidence_thumb": "a thumbnail picture",
    "family_evidence_file": "the photo, video or recording itself, for the parent",
    "family_evidence_thumb": "a thumbnail picture, for the parent",
    "arrangement_for": "redirects to the chosen pupil's access arrangements",
    "provision_map_csv": "a CSV download (the provision map)",
    "provision_map_pupils_csv": "a CSV download (the provision map, per pupil)",
    "pupil_ctf": "an XML download (the pupil's Common Transfer File for the next school)",
    "pupil_transfer_pack": "a PDF download (the transfer pack for the next school)",
    "sar_download": "a PDF or JSON download (a subject access request, issue 12)",
    # Shown only for a pupil past a retention date (born decades ago): the world has none.
    # Their HTTP behaviour is tested in tests/records/test_retention.py.
    "retention_confirm": "a disposal's confirmation, only for a pupil whose records are due",
    "retention_review": "the DSL's review, only for a safeguarding record that is due",
    "import_template": "a CSV download (an import template, issue 12)",
    "mfa_verify": "the second step, shown only between password and code: opened at 320 px "
    "in tests/signin/test_browser_second_factor.py",
}


def route_names():
    """The names of every URL pattern outside the admin and the API."""

    def walk(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if not str(entry.pattern).startswith(("admin/", "api/")):
                    yield from walk(entry)
            elif isinstance(entry, URLPattern) and entry.name:
                yield entry.name

    return set(walk(get_resolver()))


LINK = "https://www.example.org/oakfield/behaviour-support/calm-corner-guidance-2026.pdf"


def _ok(response):
    assert response.status_code in (200, 201), response.content[:500]
    return response.json()["id"]


def make_records(w, client):
    """One of each record the pages show, made through the API as the world's people."""
    api = Api(client)
    at = f"{TODAY.isoformat()}T09:20:00"
    incident = _ok(
        api.post(
            w.alice,
            "/behaviour/incidents",
            {
                "client_id": str(uuid.uuid4()),
                "pupil_id": str(w.ben.pk),
                "kind": "concern",
                "severity": 2,
                "occurred_at": at,
                "location": "Classroom 3A, by the reading corner",
                "lesson": "Maths",
                "antecedent": "Asked to stop the computer",
                "behaviour": "Threw a pencil and hid under the table",
                # Pasted addresses are long words: they must wrap, not widen the page.
                "response": f"Followed {LINK}",
                "staff_present": [w.alice.pk],
                "strategies": [{"strategy_id": w.calm_corner.pk, "effectiveness": 3}],
            },
        )
    )
    intervention = _ok(
        api.post(
            w.senco,
            "/restrictive-interventions",
            {
                "client_id": str(uuid.uuid4()),
                "pupil_id": str(w.ben.pk),
                "kind": "restraint",
                "started_at": at,
                "duration_minutes": 4,
                "location": "Corridor by the hall",
                "before": "Ran at another pupil with a chair raised",
                "deescalation": "Calm voice, offered the calm corner, cleared the corridor",
                "holds": "Team Teach single elbow, walked to the calm room",
                "reason": "Imminent risk of injury to another pupil",
                "staff": [{"user_id": w.alice.pk, "part": "lead"}],
            },
        )
    )
    start = dt.datetime.combine(TODAY, dt.time(9, 0))
    observation = _ok(
        api.post(
            w.alice,
            "/behaviour/observations",
            {
                "client_id": str(uuid.uuid4()),
                "method": "abc",
                "pupil_id": str(w.ben.pk),
                "lesson": "Maths",
                "activity": "Column addition",
                "staff_present": "Tess Teacher, Alice Assistant",
                "started_at": start.isoformat(),
                "ended_at": (start + dt.timedelta(minutes=20)).isoformat(),
                "entries": [
                    {
                        "at": (start + dt.timedelta(minutes=5)).isoformat(),
                        "antecedent": "Asked to start question 1",
                        "behaviour": "Pushed the book away",
                        "consequence": "Offered the calm corner",
                    }
                ],
            },
        )
    )
    session = _ok(
        api.post(
            w.alice,
            "/sessions",
            {
                "client_id": str(uuid.uuid4()),
                "provision_id": str(w.talk.pk),
                "date": TODAY.isoformat(),
                "start_time": "09:15",
                "minutes": 30,
                "delivered": True,
                "pupils": [
                    {
                        "pupil_id": str(w.ben.pk),
                        "attendance": "present",
                        "response": 4,
                        "note": f"Asked for help with a 4-word sentence twice. {LINK}",
                        "flag_for_teacher": True,
                        "target_progress": [{"target_id": str(w.t1.pk), "rating": "emerging"}],
                    }
                ],
            },
        )
    )
    dose = _ok(
        api.post(
            w.alice,
            "/medication/administrations",
            {
                "client_id": str(uuid.uuid4()),
                "medicine_id": str(w.inhaler.pk),
                "given_at": f"{TODAY.isoformat()}T09:30:00",
                "outcome": "given",
                "dose": "2 puffs",
            },
        )
    )
    care_event = _ok(
        api.post(
            w.alice,
            "/care/events",
            {
                "client_id": str(uuid.uuid4()),
                "care_plan_id": str(w.toileting.pk),
                "occurred_at": f"{TODAY.isoformat()}T09:40:00",
                "kind": "pad change",
                "second_staff_id": w.bob.pk,
                "observations": "Skin fine",
            },
        )
    )
    concern = _ok(
        api.post(
            w.alice,
            "/safeguarding/concerns",
            {
                "client_id": str(uuid.uuid4()),
                "pupil_id": str(w.ben.pk),
                "occurred_at": f"{TODAY.isoformat()}T08:50:00",
                "location": "Playground",
                "concern": f"A bruise on the upper arm, about 3 cm across. {LINK}",
                "words_used": "He said 'I fell off my bike'",
                "body_map": [{"side": "front", "x": 30, "y": 40, "note": "bruise"}],
            },
        )
    )
    # Rows as long as a real school's: set-up data made the way the admin would make it
    # (the same classes as the world's own records).
    type(w.hoist).objects.create(
        school=w.school,
        kind="sling",
        name="Full-body sling, size medium, hygiene room",
        serial="SL-2291-MEDIUM-0042",
        location="Hygiene room by the Reception cloakroom",
        pupil=w.ben,
        last_inspected=dt.date(2026, 6, 1),
        next_inspection=dt.date(2026, 12, 1),
    )
    type(w.referral).objects.create(
        pupil=w.cara,
        therapist=w.theo,
        discipline="ot",
        reason="Handwriting and fine motor skills",
        consent_by="Mr and Mrs Clark-Montgomery",
        consent_on=dt.date(2026, 9, 2),
        start=dt.date(2026, 9, 7),
        end=dt.date(2026, 11, 6),
        referred_by=w.senco,
    )
    # A staff record with a long job title and a single central record check (hr).
    from sendesk.staff.models import CentralCheck, StaffMember, WorkingDay

    member = StaffMember.objects.create(
        school=w.school, user=w.alice, post="ta", line_manager=w.hana,
        job_title="Teaching Assistant (SEN), Key Stage 2 intervention lead and ELSA",
        grade="H3", band="band2", hours_per_week="31.67", weeks_per_year=38,
        term_time_only=True, inset_days=2, started_on=dt.date(2024, 9, 3),
    )  # fmt: skip
    WorkingDay.objects.bulk_create(
        WorkingDay(member=member, weekday=d, start=dt.time(8, 30), end=dt.time(15, 30))
        for d in range(1, 6)
    )
    CentralCheck.objects.create(
        member=member, kind="dbs", checked_on=dt.date(2024, 8, 1), checked_by=w.head,
        evidence=f"Enhanced certificate seen, copy in HR file. {LINK}",
        certificate_number="001234567890", barred_list=True,
    )  # fmt: skip
    appraisal, training, induction, objective = _appraisal_records(w)
    # Ben's inhaler is given in an emergency too: the trip's emergency page offers it.
    w.inhaler.__class__.objects.filter(pk=w.inhaler.pk).update(
        emergency_use=True, emergency_dose="1 puff every 30 to 60 seconds, up to 10 puffs"
    )
    trip = _ok(
        api.post(
            w.senco,
            "/trips",
            {
                "date": TODAY.isoformat(), "start": "09:30", "end": "14:30",
                "destination": "The Museum of Science and Industry, Liverpool Road, Manchester",
                "pupil_ids": [str(w.ben.pk)], "staff_ids": [w.alice.pk, w.bob.pk],
            },
        )
    )  # fmt: skip
    # Issue 10: Ben's annual review, held today (so its record and decisions pages open).
    review = _ok(
        api.post(w.senco, "/reviews",
                 {"plan_id": str(w.plan.pk), "date": TODAY.isoformat(), "kind": "annual"})
    )  # fmt: skip
    evidence = _evidence(w, client, session)
    measure, assessment, engagement = _assessment_records(w, api)
    # Issue 11: a message from Ben's parent (the correction page is the author's).
    from sendesk.homeschool.services import message_send

    message, _ = message_send(actor=w.pat, pupil_id=w.ben.pk, body="Ben slept well.")
    # Issue 11: Theo's report about Ben (the page that attaches its file opens for it).
    from sendesk.therapy.services import advice_add

    said = {"kind": "report", "text": "Ben's speech and language report."}
    report = advice_add(actor=w.theo, referral=w.referral, data=said)
    # Issue 11: an agency of the school, for its page (agadmin11).
    agency = _ok(api.post(w.senco, "/agencies", {"name": "County EP Service", "kind": "ep"}))
    # Issue 13: the head is also the trust's lead, for the trust view.
    from sendesk.schools.models import TrustRole

    TrustRole.objects.get_or_create(user=w.head, trust=w.trust, role="trust_lead")
    return SimpleNamespace(
        report=report.pk,
        agency=agency,
        message=message.pk,
        review=review,
        evidence=evidence,
        measure=measure,
        assessment=assessment,
        engagement=engagement,
        staff_member=member.pk,
        trip=trip,
        exam=_exam(w),
        appraisal=appraisal,
        objective=objective,
        training=training,
        induction=induction,
        incident=incident,
        intervention=intervention,
        observation=observation,
        session=session,
        dose=dose,
        care_event=care_event,
        concern=concern,
        deployment_plan=(plan := make_plan(w, status="draft").plan).pk,
        deployment_assignment=plan.assignments.order_by("pk").first().pk,
        # Issue 12: a previewed import of one pupil from the product's CSV template.
        import_batch=_import_batch(w),
        # Issue 12: a subject access request about Ben, opened by the head.
        sar=_ok(
            api.post(
                w.head, "/subject-access", {"pupil_id": str(w.ben.pk), "requester": "Mrs B Brown"}
            )
        ),
    )


def _import_batch(w):
    """Issue 12: the head previews a pupils CSV (one new pupil); the batch page opens on it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sendesk.imports.services import import_preview

    csv = b"upn,first_name,last_name,date_of_birth,year\r\n,Nia,Okoro,2018-05-02,3\r\n"
    upload = SimpleUploadedFile("pupils.csv", csv, "text/csv")
    return import_preview(actor=w.head, kind="csv-pupils", upload=upload).pk


def _evidence(w, client, session):
    """Issue 10: Ben's parent gives photo consent; Alice adds a photo to the session."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from sendesk.consent.services import parent_decide

    parent_decide(actor=w.pat, pupil_id=w.ben.pk, kind="photos", decision="given")
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (90, 140, 200)).save(out, "JPEG")
    photo = SimpleUploadedFile("IMG_0001.jpg", out.getvalue(), content_type="image/jpeg")
    api = Api(client)
    body = {"file": photo, "session_id": str(session), "target_ids": [str(w.t1.pk)],
            "caption": "Asked for the red block with a four-word sentence: 'red block please "
            "Miss'. Supercalifragilisticexpialidocious tower of eleven blocks"}  # fmt: skip
    r = client.post(f"/api/v1/pupils/{w.ben.pk}/evidence", body, **api._auth(w.alice))
    return _ok(r)


def _exam(w) -> int:
    """Issue 10: Ben's reader and extra time (one use in class recorded by Alice), and a
    session with a long title after Alice is back from the trip, Ben in a small room with
    Alice as his reader."""
    from sendesk.exams import services as exams

    data = {
        "assessor": "A. Morgan, specialist teacher (access arrangements qualified)",
        "assessed_on": dt.date(2026, 10, 5),
        "evidence": f"Reading age 7y2m. {LINK}",
    }
    reader = exams.arrangement_add(
        actor=w.senco, pupil_id=w.ben.pk, data={**data, "kind": "reader"}
    )
    exams.arrangement_add(
        actor=w.senco,
        pupil_id=w.ben.pk,
        data={**data, "kind": "extra_time", "extra_time_percent": 25},
    )
    exams.use_record(actor=w.alice, arrangement=reader, context="Maths: fractions test")
    session = exams.session_create(
        actor=w.senco,
        data={
            "title": "Practice SATs: English grammar, punctuation and spelling, paper 1",
            "series": "Practice SATs",
            "date": TODAY,
            "start": dt.time(14, 45),
            "end": dt.time(15, 30),
            "rooms": ["Hall", "Library (small room beside Class 3A)"],
        },
    )
    rooms = {r.name: r.pk for r in session.rooms.all()}
    small = rooms["Library (small room beside Class 3A)"]
    exams.seat(actor=w.senco, session=session, pupil_ids=[w.ben.pk], room_id=small)
    exams.seat(actor=w.senco, session=session, pupil_ids=[w.cara.pk], room_id=rooms["Hall"])
    exams.allocate(
        actor=w.senco,
        session=session,
        data={
            "staff_id": w.alice.pk,
            "role": "reader",
            "room_id": small,
            "pupil_id": str(w.ben.pk),
        },
    )
    return session.pk


def _assessment_records(w, api):
    """Issue 10: a measure on Ben's precision teaching (no API sets one up: the service
    does), an entry score and an Engagement Model observation, through the API."""
    from sendesk.assessment import services

    measure = services.measure_save(
        actor=w.senco, school_id=w.school.pk,
        data={"name": "Reading (standardised)", "kind": "standardised", "higher_is_better": True,
              "min_score": 40, "max_score": 160, "exit_score": 85},
    )  # fmt: skip
    services.provision_set_measure(actor=w.senco, provision=w.precision, measure_id=measure.pk)
    assessment = _ok(api.post(w.alice, "/assessments", {
        "client_id": str(uuid.uuid4()), "pupil_id": str(w.ben.pk), "measure_id": measure.pk,
        "provision_id": str(w.precision.pk), "kind": "entry", "score": 82,
        "date": TODAY.isoformat(),
    }))  # fmt: skip
    engagement = _ok(api.post(w.alice, "/engagement-observations", {
        "client_id": str(uuid.uuid4()), "pupil_id": str(w.ben.pk),
        "observed_at": f"{TODAY.isoformat()}T09:30:00+00:00", "activity": "Bubbles",
        "areas": [{"area": "exploration", "level": 3, "note": "Reached for the bubbles"}],
    }))  # fmt: skip
    return measure.pk, assessment, engagement


def _appraisal_records(w):
    """Issue 9: an appraisal (the start signed off by both, so it can be amended), a
    certificate and an induction. These have no API: made through their services."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sendesk.appraisal import services
    from sendesk.staff.models import StaffMember, Training

    StaffMember.objects.get_or_create(
        school=w.school, user=w.alice,
        defaults={"post": "ta", "job_title": "Teaching Assistant (SEN)", "line_manager": w.hana,
                  "hours_per_week": 30, "started_on": dt.date(2024, 9, 2)},
    )  # fmt: skip
    appraisal = services.appraisal_start(
        actor=w.hana, school_id=w.school.pk, appraisee_id=w.alice.pk, year=2026
    )
    objective = services.objective_add(
        actor=w.hana, appraisal=appraisal, area="outcomes", standards="2.2, 3.4",
        text="Deliver Talk Boost to two groups a week and track each child's progress",
        success_criteria=f"Most children move up a step; notes kept at {LINK}",
    )  # fmt: skip
    start = appraisal.reviews.get(stage="start")
    services.review_save(actor=w.hana, review=start, data={
        "held_on": dt.date(2026, 9, 15), "summary": f"Objectives agreed. {LINK}",
        "cpd_plan": "Team Teach refresher", "band_practice": "band2",
        "comment_practice": "Sessions well planned",
    })  # fmt: skip
    services.review_sign(actor=w.alice, review=start)
    services.review_sign(actor=w.hana, review=start)
    training = Training.objects.get(user=w.alice, kind="positive_handling")
    pdf = SimpleUploadedFile("team-teach-level-2-certificate-2025.pdf", b"%PDF-1.4\n%%EOF\n")
    services.certificate_upload(actor=w.alice, training=training, upload=pdf)
    services.cpd_add(actor=w.alice, user_id=w.alice.pk, what="Talk Boost training",
                     done_on=dt.date(2026, 11, 12), hours="3", reflection=LINK)  # fmt: skip
    induction = services.induction_start(
        actor=w.senco, school_id=w.school.pk, user_id=w.bob.pk, mentor_id=w.alice.pk,
        started_on=dt.date(2026, 11, 16),
    )  # fmt: skip
    return appraisal.pk, training.pk, induction.pk, objective.pk


# url name -> (who opens it, its kwargs from (world, records), query string)
PAGES = {
    "login": (None, lambda w, r: {}, ""),
    "my_day": ("alice", lambda w, r: {}, ""),
    "session_record": ("alice", lambda w, r: {"provision_id": w.talk.pk}, ""),
    "session_detail": ("alice", lambda w, r: {"pk": r.session}, ""),
    "session_amend": ("alice", lambda w, r: {"pk": r.session}, ""),
    "session_strategies": ("alice", lambda w, r: {"pk": r.session}, ""),
    "teacher_feed": ("tess", lambda w, r: {}, ""),
    "pupil_list": ("senco", lambda w, r: {}, ""),
    "pupil_new": ("senco", lambda w, r: {}, ""),
    "pupil_detail": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "pupil_timeline": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "pupil_provision_weeks": (
        "senco",
        lambda w, r: {"pupil_id": w.ben.pk, "provision_id": w.talk.pk},
        "",
    ),
    "pupil_edit": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "pupil_access_log": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "overview": ("senco", lambda w, r: {}, ""),
    "overview_shortfalls": ("senco", lambda w, r: {}, ""),
    "overview_reviews": ("senco", lambda w, r: {}, ""),
    "overview_stale_targets": ("senco", lambda w, r: {}, ""),
    "plan_new": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "plan_detail": ("senco", lambda w, r: {"plan_id": w.plan.pk}, ""),
    "plan_edit": ("senco", lambda w, r: {"plan_id": w.plan.pk}, ""),
    "target_new": ("senco", lambda w, r: {"plan_id": w.plan.pk}, ""),
    "target_edit": ("senco", lambda w, r: {"target_id": w.t1.pk}, ""),
    "provision_new": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "provision_end": ("senco", lambda w, r: {"provision_id": w.talk.pk}, ""),
    "deployment": ("senco", lambda w, r: {}, ""),
    "school_day": ("senco", lambda w, r: {}, ""),
    "duty_posts": ("senco", lambda w, r: {}, ""),
    "class_lessons": ("senco", lambda w, r: {}, ""),
    "deployment_plans": ("senco", lambda w, r: {}, ""),
    "deployment_plan": ("senco", lambda w, r: {"plan_id": r.deployment_plan}, ""),
    "deployment_plan_compare": ("senco", lambda w, r: {}, ""),
    "planner_settings": ("senco", lambda w, r: {}, ""),
    "assignment_move": ("senco", lambda w, r: {"pk": r.deployment_assignment}, ""),
    "staff_absence": ("senco", lambda w, r: {}, ""),
    "my_timetable": ("alice", lambda w, r: {}, "?week=2026-W47"),
    "staff_timetable": ("senco", lambda w, r: {"staff_id": w.alice.pk}, "?week=2026-W47"),
    "pupil_timetable": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, "?week=2026-W47"),
    "team": ("senco", lambda w, r: {}, ""),
    "plan_behaviour": ("senco", lambda w, r: {"plan_id": w.ibp.pk}, ""),
    "incident_new": ("alice", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "incident_detail": ("alice", lambda w, r: {"pk": r.incident}, ""),
    "incident_amend": ("alice", lambda w, r: {"pk": r.incident}, ""),
    "intervention_new": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "intervention_list": ("senco", lambda w, r: {}, ""),
    "intervention_detail": ("senco", lambda w, r: {"pk": r.intervention}, ""),
    "intervention_amend": ("senco", lambda w, r: {"pk": r.intervention}, ""),
    "behaviour_analysis": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "behaviour_print": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, "?weeks=12"),
    "observation_record": ("alice", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "observation_detail": ("alice", lambda w, r: {"pk": r.observation}, ""),
    "safeguarding_report": ("alice", lambda w, r: {}, ""),
    "safeguarding_report_pupils": ("alice", lambda w, r: {}, "?q=Ben"),
    "safeguarding_report_done": ("alice", lambda w, r: {}, ""),
    "safeguarding_inbox": ("dsl", lambda w, r: {}, ""),
    "safeguarding_concern": ("dsl", lambda w, r: {"pk": r.concern}, ""),
    "safeguarding_chronology": ("dsl", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "medication_due": ("alice", lambda w, r: {}, ""),
    "dose_give": ("alice", lambda w, r: {"medicine_id": w.inhaler.pk}, ""),
    "dose_emergency": ("alice", lambda w, r: {"medicine_id": w.inhaler.pk}, ""),
    "dose_detail": ("alice", lambda w, r: {"pk": r.dose}, ""),
    "dose_amend": ("alice", lambda w, r: {"pk": r.dose}, ""),
    "pupil_medication": ("alice", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "pupil_mar": ("alice", lambda w, r: {"pupil_id": w.ben.pk}, "?month=2026-11"),
    "ihcp_new": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "ihcp_edit": ("senco", lambda w, r: {"pk": w.ihcp.pk}, ""),
    "medicine_new": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "medicine_edit": ("senco", lambda w, r: {"pk": w.inhaler.pk}, ""),
    "medicine_stock": ("senco", lambda w, r: {"pk": w.inhaler.pk}, ""),
    "medicine_stop": ("senco", lambda w, r: {"pk": w.inhaler.pk}, ""),
    "care_due": ("alice", lambda w, r: {}, ""),
    "care_today": ("senco", lambda w, r: {}, ""),
    "care_log": ("alice", lambda w, r: {"pk": w.toileting.pk}, ""),
    "care_plan_edit": ("senco", lambda w, r: {"pk": w.toileting.pk}, ""),
    "care_event_detail": ("alice", lambda w, r: {"pk": r.care_event}, ""),
    "care_event_amend": ("alice", lambda w, r: {"pk": r.care_event}, ""),
    "pupil_care": ("alice", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "care_plan_new": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "equipment_list": ("senco", lambda w, r: {}, ""),
    "equipment_new": ("senco", lambda w, r: {}, ""),
    "equipment_detail": ("senco", lambda w, r: {"pk": w.hoist.pk}, ""),
    "training_register": ("senco", lambda w, r: {}, ""),
    "training_new": ("senco", lambda w, r: {}, ""),
    "care_gender": ("senco", lambda w, r: {}, ""),
    "my_training": ("alice", lambda w, r: {}, ""),
    "therapy_home": ("theo", lambda w, r: {}, ""),
    "therapy_pupil": ("theo", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "programme_new": ("theo", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "programme_review": ("theo", lambda w, r: {"pk": w.programme.pk}, ""),
    "programme_end": ("theo", lambda w, r: {"pk": w.programme.pk}, ""),
    "referral_new": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "referral_list": ("senco", lambda w, r: {}, ""),
    "referral_end": ("senco", lambda w, r: {"pk": w.referral.pk}, ""),
    "agency_referral_new": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    # Issue 11: messages, the diary and meetings with the family.
    "homeschool_inbox": ("senco", lambda w, r: {}, ""),
    "homeschool_reachable": ("alice", lambda w, r: {}, ""),
    "homeschool_conversation": ("pat", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "homeschool_amend": ("pat", lambda w, r: {"pupil_id": w.ben.pk, "message_id": r.message}, ""),
    "homeschool_diary": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "homeschool_meetings": ("pat", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "referral_status": ("senco", lambda w, r: {"pk": w.referral.pk}, ""),
    "advice_new": ("theo", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "advice_file_new": ("theo", lambda w, r: {"pk": r.report}, ""),
    "advice_provision": ("senco", lambda w, r: {"pk": r.report}, ""),
    "pupil_advice": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "family_home": ("pat", lambda w, r: {}, ""),
    "family_child": ("pat", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "family_mar": ("pat", lambda w, r: {"pupil_id": w.ben.pk}, "?month=2026-11"),
    "staff_accounts": ("head", lambda w, r: {}, ""),
    # Issue 11: the school's agencies and their professionals (head, SENCO).
    "agency_list": ("head", lambda w, r: {}, ""),
    "agency_new": ("senco", lambda w, r: {}, ""),
    "agency_detail": ("senco", lambda w, r: {"agency_id": r.agency}, ""),
    "staff_invite": ("head", lambda w, r: {}, ""),
    "staff_account": ("head", lambda w, r: {"user_id": w.alice.pk}, ""),
    "password_change": ("alice", lambda w, r: {}, ""),
    # Signed out, like login: test_account_pages_reflow opens them.
    "password_forgot": (None, lambda w, r: {}, ""),
    "password_forgot_sent": (None, lambda w, r: {}, ""),
    "lockouts": ("head", lambda w, r: {}, ""),
    "notifications": ("head", lambda w, r: {}, ""),  # issue 11
    "notification_settings": ("pat", lambda w, r: {}, ""),  # issue 11
    "devices": ("alice", lambda w, r: {}, ""),
    "mfa_manage": ("alice", lambda w, r: {}, ""),
    "mfa_enrol": ("alice", lambda w, r: {}, ""),
    "mfa_staff": ("head", lambda w, r: {}, ""),
    "mfa_reset": ("head", lambda w, r: {"user_id": w.senco.pk}, ""),
    "trip_list": ("alice", lambda w, r: {}, ""),
    "trip_new": ("senco", lambda w, r: {}, ""),
    "trip_detail": ("alice", lambda w, r: {"pk": r.trip}, ""),
    "trip_medicines": ("alice", lambda w, r: {"pk": r.trip}, ""),
    "trip_dose": ("alice", lambda w, r: {"pk": r.trip}, ""),
    "trip_emergency": ("alice", lambda w, r: {"pk": r.trip, "medicine_id": w.inhaler.pk}, ""),
    # Issue 12: subject access requests.
    "sar_list": ("head", lambda w, r: {}, ""),
    # Issue 12: leavers.
    "pupil_leave": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "pupil_leavers": ("senco", lambda w, r: {}, ""),
    "retention_due": ("head", lambda w, r: {}, ""),
    "retention_log": ("head", lambda w, r: {}, ""),
    "retention_settings": ("head", lambda w, r: {}, ""),
    "sar_new": ("head", lambda w, r: {}, ""),
    "sar_detail": ("head", lambda w, r: {"pk": r.sar}, ""),
    "sar_decide": ("dsl", lambda w, r: {"pk": r.sar}, ""),
    # Issue 10: exams and access arrangements.
    "exam_list": ("senco", lambda w, r: {}, ""),
    "exam_new": ("senco", lambda w, r: {}, ""),
    "exam_detail": ("senco", lambda w, r: {"pk": r.exam}, ""),
    "exam_room_list": ("alice", lambda w, r: {"pk": r.exam}, ""),
    "arrangement_board": ("alice", lambda w, r: {}, ""),
    "pupil_arrangements": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "family_exams": ("pat", lambda w, r: {}, ""),
    # Issue 9: appraisal, training and CPD.
    "appraisal_list": ("alice", lambda w, r: {}, ""),
    "appraisal_new": ("head", lambda w, r: {}, ""),
    "appraisal_detail": ("alice", lambda w, r: {"pk": r.appraisal}, ""),
    "objective_new": ("hana", lambda w, r: {"pk": r.appraisal}, ""),
    "review_edit": ("hana", lambda w, r: {"pk": r.appraisal, "stage": "mid"}, ""),
    "review_amend": ("hana", lambda w, r: {"pk": r.appraisal, "stage": "start"}, ""),
    "objective_amend": ("hana", lambda w, r: {"pk": r.appraisal, "objective_id": r.objective}, ""),
    "cpd_mine": ("alice", lambda w, r: {}, ""),
    "cpd_person": ("senco", lambda w, r: {"user_id": w.alice.pk}, ""),
    "cpd_new": ("alice", lambda w, r: {"user_id": w.alice.pk}, ""),
    "certificate_upload": ("alice", lambda w, r: {"pk": r.training}, ""),
    "training_needs": ("senco", lambda w, r: {}, ""),
    "induction_new": ("senco", lambda w, r: {}, ""),
    "induction_detail": ("alice", lambda w, r: {"pk": r.induction}, ""),
    "staff_list": ("head", lambda w, r: {}, ""),
    "staff_new": ("head", lambda w, r: {}, ""),
    "staff_me": ("alice", lambda w, r: {}, ""),
    "staff_team": ("senco", lambda w, r: {}, ""),
    "staff_record": ("head", lambda w, r: {"member_id": r.staff_member}, ""),
    "staff_edit": ("head", lambda w, r: {"member_id": r.staff_member}, ""),
    "staff_check": ("head", lambda w, r: {"member_id": r.staff_member, "kind": "dbs"}, ""),
    "staff_scr": ("head", lambda w, r: {}, ""),
    "staff_scr_print": ("head", lambda w, r: {}, ""),
    # Issue 10: reviews.
    "reviews_list": ("senco", lambda w, r: {}, ""),
    "reviews_plan": ("senco", lambda w, r: {"plan_id": w.plan.pk}, ""),
    "reviews_detail": ("senco", lambda w, r: {"pk": r.review}, ""),
    "reviews_view": ("alice", lambda w, r: {"pk": r.review, "kind": "pupil"}, ""),
    "reviews_record": ("senco", lambda w, r: {"pk": r.review}, ""),
    "reviews_decide": ("senco", lambda w, r: {"pk": r.review}, ""),
    "reviews_family_view": ("pat", lambda w, r: {"pupil_id": w.ben.pk, "pk": r.review}, ""),
    # Issue 10: evidence in pictures and sound, and photo consent.
    "pupil_consent": ("senco", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "family_consent": ("pat", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "pupil_evidence": ("alice", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "evidence_add": ("alice", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "evidence_detail": ("alice", lambda w, r: {"pk": r.evidence}, "?added=1"),
    "evidence_amend": ("alice", lambda w, r: {"pk": r.evidence}, ""),
    # Issue 10: assessment, intervention impact, the Engagement Model.
    "pupil_assessment": ("alice", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "assessment_new": ("alice", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "assessment_detail": ("alice", lambda w, r: {"pk": r.assessment}, ""),
    "assessment_amend": ("alice", lambda w, r: {"pk": r.assessment}, ""),
    "pupil_engagement": ("alice", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "engagement_new": ("alice", lambda w, r: {"pupil_id": w.ben.pk}, ""),
    "engagement_detail": ("alice", lambda w, r: {"pk": r.engagement}, ""),
    "engagement_scale": ("senco", lambda w, r: {}, ""),
    "impact_school": ("senco", lambda w, r: {}, ""),
    "provision_impact": ("senco", lambda w, r: {"pk": w.precision.pk}, ""),
    "measure_list": ("senco", lambda w, r: {}, ""),
    "measure_new": ("senco", lambda w, r: {}, ""),
    "measure_edit": ("senco", lambda w, r: {"pk": r.measure}, ""),
    "routine_tests": ("tess", lambda w, r: {}, ""),
    "provision_map": ("senco", lambda w, r: {}, ""),
    "census_check": ("senco", lambda w, r: {}, ""),  # issue 12: the census SEN check
    "imports": ("head", lambda w, r: {}, ""),  # issue 12: imports
    "import_detail": ("head", lambda w, r: {"batch_id": r.import_batch}, ""),
    "imports_sen": ("senco", lambda w, r: {}, ""),
    # issue 13: the trust view (the head is made trust lead in make_records)
    "trust_overview": ("head", lambda w, r: {}, ""),
}

PEOPLE = sorted({who for who, _, _ in PAGES.values() if who})


def urls_for(person, w, records):
    """[(url name, path)] of the pages `person` opens, in a stable order."""
    return [
        (name, reverse(name, kwargs=kwargs(w, records)) + query)
        for name, (who, kwargs, query) in sorted(PAGES.items())
        if who == person
    ]
