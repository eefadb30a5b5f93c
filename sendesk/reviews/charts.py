"""Charts as inline SVG markup, drawn on the server: the same markup serves the review page
and the PDF pack (WeasyPrint draws inline SVG), with no script and no style attribute
(the Content-Security-Policy allows neither). Each chart names itself for screen readers
(role="img", a <title>), and the page says its figures in words beside it."""

import datetime as dt

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 560, 170
LEFT, RIGHT, TOP, BOTTOM = 92, 12, 10, 26
LINE = "#1d4f91"
GRID = "#c8cdd3"
INK = "#1f2328"


def _x(day: dt.date, since: dt.date, until: dt.date) -> float:
    span = max((until - since).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - since).days / span


def _months(since: dt.date, until: dt.date):
    """First days of months in the window, at most about eight labels."""
    months, day = [], since.replace(day=1)
    while day <= until:
        if day >= since:
            months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    step = max(1, -(-len(months) // 8))
    return months[::step]


def _axis(since, until, bottom) -> list[str]:
    parts = [f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}" stroke="{INK}"/>']
    for month in _months(since, until):
        x = _x(month, since, until)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 8}" font-size="11" fill="{INK}" '
            f'text-anchor="middle">{month:%b %y}</text>'
        )
    return parts


def steps_chart(points, levels, since, until, title) -> str:
    """A line over time on a scale of named levels (0 = the first): points are
    (day, level as a number, maybe a fraction when averaged over a week)."""
    bottom = HEIGHT - BOTTOM
    step = (bottom - TOP) / max(len(levels) - 1, 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, label in enumerate(levels):
        y = bottom - i * step
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" fill="{INK}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
    parts += _axis(since, until, bottom)
    coords = [(_x(day, since, until), bottom - level * step) for day, level in points]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    for x, y in coords:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{LINE}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def bars_chart(bars, title, unit="min") -> str:
    """Vertical bars: (label, value) pairs, e.g. minutes a month."""
    bottom = HEIGHT - BOTTOM
    top_value = max((v for _, v in bars), default=0) or 1
    width = (WIDTH - LEFT - RIGHT) / max(len(bars), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}" stroke="{INK}"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 8}" font-size="11" fill="{INK}" '
        f'text-anchor="end">{top_value} {escape(unit)}</text>',
    ]
    for i, (label, value) in enumerate(bars):
        h = (bottom - TOP) * value / top_value
        x = LEFT + i * width
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{bottom - h:.1f}" width="{max(width - 4, 1):.1f}" '
            f'height="{h:.1f}" fill="{LINE}"/>'
        )
        parts.append(
            f'<text x="{x + width / 2:.1f}" y="{HEIGHT - 8}" font-size="11" fill="{INK}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
