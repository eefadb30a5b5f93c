"""Adding and correcting evidence. Each service checks everything first (the pupil in the
actor's scope, the parent's consent for a picture of the child, the file's kind and size,
what it is attached to) and raises ServiceError before anything is written; then it stores
the file (metadata removed) and writes the row, the timeline line and the audit row in
one transaction. A file written for a transaction that then fails is removed."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from sendesk import access
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_pupil_change, snapshot
from sendesk.behaviour.models import Observation
from sendesk.consent.selectors import allows
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.files import in_words
from sendesk.lib.ids import parse_uuid
from sendesk.plans.models import Target
from sendesk.provision.models import SessionPupil
from sendesk.pupils import amendments
from sendesk.pupils.timeline import timeline_add

from . import media
from .models import NEEDS_CONSENT, Amendment, Evidence, Kind

TOO_BIG_TIP = {
    Kind.PHOTO: "Take the photo again, or choose a smaller copy of it.",
    Kind.WORK: "Scan or photograph it again at a lower size.",
    Kind.VIDEO: "Keep videos short: a minute at most.",
    Kind.AUDIO: "Keep recordings short: a few minutes at most.",
}


def first_name(pupil) -> str:
    return pupil.preferred_name or pupil.legal_first_name


def no_consent_message(pupil) -> str:
    name = first_name(pupil)
    return (
        f"Not saved: {name}'s parents have not given consent for photos and video of "
        f"{name}. You can still add a photo of {name}'s work with nobody in it, or a "
        "sound recording. The SENCO can record a consent form on the pupil's page."
    )


def _attachments(pupil, session_id, observation_id, target_ids, errors) -> dict:
    """What the evidence is attached to, each checked to be about this pupil."""
    found: dict = {"session": None, "observation": None, "targets": []}
    if session_id not in (None, ""):
        sid = parse_uuid(session_id, "session_id", errors)
        record = (
            SessionPupil.objects.filter(session_id=sid, pupil=pupil).select_related("session")
            .first() if sid else None
        )  # fmt: skip
        if record is None:
            errors.setdefault("session_id", f"That is not a session {first_name(pupil)} was in.")
        else:
            found["session"] = record.session
    if observation_id not in (None, ""):
        oid = parse_uuid(observation_id, "observation_id", errors)
        found["observation"] = (
            Observation.objects.filter(pk=oid, pupil=pupil).first() if oid else None
        )
        if found["observation"] is None:
            errors.setdefault(
                "observation_id", f"That is not an observation of {first_name(pupil)}."
            )
    ids = [parse_uuid(t, "target_ids", errors) for t in (target_ids or ())]
    ids = {t for t in ids if t}
    if ids:
        found["targets"] = list(Target.objects.filter(pk__in=ids, plan__pupil=pupil))
        if len(found["targets"]) != len(ids):
            errors["target_ids"] = f"Choose only {first_name(pupil)}'s own targets."
    return found


def _kind(sniffed: media.Sniffed, asked: str | None) -> str:
    if sniffed.family == "image":
        return Kind.WORK if asked == Kind.WORK else Kind.PHOTO
    return Kind.VIDEO if sniffed.family == "video" else Kind.AUDIO


def _check_file(pupil, upload, asked_kind, errors) -> tuple:
    """(sniffed, kind) for an acceptable file; otherwise the message is in errors, and a
    refusal that is not about the file raises at once with its own status."""
    if asked_kind not in (None, "", *Kind.values):
        errors["kind"] = "Choose a photo, a video, a recording or a work sample."
    if upload is None:
        errors["file"] = "Choose a photo, video or recording to add."
        return None, None
    if not upload.size:
        errors["file"] = "This file is empty: choose it again."
        return None, None
    upload.seek(0)
    sniffed = media.sniff(upload.read(16), getattr(upload, "content_type", "") or "")
    if sniffed is None:
        errors["file"] = media.UNKNOWN
        return None, None
    return sniffed, _kind(sniffed, asked_kind)


def _refuse_unless_allowed(pupil, kind, size) -> None:
    if kind in NEEDS_CONSENT and not allows(pupil.pk, "photos"):
        raise ServiceError({"consent": no_consent_message(pupil)}, 422)
    limit = settings.EVIDENCE_MAX_BYTES[kind]
    if size > limit:
        what = Kind(kind).label.lower()
        raise ServiceError(
            {
                "file": f"This {what} is {in_words(size)}: the largest SENDesk takes is "
                f"{in_words(limit)}. {TOO_BIG_TIP[kind]}"
            },
            413,
        )


def _store(upload, sniffed, school_id, pk) -> tuple[str, str, media.Stored]:
    """Writes the file (and a thumbnail for a picture) under EVIDENCE_DIR; returns their
    relative paths. Names are made here, never taken from the upload."""
    folder = Path(settings.EVIDENCE_DIR) / str(school_id)
    folder.mkdir(parents=True, exist_ok=True)
    if sniffed.family == "image":
        work = folder / f"{pk}.tmp"
        thumb = folder / f"{pk}-thumb.jpg"
        stored = media.store_image(upload, work, thumb)
        ext = "png" if stored.content_type == "image/png" else "jpg"
        work.rename(folder / f"{pk}.{ext}")
        return f"{school_id}/{pk}.{ext}", f"{school_id}/{pk}-thumb.jpg", stored
    stored = media.store_stream(upload, sniffed, folder / f"{pk}.{sniffed.ext}")
    return f"{school_id}/{pk}.{sniffed.ext}", "", stored


def _when(found: dict):
    """Where the timeline puts it: with the session or observation it shows, else now."""
    if found["session"] is not None:
        return found["session"].recorded_at
    if found["observation"] is not None:
        return found["observation"].ended_at
    return timezone.now()


def _remove(*relative) -> None:
    for name in relative:
        if name:
            (Path(settings.EVIDENCE_DIR) / name).unlink(missing_ok=True)


def evidence_add(
    *,
    actor,
    pupil_id,
    upload,
    caption="",
    kind=None,
    session_id=None,
    observation_id=None,
    target_ids=(),
) -> Evidence:
    """Store a photo, video, recording or work sample about a pupil. Anyone who records
    sessions for the pupil may; a picture of the child needs the parent's photo consent."""
    pupil = access.get_pupil_for(actor, pupil_id, "record_sessions")
    errors: dict[str, str] = {}
    caption = inputs.text(caption, "caption", errors, limit=300)
    found = _attachments(pupil, session_id, observation_id, target_ids, errors)
    sniffed, kind = _check_file(pupil, upload, kind, errors)
    if kind is not None:
        _refuse_unless_allowed(pupil, kind, upload.size)
    if errors:
        raise ServiceError(errors)
    return write(actor=actor, pupil=pupil, upload=upload, sniffed=sniffed, kind=kind,
                 caption=caption, **found)  # fmt: skip


