from django import forms
from django.db import transaction

from . import inputs
from .errors import ServiceError


def apply_service_errors(form, err, aliases=None):
    """The one way a service's refusal reaches a Django form: each message beside the field
    it is about, the rest at the top of the form (where the error summary lists them).

    `err` is a ServiceError or its errors dict. A key finds its field by, in order: the
    form's `service_error_field(key)` hook when it has one and it answers (for keys that
    name a row of a list, e.g. a session's "pupils.0.attendance"); the form's `aliases`
    and then the `aliases` given (a service's key -> the form's field, None for the top);
    the key itself. A name that is not a field of the form goes to the top."""
    errors = err.errors if isinstance(err, ServiceError) else err
    aliases = {**getattr(form, "aliases", {}), **(aliases or {})}
    hook = getattr(form, "service_error_field", None)
    for key, message in errors.items():
        name = hook(key) if hook is not None else None
        if name is None:
            name = aliases.get(key, key)
        form.add_error(name if name in form.fields else None, message)
    return form


def run_services(*steps):
    """Run service calls as one unit: all of them or none. Each service validates before it
    writes, so after a refusal the next can still run and say what is wrong with its part;
    the person sees every problem at once. Returns the errors, {} when all were written."""
    errors = {}
    with transaction.atomic():
        for step in steps:
            try:
                step()
            except ServiceError as error:
                for key, message in error.errors.items():
                    errors.setdefault(key, message)
        if errors:
            transaction.set_rollback(True)
    return errors


def small_int(raw, lo: int, hi: int) -> int | None:
    """A whole number from a query string or form within [lo, hi], or None (text only:
    inputs.whole_number, which also takes an int, is the one parser)."""
    return inputs.whole_number(raw, lo, hi) if isinstance(raw, str) else None


def field_limits(model, data: dict) -> dict[str, str]:
    """Messages for values that would not fit `model`'s columns (text too long, a number
    too big for a small integer). SQLite stores them anyway and PostgreSQL refuses with a
    500, so services check before they write."""
    from django.core.exceptions import FieldDoesNotExist
    from django.db import models

    small = (models.SmallIntegerField, models.PositiveSmallIntegerField)
    errors = {}
    for name, value in data.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        limit = getattr(field, "max_length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            errors[name] = f"Keep this to {limit} characters or fewer (it has {len(value)})."
        elif isinstance(value, int) and isinstance(field, small) and not 0 <= value <= 32767:
            errors[name] = "This number is too large."
    return errors


class DateInput(forms.DateInput):
    """The browser's own date picker (big, accessible, works on a phone)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


# The fields every form builds the same way: optional (the services say what is missing,
# in words), with the browser's own pickers and messages a person can act on.
DATE_MESSAGE = "Give the date as day, month and year."
TIME_MESSAGE = "Give the time as hours and minutes, like 13:20."


def date_field(label, help_text="", **kwargs):
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput,
        help_text=help_text,
        error_messages={"invalid": DATE_MESSAGE},
        **kwargs,
    )


def time_field(label, **kwargs):
    return forms.TimeField(
        label=label, required=False, widget=TimeInput, error_messages={"invalid": TIME_MESSAGE},
        **kwargs,
    )  # fmt: skip


def text_field(label, help_text="", rows=3, max_length=5000):
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def line_field(label, max_length, help_text="", **attrs):
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs) if attrs else None,
    )


class CheckedChoiceField(forms.ChoiceField):
    """A choice whose value the service checks, so its message (in words) is shown rather
    than Django's "Select a valid choice"."""

    def validate(self, value):
        pass
