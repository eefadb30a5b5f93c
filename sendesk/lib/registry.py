"""What each app declares about itself in its AppConfig (navigation entries, timeline
links, audit names, capabilities), read through Django's app registry. Reading the registry
is not an import, so a lower layer (pupils, schools) can show what a higher app adds
without naming it, and a new app needs no edit to a central list."""

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

# Navigation groups an entry may name (AppConfig.nav's fifth item): one place for their
# words, so two apps cannot spell one group two ways.
STAFF_GROUP = "Staff"
ACCOUNT_GROUP = "Your account"
ASSESS_GROUP = "Assess and review"


def declared(attr: str) -> list:
    """Every installed app's `attr`, in INSTALLED_APPS order; apps that do not declare it
    are skipped. Bound methods come back as they are, for the caller to call."""
    return [
        value
        for config in apps.get_app_configs()
        if (value := getattr(config, attr, None)) is not None
    ]


def hooks(attr: str) -> list:
    """The functions every app names under `attr` (a list of dotted paths), imported, in
    INSTALLED_APPS order: how a lower app calls a higher one without importing it."""
    return [import_string(path) for paths in declared(attr) for path in paths]


def merged(attr: str) -> dict:
    """The apps' dicts under `attr`, merged. Two apps claiming one key is a set-up error,
    raised at first use rather than one silently winning."""
    table: dict = {}
    for part in declared(attr):
        for key, value in part.items():
            if key in table:
                raise ImproperlyConfigured(f"Two apps declare {attr}[{key!r}].")
            table[key] = value
    return table
