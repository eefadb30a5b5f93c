"""Minutes as people read them: "26 h", "12 h 30 min", "45 min", not "1560 min"."""

from django import template

register = template.Library()


@register.filter
def hours(minutes):
    """A whole number of minutes (not negative) in hours and minutes; anything else
    unchanged."""
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        return minutes
    h, m = divmod(minutes, 60)
    if not h:
        return f"{m} min"
    return f"{h} h" + (f" {m} min" if m else "")
