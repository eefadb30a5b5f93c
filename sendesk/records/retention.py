"""Retention rules and what is due (issue 12 §5).

Each kind of record has a rule, counted from the pupil's date of birth:
- "sen": the SEN file (plans, provision and its sessions, reviews, needs, evidence,
  assessments, therapy, messages home ...): + 31 years (the IRMS toolkit's SEN files).
- "safeguarding": + 25 years, and then the DSL reviews it: dispose, or keep until a later
  date with a reason. Never disposed of without a review deciding so.
- "care": medication and care records: the school's setting (RetentionSetting), 25 years
  until the head changes it.
- "trail": the audit and access trails, subject access requests, legal holds and the DSL's
  reviews: as long as what they describe. Trail rows about a record of a disposed kind go
  with it (audit rows name their object's model); the rest go with the whole record.

Which tables hold which kind is declared by the apps that own them (AppConfig
`retention = {"sen": ["plans.Plan", ...]}`): records never imports them, and a test
checks that every model with a foreign key to the pupil is claimed, so a new table cannot
be forgotten. Rows of unclaimed tables that hang off a claimed row (a plan's targets, a
concern's actions) go with it (sendesk.records.disposal).

"Everything" is due when every kind the pupil still has records of is due (the safeguarding
record only once the DSL has decided to dispose of it): then the whole record, its trails
and the pupil go in one disposal."""

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from sendesk.lib.registry import declared

SEN, SAFEGUARDING, CARE, TRAIL, EVERYTHING = "sen", "safeguarding", "care", "trail", "all"
KINDS = {
    SEN: "SEN file and reviews",
    SAFEGUARDING: "Safeguarding record",
    CARE: "Medication and care records",
    TRAIL: "Audit and access trails",
}
# What a person may ask to dispose of: one kind, or the whole record.
DISPOSABLE = {SEN: KINDS[SEN], SAFEGUARDING: KINDS[SAFEGUARDING], CARE: KINDS[CARE],
              EVERYTHING: "The whole record (and the pupil)"}  # fmt: skip
SEN_YEARS, SAFEGUARDING_YEARS = 31, 25


def claims() -> dict[str, list]:
    """{kind: [model, ...]} as the apps declare them. An unknown kind or model is a
    set-up error, raised at first use."""
    table: dict[str, list] = {kind: [] for kind in KINDS}
    seen = {}
    for part in declared("retention"):
        for kind, labels in part.items():
            if kind not in KINDS:
                raise ImproperlyConfigured(f"Unknown retention kind {kind!r}.")
            for label in labels:
                model = apps.get_model(label)
                if model in seen:
                    raise ImproperlyConfigured(f"{label} is claimed by two retention kinds.")
                seen[model] = kind
                table[kind].append(model)
    return table


def kind_of() -> dict:
    """{model: kind} of every claimed model."""
    return {model: kind for kind, models_ in claims().items() for model in models_}


def pupil_fields(model) -> list[str]:
    """The names of `model`'s foreign keys to the pupil."""
    pupil = apps.get_model("pupils", "Pupil")
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is pupil
    ]