def write(*, actor, pupil, upload, sniffed, kind, caption="", session=None, observation=None,
          targets=()) -> Evidence:  # fmt: skip
    """Store checked evidence: the file (metadata removed), the row, the timeline line and
    the audit row. Called by evidence_add after its checks, and by the demo school, whose
    pictures are drawn, not uploaded."""
    found = {"session": session, "observation": observation, "targets": list(targets)}
    taken_on = timezone.localdate()
    if found["session"] is not None:
        taken_on = found["session"].date
    elif found["observation"] is not None:
        taken_on = timezone.localdate(found["observation"].started_at)
    pk = uuid.uuid4()
    try:
        path, thumb, stored = _store(upload, sniffed, pupil.school_id, pk)
    except media.NotMedia as exc:
        raise ServiceError({"file": str(exc)}) from None
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                id=pk, school_id=pupil.school_id, pupil=pupil, kind=kind,
                content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                path=path, thumb_path=thumb, width=stored.width, height=stored.height,
                caption=caption, taken_on=taken_on, session=found["session"],
                observation=found["observation"], recorded_by=actor, recorded_at=timezone.now(),
            )  # fmt: skip
            evidence.targets.set(found["targets"])
            timeline_add(
                pupil=pupil, kind="evidence", title=f"{evidence.get_kind_display()} added",
                body=caption, actor=actor, ref=evidence, occurred_at=_when(found),
            )  # fmt: skip
            record_pupil_change(
                actor, AuditEvent.Action.CREATE, evidence, pupil,
                after={**snapshot(evidence), "targets": [str(t.pk) for t in found["targets"]]},
            )  # fmt: skip
    except BaseException:
        _remove(path, thumb)
        raise
    return evidence


def may_amend(user, evidence: Evidence) -> bool:
    """Whoever added it, or the SENCO and head, may correct or withdraw it."""
    return evidence.recorded_by_id == user.pk or access.can(user, evidence.school_id, "oversee")


def evidence_amend(*, actor, evidence: Evidence, reason: str, caption=None, withdraw=False):
    """Correct the caption and/or withdraw the evidence. Nothing is deleted: withdrawn
    evidence is kept, and hidden from the family and the review pack."""
    if not access.checked_for(evidence, actor):
        evidence = access.get_scoped(actor, Evidence.objects, evidence.pk)
    if not may_amend(actor, evidence):
        raise Http404
    errors: dict[str, str] = {}
    reason = amendments.reason(reason, errors)
    wanted_caption = evidence.caption
    if caption is not None:
        wanted_caption = inputs.text(caption, "caption", errors, limit=300)
    if withdraw and evidence.withdrawn:
        errors["withdraw"] = "This was withdrawn already."
    if errors:
        raise ServiceError(errors)
    changes = amendments.changed(
        {"caption": evidence.caption, "withdrawn": evidence.withdrawn},
        {"caption": wanted_caption, "withdrawn": evidence.withdrawn or bool(withdraw)},
        ("caption", "withdrawn"),
    )
    amendments.refuse_if_unchanged(changes)
    with transaction.atomic():
        evidence = amendments.locked(evidence)
        before = snapshot(evidence)
        fields = {"caption": wanted_caption}
        if withdraw:
            fields.update(withdrawn_at=timezone.now(), withdrawn_by=actor, withdrawn_reason=reason)
        title = f"{evidence.get_kind_display()} of {evidence.taken_on:%-d %b}"
        return amendments.amend(
            actor=actor,
            record=evidence,
            reason=reason,
            changes=changes,
            set_fields=fields,
            before=before,
            amendment=(Amendment, {"evidence": evidence}),
            timeline=("evidence_amended", f"{title} {'withdrawn' if withdraw else 'corrected'}"),
        )
