"""Everything SENDesk holds about one person, for a subject access request, as sections of
rows in words: each a kind of record with its fields labelled as the forms label them.

How the records are found. An app may declare `subject_access(subject, *, safeguarding)`
in its AppConfig (read through Django's app registry, as sendesk.lib.registry reads nav)
returning its own sections, and `subject_access_covers` (the model labels it answers for).
Every other model of the product is found from the schema itself, so that a module added
later is never forgotten:

- about a pupil: each model with a foreign key to the pupil, or to a record that has one
  (a target, through its plan), with its rows for that pupil;
- about a member of staff: their account, and each model that names them and is not a
  pupil's record (roles, training, appraisal, sign-in trail) with its rows; a pupil's
  record that names them (a session they recorded) is counted, not copied: its content is
  the pupil's data, not theirs.

The safeguarding app's records go only when the DSL has decided they may. Secrets
(password hashes, token digests, second-factor keys) never go: they are not information
about the person, and would open their account."""

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q

from sendesk.pupils.models import Pupil

SAFEGUARDING_APPS = {"safeguarding"}
# Not records about the person: this app's own log of requests, and the machinery.
SKIPPED_APPS = {"records"}
SECRET_WORDS = ("password", "digest", "secret", "token", "otp", "security_stamp", "key_hash")
# One request's download stays readable: past this many rows of one kind the section says
# how many there are and that the rest are in the JSON.
PDF_ROWS = 500


@dataclass
class Section:
    key: str  # the model's label, "plans.target"
    title: str
    safeguarding: bool = False
    rows: list[dict] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "safeguarding": self.safeguarding,
            "note": self.note,
            "rows": self.rows,
        }


def _ours(model) -> bool:
    config = model._meta.app_config
    return (
        config.name.startswith("sendesk.")
        and config.label not in SKIPPED_APPS
        and not model._meta.proxy
        and not model._meta.auto_created
    )


def _secret(name: str) -> bool:
    return any(word in name for word in SECRET_WORDS)


def _paths_to(model, target) -> list[str]:
    """The lookups from `model` to `target` rows: its own foreign keys to it, else one hop
    through a foreign key to a model that has one (a target's plan's pupil)."""
    direct = _paths_to_direct(model, target)
    if direct or model is target:
        return direct
    hops = []
    for f in model._meta.concrete_fields:
        if f.is_relation and f.related_model not in (None, target, model):
            hops += [f"{f.name}__{name}" for name in _paths_to_direct(f.related_model, target)]
    return hops


def _paths_to_direct(model, target) -> list[str]:
    """Its foreign keys to `target`, and its many-to-many fields (a trip's pupils)."""
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    return [f.name for f in fields if f.is_relation and f.related_model is target]


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


class _Refs:
    """Words for the records rows point at (a person's name, a year group's, a plan's), read
    at the end in one query a kind of record rather than one a row."""

    def __init__(self):
        self.ids: dict = {}

    def ref(self, model, pk) -> "_Ref":
        self.ids.setdefault(model, set()).add(pk)
        return _Ref(model, pk)

    def _words(self) -> dict:
        User = apps.get_model(settings.AUTH_USER_MODEL)
        words = {}
        for model, ids in self.ids.items():
            if model is User:
                found = model.objects.filter(pk__in=ids).values_list("pk", "full_name")
                words |= {(model, pk): name for pk, name in found}
            else:
                words |= {(model, o.pk): str(o) for o in model._default_manager.filter(pk__in=ids)}
        return words

    def resolve(self, sections) -> None:
        words = self._words()
        for section in sections:
            for row in section.rows:
                for label, value in row.items():
                    if isinstance(value, _Ref):
                        row[label] = words.get((value.model, value.pk)) or "(no longer held)"


@dataclass(frozen=True)
class _Ref:
    model: type
    pk: object


