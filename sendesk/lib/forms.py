from django import forms
from django.db import transaction

from .errors import ServiceError


def apply_service_errors(form, err, aliases=None):
    """Put a ServiceError's messages on a Django form: beside the field they name (or the
    field `aliases` maps its key to), or at the top when the field is not on the form."""
    aliases = aliases or {}
    for key, message in err.errors.items():
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
    """A whole number from a query string within [lo, hi], or None. Only ASCII digits:
    str.isdigit() also accepts '²' and other digits int() refuses."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return None
    value = int(raw)
    return value if lo <= value <= hi else None


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


class ServiceErrorsMixin:
    """For forms: puts a ServiceError's messages beside the fields they are about
    (`aliases` maps a service's key to a form field), the rest at the top."""

    aliases: dict = {}

    def field_for(self, key):
        name = self.aliases.get(key, key)
        return name if name in self.fields else None

    def add_service_errors(self, errors: dict):
        for key, message in errors.items():
            self.add_error(self.field_for(key), message)
