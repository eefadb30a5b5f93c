from django.db.models import Q


def active_on(day) -> Q:
    """Rows with a `start` and an optional `end` (inclusive) that apply on `day`:
    deployments, provisions."""
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))