def add_years(day: dt.date, years: int) -> dt.date:
    """`years` after `day`; 29 February falls on 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def care_years(school_id) -> int:
    from .models import RetentionSetting

    setting = RetentionSetting.objects.filter(school_id=school_id).first()
    return setting.care_years if setting else RetentionSetting.DEFAULT_CARE_YEARS


def rules(school_id) -> dict[str, tuple[int, str]]:
    """{kind: (years after the date of birth, the rule in words)} at a school."""
    care = care_years(school_id)
    return {
        SEN: (SEN_YEARS, f"Date of birth + {SEN_YEARS} years"),
        SAFEGUARDING: (
            SAFEGUARDING_YEARS,
            f"Date of birth + {SAFEGUARDING_YEARS} years, then the DSL's review",
        ),
        CARE: (care, f"Date of birth + {care} years (the school's setting)"),
    }


@dataclass
class Due:
    """One pupil × kind whose rule has come round."""

    pupil: object
    kind: str
    rule: str
    due_on: dt.date
    # For safeguarding: "review" (the DSL must decide), "ready" (decided: dispose).
    state: str = "ready"
    hold: object = None
    review: object = None
    kinds: list = field(default_factory=list)  # EVERYTHING: the kinds it takes

    @property
    def label(self) -> str:
        return DISPOSABLE[self.kind]

    @property
    def may_dispose(self) -> bool:
        return self.hold is None and self.state == "ready"


def kinds_held(pupil_ids) -> dict:
    """{pupil id: {kind, ...}} of the kinds each pupil still has records of (trail left
    out). One query a claimed model, whatever the number of pupils."""
    held: dict = {pk: set() for pk in pupil_ids}
    if not held:
        return held
    for kind, models_ in claims().items():
        if kind == TRAIL:
            continue
        for model in models_:
            for name in pupil_fields(model):
                found = (
                    model._base_manager.filter(**{f"{name}__in": list(held)})
                    .values_list(f"{name}_id", flat=True)
                    .distinct()
                )
                for pk in found:
                    held[pk].add(kind)
    return held


def _latest_reviews(pupil_ids) -> dict:
    from .models import SafeguardingReview

    latest = {}
    for review in SafeguardingReview.objects.filter(pupil_id__in=pupil_ids).select_related(
        "decided_by"
    ):
        latest.setdefault(review.pupil_id, review)  # newest first (Meta.ordering)
    return latest


def _active_holds(pupil_ids) -> dict:
    from .models import LegalHold

    return {
        hold.pupil_id: hold
        for hold in LegalHold.objects.filter(pupil_id__in=pupil_ids, lifted_at__isnull=True)
        .select_related("placed_by")
    }  # fmt: skip


def _pupil_items(pupil, held, school_rules, today, review, hold) -> list[Due]:
    """What is due for one pupil (see due())."""
    items, due_kinds, dates = [], 0, []
    for kind, (years, rule) in school_rules.items():
        due_on = add_years(pupil.date_of_birth, years)
        if kind not in held:
            continue
        if due_on > today:
            continue
        item = Due(pupil, kind, rule, due_on, hold=hold)
        if kind == SAFEGUARDING:
            item.review = review
            if review is not None and review.decision == review.Decision.KEEP:
                if review.keep_until > today:
                    continue  # kept: due again on its date
                item.due_on = review.keep_until
            if review is None or review.decision != review.Decision.DISPOSE:
                item.state = "review"
        items.append(item)
        if item.state == "ready":
            due_kinds += 1
            dates.append(item.due_on)
    if due_kinds == len(held):
        # Every kind left is due (or none is left): the whole record may go.
        if not dates:
            dates = [add_years(pupil.date_of_birth, school_rules[SEN][0])]
        whole = Due(pupil, EVERYTHING, "Every kind of record held is past its rule",
                    max(dates), hold=hold, kinds=sorted(held))  # fmt: skip
        if whole.due_on <= today:
            items.append(whole)
    return items


def due(school_ids, today: dt.date, pupil_ids=None) -> list[Due]:
    """Everything due at `school_ids` on `today`, pupil by pupil (oldest first): each kind
    whose rule has come round and of which the pupil still has records, and "everything"
    when all of them are due. Listed with the legal hold that stops it, if any."""
    pupil_model = apps.get_model("pupils", "Pupil")
    school_rules = {school_id: rules(school_id) for school_id in school_ids}
    # Nobody is due before the shortest rule: only pupils older than that are read. And only
    # leavers: a pupil on roll keeps every record, whatever a school's short setting adds up
    # to (a medicine given this week is never "due").
    shortest = min((years for r in school_rules.values() for years, _ in r.values()), default=0)
    pupils = pupil_model.objects.filter(
        school_id__in=school_ids, date_of_birth__lte=add_years(today, -shortest),
        left_on__lte=today,
    ).order_by("date_of_birth", "legal_last_name", "pk")  # fmt: skip
    if pupil_ids is not None:
        pupils = pupils.filter(pk__in=pupil_ids)
    pupils = list(pupils)
    if not pupils:
        return []
    ids = [p.pk for p in pupils]
    held = kinds_held(ids)
    reviews, holds = _latest_reviews(ids), _active_holds(ids)
    items = []
    for pupil in pupils:
        items += _pupil_items(pupil, held[pupil.pk], school_rules[pupil.school_id], today,
                              reviews.get(pupil.pk), holds.get(pupil.pk))  # fmt: skip
    return items


def due_item(pupil, kind: str, today: dt.date) -> Due | None:
    """The one item for `pupil` and `kind` if it is due today, else None."""
    for item in due([pupil.school_id], today, pupil_ids=[pupil.pk]):
        if item.kind == kind:
            return item
    return None
