"""Scores as people read them: a reading or spelling age in years and months, anything
else as the number (94, 7.5)."""

import decimal


def _plain(value) -> str:
    return f"{decimal.Decimal(value).normalize():f}" if value is not None else "—"


def score_text(measure, value) -> str:
    """94; 7 years 4 months (a reading age stored as 88 months)."""
    if value is None:
        return "—"
    if measure is not None and measure.in_months:
        months = int(round(decimal.Decimal(value)))
        years, rest = divmod(months, 12)
        return f"{years} y {rest} m"
    return _plain(value)


def gain_text(measure, gain) -> str:
    """+6; −3; +5 months (a reading age's gain is in months)."""
    if gain is None:
        return "—"
    sign = "+" if gain > 0 else ("−" if gain < 0 else "")
    number = _plain(abs(decimal.Decimal(gain)))
    if measure is not None and measure.in_months:
        return f"{sign}{number} months"
    return f"{sign}{number}"
