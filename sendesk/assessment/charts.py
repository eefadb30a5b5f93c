"""Line charts over time, drawn on the server as inline SVG (no script, so they print and
go into the review pack's PDF as they are). Each is an image with a <title> and a <desc>
saying what it shows in words, followed by the same numbers as a table, so a screen
reader, a printout and a keyboard user all get the data. One series a chart, its points
marked as well as joined, in a colour with at least 4.5:1 contrast on white."""

import datetime as dt
from html import escape

from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 440, 210
LEFT, RIGHT, TOP, BOTTOM = 104, 40, 14, 40
COLOUR = "#1d4f91"
GRID = "#c9d0d8"
INK = "#1b1f24"
MUTED = "#4a5563"


def _x(day: dt.date, first: dt.date, last: dt.date) -> float:
    span = max((last - first).days, 1)
    plot_w = WIDTH - LEFT - RIGHT
    if first == last:
        return LEFT + plot_w / 2
    return LEFT + plot_w * (day - first).days / span


def _y(value: float, low: float, high: float) -> float:
    plot_h = HEIGHT - TOP - BOTTOM
    return TOP + plot_h - plot_h * (value - low) / max(high - low, 1e-9)


def _ticks(low: float, high: float, labels) -> list[tuple[float, str]]:
    """Gridlines: every level of a named scale, else about five round numbers."""
    if labels:
        return [(i + 1, name) for i, name in enumerate(labels)]
    span = high - low
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200) if span / s <= 6), 500)
    first = -(-low // step) * step
    ticks, value = [], first
    while value <= high:
        ticks.append((value, f"{value:g}"))
        value += step
    return ticks


def line_chart(
    *, chart_id: str, title: str, points, low, high, level_names=None, value_heading="Score",
    describe: str = "",
):  # fmt: skip
    """`points`: [(date, value, words)] oldest first, `words` the value as people read it
    (a level's name, a reading age). `low`..`high` is the y range; `level_names` names the
    levels 1..n of a scale (drawn as the gridlines). Returns safe HTML: figure + table."""
    low, high = float(low), float(high)
    parts = []
    for value, name in _ticks(low, high, level_names):
        y = _y(value, low, high)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{escape(name[:14])}</text>"
        )
    if points:
        first, last = points[0][0], points[-1][0]
        coords = [(_x(d, first, last), _y(float(v), low, high)) for d, v, _ in points]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{COLOUR}" stroke-width="2"/>')
        for (x, y), (day, _, words) in zip(coords, points, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{COLOUR}">'
                f"<title>{day:%-d %b %Y}: {escape(str(words))}</title></circle>"
            )
        for day, anchor in (
            ((first, "start"), (last, "end")) if first != last else ((first, "middle"),)
        ):
            parts.append(
                f'<text x="{_x(day, first, last):.1f}" y="{HEIGHT - BOTTOM + 18}" '
                f'text-anchor="{anchor}" fill="{INK}">{day:%-d %b %Y}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" '
        f'y2="{HEIGHT - BOTTOM}" stroke="{INK}"/>'
    )
    desc = describe or _describe(points)
    cid = escape(chart_id)
    svg = (
        f'<svg role="img" aria-labelledby="{cid}-t {cid}-d" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
        'font-size="14" font-family="system-ui, Segoe UI, Roboto, Arial, sans-serif">'
        f'<title id="{cid}-t">{escape(title)}</title><desc id="{cid}-d">{escape(desc)}</desc>'
        f"{''.join(parts)}</svg>"
    )
    rows = "".join(
        f'<tr><th scope="row">{day:%-d %b %Y}</th><td>{escape(str(words))}</td></tr>'
        for day, _, words in points
    )
    table = (
        f'<details class="chart-data"><summary>The numbers<span class="visually-hidden">: '
        f'{escape(title)}</span></summary><table><thead><tr><th scope="col">Date</th>'
        f'<th scope="col">{escape(value_heading)}</th></tr></thead><tbody>{rows}</tbody>'
        "</table></details>"
    )
    return mark_safe(f'<figure class="chart" id="{cid}">{svg}{table}</figure>')


def _describe(points) -> str:
    if not points:
        return "Nothing recorded yet."
    if len(points) == 1:
        day, _, words = points[0]
        return f"One record, on {day:%-d %B %Y}: {words}."
    (d0, _, w0), (d1, _, w1) = points[0], points[-1]
    return f"{len(points)} records from {d0:%-d %B %Y} ({w0}) to {d1:%-d %B %Y} ({w1})."