def _row(obj, refs: _Refs, skip: set[str]) -> dict:
    row = {}
    for f in obj._meta.concrete_fields:
        if f.name in skip or _secret(f.name):
            continue
        label = str(f.verbose_name)
        label = label[:1].upper() + label[1:]
        value = getattr(obj, f.attname)
        if f.is_relation and value is not None:
            value = refs.ref(f.related_model, value)
        elif f.choices and value not in (None, ""):
            value = dict(f.flatchoices).get(value, value)
        row[label] = value if isinstance(value, _Ref) else _plain(value)
    return row


def _title(model) -> str:
    words = str(model._meta.verbose_name_plural)
    return f"{words[:1].upper()}{words[1:]} ({model._meta.app_config.verbose_name})"


def _hooks(subject, safeguarding: bool) -> tuple[list[Section], set[str]]:
    """Sections from the apps that answer for their own models, and the labels they cover."""
    sections, covered = [], set()
    for config in apps.get_app_configs():
        hook = getattr(config, "subject_access", None)
        if hook is None:
            continue
        sections += hook(subject, safeguarding=safeguarding)
        covered |= set(getattr(config, "subject_access_covers", ()))
    return sections, covered


def pupil_sections(pupil: Pupil, *, safeguarding: bool) -> list[Section]:
    """Every record about `pupil`: one query a kind of record, and one for the names."""
    refs = _Refs()
    sections, covered = _hooks(pupil, safeguarding)
    sections.insert(0, Section("pupils.pupil", "The pupil", rows=[_row(pupil, refs, set())]))
    for model in apps.get_models():
        label = model._meta.label_lower
        if not _ours(model) or model is Pupil or label in covered:
            continue
        is_safeguarding = model._meta.app_label in SAFEGUARDING_APPS
        if is_safeguarding and not safeguarding:
            continue
        paths = _paths_to(model, Pupil)
        # A model that names pupils without a foreign key (an MIS's ids for them, kept as
        # text) says which of its rows are about one pupil.
        rows_of = getattr(model, "subject_access_of_pupil", None)
        if not paths and rows_of is None:
            continue
        if paths:
            condition = Q()
            for path in paths:
                condition |= Q(**{path: pupil})
            found = model._default_manager.filter(condition).distinct()
        else:
            found = rows_of(pupil)
        # The pupil themselves in each row goes without saying; another pupil (a group
        # session's) stays as an id, for the redaction step to weigh.
        skip = {p for p in paths if "__" not in p}
        rows = [_row(obj, refs, skip) for obj in found.order_by("pk")]
        if rows:
            sections.append(Section(label, _title(model), is_safeguarding, rows))
    refs.resolve(sections)
    return sections


def staff_sections(user, *, safeguarding: bool) -> list[Section]:
    """Everything about a member of staff: their records in full, and how many pupils'
    records name them (in which role), one query a kind of record."""
    User = apps.get_model(settings.AUTH_USER_MODEL)
    refs = _Refs()
    sections, covered = _hooks(user, safeguarding)
    sections.insert(0, Section("accounts.user", "Their account", rows=[_row(user, refs, set())]))
    for model in apps.get_models():
        label = model._meta.label_lower
        if not _ours(model) or model is User or label in covered:
            continue
        is_safeguarding = model._meta.app_label in SAFEGUARDING_APPS
        if is_safeguarding and not safeguarding:
            continue
        fields = _paths_to_direct(model, User)
        if not fields:
            continue
        condition = Q()
        for name in fields:
            condition |= Q(**{name: user})
        found = model._default_manager.filter(condition)
        # Records about pupils are counted, not copied: those with a path to a pupil, and
        # those that say they name pupils in their content (an import's rows).
        names_pupils = getattr(model, "subject_access_names_pupils", False)
        if _paths_to(model, Pupil) or model is Pupil or names_pupils:
            count = found.count()
            if count:
                note = (
                    f"Named on {count} of these records (as "
                    f"{', '.join(str(model._meta.get_field(n).verbose_name) for n in fields)}). "
                    "They are records about pupils; they are listed by number, not copied."
                )
                sections.append(Section(label, _title(model), is_safeguarding, note=note))
            continue
        rows = [_row(obj, refs, set()) for obj in found.order_by("pk")]
        if rows:
            sections.append(Section(label, _title(model), is_safeguarding, rows))
    refs.resolve(sections)
    return sections
