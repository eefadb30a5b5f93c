"""The one tail of every correction, and the one way a correction is put in words.

Evidence is never edited in place: a correction keeps who, when, why and every old value.
Each amend service checks its own rules, then, inside its transaction with the record
locked, calls `amend()` for what every correction writes: the amendment row, a line on the
timeline of each pupil the record is about and an audit row with the old and new values.
Detail pages show the corrections with `changes_in_words()` and the one partial
"_amendments.html".

It lives in `pupils` (not `audit`) because it writes the pupil's timeline, and `pupils` is
the lowest layer every recording app (provision, behaviour, care, medication) may import."""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.inputs import plain

from .timeline import timeline_add

NOTHING_CHANGED = "Nothing was changed."
REASON_REQUIRED = "Say why the record is being corrected."
REASON_MAX = 300  # every amendment model's reason column


class AmendmentRow(models.Model):
    """The columns every amendment table has, the ones amend() writes: who, when, why and
    {field: [old, new]}. A new amendment table takes them from here and adds the column
    naming its record."""

    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField()
    reason = models.CharField(max_length=REASON_MAX)
    changes = models.JSONField()

    class Meta:
        abstract = True
        ordering = ["amended_at", "id"]


def reason(value, errors, *, key="reason", required=REASON_REQUIRED) -> str:
    """Why the record is corrected, stripped: required, text, no NUL, at most 300
    characters. A message goes to errors[key] (the form's name for it)."""
    return inputs.text(value, key, errors, limit=REASON_MAX, required=required, label="The reason")


def locked(record):
    """`record` read again under a row lock, so two corrections cannot interleave."""
    return type(record).objects.select_for_update().get(pk=record.pk)


def changed(current: dict, wanted: dict, names) -> dict:
    """{name: [old, new]} for each of `names` whose wanted value differs, as the trail keeps
    them (JSON: times in local time, dates as ISO text)."""
    return {
        name: [plain(current[name]), plain(wanted[name])]
        for name in names
        if current[name] != wanted[name]
    }


def refuse_if_unchanged(changes: dict) -> None:
    if not changes:
        raise ServiceError({"__all__": NOTHING_CHANGED})


def amend(
    *,
    actor,
    record,
    reason: str,
    changes: dict,
    amendment: tuple,
    timeline: tuple[str, str],
    before: dict,
    after: dict | None = None,
    after_extra: dict | None = None,
    set_fields: dict | None = None,
    pupil_ids=None,
):
    """What every correction writes, in the caller's transaction, with `record` locked.

    `changes`: {field: [old, new]} as the trail keeps it; empty is refused ("Nothing was
    changed") and, as this raises inside the caller's transaction, nothing is written.
    `set_fields`: {field: new value} to set on the record before it is saved (None when the
    caller has saved it). `amendment`: (the amendment model, its own columns naming the
    record). `timeline`: (kind, title) of the pupil's timeline line, whose body is the
    reason. `before`/`after`: the audit row's snapshots; `after` defaults to the saved
    record's (with `after_extra`, facts kept beside its fields such as the staff present),
    and always gains the changes and the reason. `pupil_ids`: the pupils the
    record is about (default its own pupil): each gets a timeline line and an audit row.
    Returns the amendment row."""
    refuse_if_unchanged(changes)
    if set_fields is not None:
        for name, value in set_fields.items():
            setattr(record, name, value)
        record.save()
    now = timezone.now()
    model, columns = amendment
    row = model.objects.create(
        amended_by=actor, amended_at=now, reason=reason, changes=changes, **columns
    )
    after = {
        **(after if after is not None else {**snapshot(record), **(after_extra or {})}),
        "changes": changes,
        "reason": reason,
    }
    kind, title = timeline
    for pupil_id in pupil_ids if pupil_ids is not None else [record.pupil_id]:
        timeline_add(
            pupil=pupil_id, occurred_at=now, kind=kind, title=title, body=reason, actor=actor,
            ref=record,
        )  # fmt: skip
        record_change(
            actor=actor, action=AuditEvent.Action.AMEND, obj=record, school_id=record.school_id,
            pupil_id=pupil_id, before=before, after=after,
        )  # fmt: skip
    return row


# --- Changes in words -----------------------------------------------------------------------

_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}(:\d{2})?")
EMPTY = "—"


@dataclass(frozen=True)
class Wording:
    """How one kind of record's changes read. `labels`: field -> what it is called.
    `choices`: field -> {stored value: words}. `people`: fields holding a user id (or a list
    of them), shown as names; `nobody` is what an empty one of them says. `key`: for changes
    whose key is not a field name (a session's "pupil:<id>:<field>"), returns (label, field)
    or None to leave the change out (a pupil the viewer may not see)."""

    labels: dict = field(default_factory=dict)
    choices: dict = field(default_factory=dict)
    people: tuple = ()
    nobody: str = EMPTY
    key: Callable | None = None


def _when(value: str) -> str:
    if _DATETIME.match(value):
        try:
            return f"{timezone.localtime(dt.datetime.fromisoformat(value)):%-d %b %Y, %H:%M}"
        except ValueError:
            return value
    if _DATE.fullmatch(value):
        try:
            return f"{dt.date.fromisoformat(value):%-d %b %Y}"
        except ValueError:
            return value
    if _TIME.fullmatch(value):
        return value[:5]
    return value


def in_words(name: str, value, wording: Wording, names: dict) -> str:
    """One stored value as a person reads it."""
    if name in wording.people:
        if not value:
            return wording.nobody
        ids = value if isinstance(value, list) else [value]
        return ", ".join(names.get(pk, "someone no longer on the staff list") for pk in ids)
    if value in (None, "", []):
        return EMPTY
    words = wording.choices.get(name, {})
    if isinstance(value, (str, int, bool)) and value in words:
        return words[value]
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return _when(value)
    return str(value)


def _people(amendments, wording: Wording) -> dict:
    ids = set()
    for amendment in amendments:
        for name in wording.people:
            for value in amendment.changes.get(name, []):
                ids.update(value if isinstance(value, list) else [value])
    ids = {pk for pk in ids if isinstance(pk, int) and not isinstance(pk, bool)}
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name")) if ids else {}


def changes_in_words(amendments, wording: Wording) -> list[dict]:
    """Each amendment with its changes as rows {label, old, new} in words, for the partial
    "_amendments.html". At most one query (the names of people in the changes); an
    amendment with nothing left to show the viewer is left out."""
    amendments = list(amendments)
    names = _people(amendments, wording)
    rows = []
    for amendment in amendments:
        changes = []
        for key, (old, new) in amendment.changes.items():
            label, name = wording.labels.get(key, key), key
            if wording.key is not None and key not in wording.labels:
                found = wording.key(key)
                if found is None:
                    continue
                label, name = found
            changes.append(
                {
                    "label": label,
                    "old": in_words(name, old, wording, names),
                    "new": in_words(name, new, wording, names),
                }
            )
        if changes:
            rows.append({"amendment": amendment, "changes": changes})
    return rows
