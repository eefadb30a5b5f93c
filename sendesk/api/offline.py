"""The offline app's server side (issue 13, /work/wt/OFFLINE-CONTRACT.md): the person's
device key, the pack the device keeps for today and the next school day, and the outbox
through which records made offline arrive, one at a time, oldest first.

The browser calls these with its own signed-in session (CSRF checked on POST), a client
with a Bearer token as the rest of the API. Each outbox record is checked by the same
schema and saved by the same code as the endpoint that takes it online, so its rules, its
messages and its idempotency by client_id are that endpoint's: a record sent twice is
stored once. Every answer to the outbox says in plain words what happened to the record,
so the device can show it to the TA and keep what was refused until they deal with it."""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import APIKeyCookie
from pydantic import Field, ValidationError

from sendesk import access
from sendesk.audit.services import record_access_many
from sendesk.homeschool import services as homeschool
from sendesk.lib.errors import ServiceError
from sendesk.offline import selectors, services
from sendesk.signin import mfa, sessions

from . import behaviour, care, errors, observations
from . import homeschool as homeschool_api
from . import medication as medication_api
from . import sessions as sessions_api
from .auth import BearerToken
from .common import ErrorOut


class SignedInSession(APIKeyCookie):
    """The browser's own sign-in, held to what a page is held to (the session middleware
    and the second-factor gate leave /api/ alone): a session past its idle time or its
    most is ended, a session still owing its second factor is not signed in, and nor is
    someone who may no longer sign in. CSRF is checked on POST (APIKeyCookie)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        # No session cookie, no sign-in to protect: 401 (sign in), not a CSRF 403.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = request.user
        if key is None:
            return None
        if not user.is_authenticated or not user.may_sign_in():
            return None
        if sessions.check(request):
            return None
        if not user.is_verified() and mfa.step_owed(user) is not None:
            return None
        return user


# A token first: a client that sends one is not asked for a CSRF token it cannot have.
router = Router(tags=["offline"], auth=[BearerToken(), SignedInSession()])

NO_STORE = "no-store"


def _recorder(user) -> None:
    """The offline app is My day's: for those who record (TA, HLTA, teacher, SENCO ...).
    Anyone else finds nothing here (as on My day)."""
    if not access.schools_where(user, "record_sessions"):
        raise Http404


# --- The key -----------------------------------------------------------------------------


class OfflineKeyOut(Schema):
    user: int = Field(description="Whose key this is: the store is tagged with this id.")
    key: str = Field(description="Base64 of 32 random bytes: the AES-GCM key of the store.")
    expires_at: dt.datetime = Field(
        description="When this sign-in ends at the latest (the session's maximum life, or "
        "the token's): the device forgets the key and the store then."
    )
    signed_in_at: dt.datetime = Field(description="When this sign-in began.")


def _sign_in_times(request) -> tuple[dt.datetime, dt.datetime]:
    """(signed in at, ends at the latest) of the browser session making the request (the
    key is never handed to a token: offline_key)."""
    began = request.session.get(sessions.SIGNED_IN_AT)
    signed_in_at = dt.datetime.fromtimestamp(began, tz=dt.UTC) if began else timezone.now()
    return signed_in_at, signed_in_at + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


@router.get(
    "/key",
    response={200: OfflineKeyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Your offline key: the same on every sign-in, yours alone, for a signed-in "
    "browser only (404 for a Bearer token, and for people who do not record)",
)
def offline_key(request, response: HttpResponse):
    response["Cache-Control"] = NO_STORE
    user = request.auth
    # The key is handed at sign-in to the browser that keeps the store: a token (a script,
    # a copied credential) has no store to open, so it finds nothing here.
    if getattr(request, "api_token", None) is not None:
        raise Http404
    _recorder(user)
    key = services.hand_out_key(user=user, request=request, via="web")
    signed_in_at, expires_at = _sign_in_times(request)
    return {"user": user.pk, "key": key.key, "expires_at": expires_at, "signed_in_at": signed_in_at}


# --- The pack ------------------------------------------------------------------------------


class PackProvisionOut(Schema):
    id: uuid.UUID
    title: str
    minutes: int
    frequency: str
    delivered: bool = Field(description="A session is already recorded for it that day.")


class PackCardOut(Schema):
    pupil: uuid.UUID
    group: str
    provisions: list[PackProvisionOut]


class PackDayOut(Schema):
    date: dt.date
    label: str
    today: bool
    recordable: bool = Field(description="Sessions may be recorded for this day (today).")
    closed: str = Field(description="Why nothing is due, in words; empty on a school day.")
    lines: list[str] = Field(description="Where to be when (the deployment plan), in words.")
    cards: list[PackCardOut]


class PackTargetOut(Schema):
    id: uuid.UUID
    text: str
    area: str = Field(description="The plan the target is on (e.g. 'Ben's EHC plan').")
    success_criteria: str


class PackTextOut(Schema):
    text: str


class PackStrategyOut(Schema):
    id: int
    text: str


class PackProfileOut(Schema):
    heading: str
    text: str


class PackCarePlanOut(Schema):
    id: uuid.UUID
    kind: str
    kind_label: str
    title: str
    text: str
    staff: str = Field(description="Who gives the care, in words: 'two staff, female staff'.")
    staff_required: int


class PackLastDoseOut(Schema):
    at: dt.datetime
    by: str
    outcome: str


class PackMedicineOut(Schema):
    id: uuid.UUID
    name: str
    strength: str
    dose: str
    times: list[str]
    as_needed: bool
    as_needed_when: str
    controlled: bool
    emergency_use: bool
    rules: list[str] = Field(description="The plan's rules, in words.")
    last_dose: PackLastDoseOut | None = Field(
        description="The last dose GIVEN the server knew of (a refusal after it does not hide it)."
    )
    doses_today: int = Field(
        description="How many doses were given today (school time), emergency doses "
        'included: with the plan\'s maximum, "2 of 4 today".'
    )


class PackEmergencyOut(Schema):
    plan: str
    steps: str
    who_to_call: str


class PackPupilOut(Schema):
    id: uuid.UUID
    name: str
    first_name: str
    year: str
    school: int
    needs: list[str]
    targets: list[PackTargetOut]
    strategies: list[PackTextOut]
    behaviour_strategies: list[PackStrategyOut] = Field(
        description="The active behaviour plan's strategies: an incident's strategy_id."
    )
    profile: list[PackProfileOut]
    care_plans: list[PackCarePlanOut]
    medicines: list[PackMedicineOut]
    emergency_steps: list[PackEmergencyOut]
    diary: bool = Field(
        description="The pupil has a home-school diary, so a diary entry may be written "
        "(kind diary); without one the outbox refuses it."
    )


class PackPersonOut(Schema):
    id: int
    name: str


class PackOut(Schema):
    user: PackPersonOut
    generated_at: dt.datetime
    days: list[PackDayOut]
    pupils: dict[str, PackPupilOut]
    witnesses: dict[str, list[PackPersonOut]] = Field(
        description="By school id: the staff who may witness a dose or be a second adult."
    )
    choices: dict[str, list[list[Any]]] = Field(
        description="The [value, label] lists the recording forms offer."
    )


@router.get(
    "/pack",
    response={200: PackOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="What the device keeps for offline use: today's and the next school day's "
    "cards and, for those pupils only, their plans, care and medicines",
)
def offline_pack(request, response: HttpResponse):
    response["Cache-Control"] = NO_STORE
    user = request.auth
    _recorder(user)
    pack, pupils = selectors.pack(user, timezone.localdate())
    via = "api" if getattr(request, "api_token", None) is not None else "web"
    record_access_many(actor=user, pupils=pupils, what="offline pack", via=via)
    return pack


# --- The outbox ----------------------------------------------------------------------------

KINDS = ("session", "observation", "incident", "recognition", "care_event", "diary", "dose")


class OutboxIn(Schema):
    # Read loosely and checked here, so that every answer has the refusal's shape.
    kind: str | None = Field(None, json_schema_extra={"enum": list(KINDS)})
    client_id: str | None = Field(
        None, json_schema_extra={"format": "uuid"}, description="Made by the device."
    )
    recorded_by: int | str | None = Field(
        None, description="The user id the device recorded it as: must be the caller's."
    )
    recorded_at: str | None = Field(
        None, json_schema_extra={"format": "date-time"}, description="The device's clock."
    )
    data: Any = Field(
        None, description="Exactly the body the kind's own endpoint takes (see Kinds)."
    )


class OutboxSavedOut(Schema):
    status: str = Field(json_schema_extra={"enum": ["saved"]})
    kind: str
    client_id: uuid.UUID
    id: str = Field(description="The stored record's id.")
    pupil: uuid.UUID | None
    duplicate: bool = Field(description="Sent before: the record stored then is the answer.")
    message: str = Field(description="What was saved, in words for the TA.")
    warning: str | None = Field(
        None, description="A dose given offline that broke a rule: what, in words."
    )


class OutboxRefusedOut(Schema):
    status: str = Field(json_schema_extra={"enum": ["refused"]})
    kind: str | None
    client_id: str | None
    code: str = Field(
        description="invalid, not_found, other_person, conflict, no_training, too_old (the "
        "record's own day is more than 7 days ago), or a medicine rule's name."
    )
    message: str = Field(description="Why it was not saved, in words for the TA.")
    errors: dict[str, str]


# A body that is not a JSON object is refused in the same shape (errors.ObjectParser).
errors.bad_input_fields(
    "offline_outbox",
    status="refused",
    kind=None,
    client_id=None,
    code="invalid",
    message="The device sent something that is not a record: it was not saved.",
)


class Refused(Exception):
    def __init__(self, status, code, message, errors=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.errors = errors or {"__all__": message}


@router.post(
    "/outbox",
    response={
        200: OutboxSavedOut,
        201: OutboxSavedOut,
        400: OutboxRefusedOut,
        401: ErrorOut,
        403: ErrorOut,
        404: OutboxRefusedOut,
        409: OutboxRefusedOut,
        422: OutboxRefusedOut,
    },
    summary="Send one record made offline (201 saved; 200 when its client_id was saved "
    "before; 4xx refused, with the reason in words)",
    url_name="offline_outbox",
)
def offline_outbox(request, payload: OutboxIn, response: HttpResponse):
    response["Cache-Control"] = NO_STORE
    try:
        client_id = _outer(request.auth, payload)
        saved = _dispatch(request, payload.kind, client_id, payload.data)
    except Refused as refusal:
        return Status(
            refusal.status,
            {"status": "refused", "kind": payload.kind, "client_id": payload.client_id,
             "code": refusal.code, "message": refusal.message, "errors": refusal.errors},
        )  # fmt: skip
    status, body = saved
    return Status(status, {"status": "saved", "kind": payload.kind, "client_id": client_id,
                           "duplicate": status == 200, **body})  # fmt: skip


def _outer(user, payload) -> uuid.UUID:
    """The envelope checked: a known kind, a client_id, a data object, and the person the
    device recorded it as being the one sending it (never sent as anyone else)."""
    problems = {}
    if payload.kind not in KINDS:
        problems["kind"] = f"kind must be one of {', '.join(KINDS)}."
    try:
        client_id = uuid.UUID(str(payload.client_id))
    except ValueError:
        client_id = None
        problems["client_id"] = "client_id must be an id in UUID form."
    if not isinstance(payload.data, dict):
        problems["data"] = "data must be a JSON object: the record's fields."
    if payload.recorded_at not in (None, "") and not _is_datetime(payload.recorded_at):
        problems["recorded_at"] = "recorded_at must be a date and time, e.g. 2026-11-18T09:15."
    if problems:
        raise Refused(422, "invalid", " ".join(problems.values()), problems)
    if str(payload.recorded_by) != str(user.pk):
        raise Refused(
            409,
            "other_person",
            "This was recorded on this device by someone else. It can only be sent when "
            "they sign in: it has not been saved.",
        )
    return client_id


def _is_datetime(raw) -> bool:
    try:
        dt.datetime.fromisoformat(str(raw))
    except ValueError:
        return False
    return True


# How far back a record's own day may be for its sender's scope on that day to count: the
# kept outbox waits for its person over a week's absence, no longer (as a dose's RECORD_BACK).
SCOPE_BACK = dt.timedelta(days=7)

CLASH = (
    "This record clashes with another one already saved. Tell the office; it has not been saved."
)


def _record_day(data) -> dt.date:
    """The record's own day: its given_at, occurred_at, started_at or date (the first
    readable, in school time); today when it has none (its endpoint then says what is
    missing) or when it is in the future (its endpoint refuses that)."""
    today = timezone.localdate()
    for name in ("given_at", "occurred_at", "started_at", "date"):
        raw = data.get(name)
        try:
            when = dt.datetime.fromisoformat(str(raw)) if isinstance(raw, str) else None
        except ValueError:
            continue
        if when is None:
            continue
        if timezone.is_aware(when):
            when = timezone.localtime(when)
        return min(when.date(), today)
    return today


def _dispatch(request, kind, client_id, data) -> tuple[int, dict]:
    """The record through its own endpoint's schema and code: (status, answer fields),
    judged by the sender's scope on the record's own day (access.scope_on), so a
    deployment or trip that has ended since does not refuse what was done during it."""
    if "client_id" in data and str(data["client_id"]) != str(client_id):
        raise Refused(
            422, "invalid", CLASH,
            {"client_id": "data.client_id differs from the record's client_id."},
        )  # fmt: skip
    data = {**data, "client_id": str(client_id)}
    today = timezone.localdate()
    day = _record_day(data)
    if day < today - SCOPE_BACK and kind == "dose":
        # A dose given is never dropped for its age (its age is one of its problems): past
        # the window it is judged by today's scope, as a record made today would be.
        day = today
    elif day < today - SCOPE_BACK:
        raise Refused(
            422, "too_old",
            f"This was recorded on {day:%A %-d %B}, more than 7 days ago: it can't be sent "
            "now. Tell the SENCO or the office what it says; it has not been saved.",
        )  # fmt: skip
    try:
        with access.scope_on(day):
            return SAVE[kind](request, data)
    except ValidationError as exc:
        found = errors.field_errors(
            [{**e, "loc": ("body", "payload", *e["loc"])} for e in exc.errors()]
        )
        raise Refused(422, "invalid", " ".join(found.values()), found) from None
    except Http404:
        raise Refused(
            404,
            "not_found",
            "The pupil or record this is about was not found, or is no longer yours to "
            "record for: it has not been saved.",
        ) from None
    except ServiceError as exc:
        raise _refused(exc) from None


def _refused(exc: ServiceError) -> Refused:
    """A service's refusal, as the outbox says it: 401 and 403 mean "sign in again" to the
    device, so a refusal the endpoint answers 403 (no current training) is a 422 here."""
    code = getattr(exc, "rule", None)
    if exc.status == 403:
        return Refused(422, code or "no_training", _words(exc.errors), exc.errors)
    if exc.status == 409 and ("client_id" in exc.errors or code == "client_id_conflict"):
        # The technical words stay in errors; the TA reads what to do.
        return Refused(409, code or "conflict", CLASH, exc.errors)
    if exc.status == 409:
        return Refused(409, code or "conflict", _words(exc.errors), exc.errors)
    if exc.status == 404:
        return Refused(404, code or "not_found", _words(exc.errors), exc.errors)
    return Refused(422, code or "invalid", _words(exc.errors), exc.errors)


def _words(problems: dict) -> str:
    return " ".join(problems.values())


def _day(when) -> str:
    return f"{timezone.localtime(when) if isinstance(when, dt.datetime) else when:%A %-d %B}"


def _saved(status, record_id, pupil, what, when, **more) -> tuple[int, dict]:
    name = pupil.preferred_name or pupil.legal_first_name if pupil is not None else ""
    lead = "Saved" if status == 201 else "Already saved"
    whom = f" for {name}" if name else ""
    return status, {
        "id": str(record_id),
        "pupil": pupil.pk if pupil is not None else None,
        "message": f"{lead}: {what}{whom}, {_day(when)}.",
        **more,
    }


def _session(request, data):
    answer = sessions_api.session_create(request, sessions_api.SessionIn.model_validate(data))
    session = answer.value
    rows = session.visible_records
    pupil = rows[0].pupil if rows else (session.provision.pupil if session.provision else None)
    what = "session" if session.delivered else "missed session"
    return _saved(answer.status_code, session.pk, pupil, what, session.date)


def _observation(request, data):
    payload = observations.ObservationCreateIn.model_validate(data)
    answer = observations.observation_create(request, payload)
    obs = answer.value
    return _saved(answer.status_code, obs.pk, obs.pupil, "observation", obs.started_at)


def _incident(kind):
    def save(request, data):
        if data.get("kind", kind) != kind:
            raise Refused(422, "invalid", f"An offline {KIND_WORDS[kind]} has kind {kind!r}.")
        payload = behaviour.IncidentIn.model_validate({**data, "kind": kind})
        answer = behaviour.incident_create(request, payload)
        incident = answer.value
        what = KIND_WORDS[kind]
        return _saved(answer.status_code, incident.pk, incident.pupil, what, incident.occurred_at)

    return save


KIND_WORDS = {"concern": "incident", "positive": "positive recognition"}


def _care_event(request, data):
    answer = care.care_event_create(request, care.CareEventIn.model_validate(data))
    event = answer.value
    return _saved(answer.status_code, event.pk, event.pupil, "care event", event.occurred_at)


def _diary(request, data):
    # The diary's own schema; the pupil, in its path online, comes in data.
    pupil_id = data.pop("pupil_id", None)
    payload = homeschool_api.DiaryIn.model_validate(data)
    rows, created = homeschool.diary_write(
        actor=request.auth, pupil_id=pupil_id, date=payload.date, notes=payload.notes,
        client_id=payload.client_id,
    )  # fmt: skip
    first = rows[0]
    return _saved(201 if created else 200, first.pk, first.pupil, "diary", first.date)


def _dose(request, data):
    payload = medication_api.OfflineDoseIn.model_validate(data)
    answer = medication_api.record_dose(request.auth, payload, offline=payload.given_offline)
    if answer.status_code >= 400:
        body = answer.value
        refused = ServiceError(body["errors"] or {"__all__": body["detail"]}, answer.status_code)
        refused.rule = body["rule"]
        raise _refused(refused)
    record = answer.value
    what = f"{record.medicine.name} {record.get_outcome_display().lower()}"
    warning = record.offline_problem or None
    return _saved(
        answer.status_code, record.pk, record.pupil, what, record.given_at, warning=warning
    )


SAVE = {
    "session": _session,
    "observation": _observation,
    "incident": _incident("concern"),
    "recognition": _incident("positive"),
    "care_event": _care_event,
    "diary": _diary,
    "dose": _dose,
}
