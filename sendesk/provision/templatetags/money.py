from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def pounds(value) -> str:
    """£ with thousands separated and two decimals: 1234.5 -> "£1,234.50"; "" for None."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


@register.filter
def hours(value) -> str:
    """Hours a week as typed by people: 1.5 -> "1.5", 2 -> "2", 0.33… -> "0.33"."""
    return f"{Decimal(value).quantize(Decimal('0.01')).normalize():f}"
