"""Small server-rendered SVG bar charts, no script. Each chart is an accessible image
(role="img" with <title> and a <desc> that says what stands out) followed by its numbers
as a table in <details>, so a screen reader, a printout and a keyboard user all get the
data. Colours keep 4.5:1 contrast on white and every series is also named in a legend and
in each bar's tooltip, so colour is never the only cue."""

from html import escape as _esc

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

COLOURS = ("#1d4f91", "#a14a00", "#1e6b34")
WIDTH = 640
FONT = 12


def _nice_max(value: int) -> int:
    if value <= 5:
        return max(value, 1)
    for step in (2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value <= step * 5:
            return -(-value // step) * step
    return value


def _ticks(top: int) -> list[int]:
    if top <= 5:
        return list(range(0, top + 1))
    step = top // 5
    return list(range(0, top + 1, step))


def _summary(labels, series, unit) -> str:
    """What stands out, in words: each series' largest category and its total."""
    parts = []
    for name, values in series:
        total = sum(values)
        if not total:
            parts.append(f"{name}: none.")
            continue
        peak = max(values)
        at = [labels[i] for i, v in enumerate(values) if v == peak]
        where = ", ".join(at[:3]) + (" and others" if len(at) > 3 else "")
        in_all = f"{total} {unit}".strip()
        parts.append(f"{name}: {in_all} in all; most at {where} ({peak}).")
    return " ".join(parts)


def _legend(series) -> str:
    if len(series) < 2:
        return ""
    items = "".join(
        # A class per colour (behaviour.css), not an inline style attribute: the
        # Content-Security-Policy refuses inline styles.
        format_html('<li><span class="swatch c{}"></span>{}</li>', i % len(COLOURS), name)
        for i, (name, _) in enumerate(series)
    )
    return f'<ul class="chart-legend" aria-hidden="true">{items}</ul>'


def _table(title, labels, series, label_heading, open_data=False) -> str:
    # Plain f-strings with the text escaped (html.escape, as Django's escape does): a chart
    # has hundreds of cells and format_html per cell was most of the page's time.
    head = "".join(f'<th scope="col" class="num">{_esc(str(name))}</th>' for name, _ in series)
    body = "".join(
        f'<tr><th scope="row">{_esc(label)}</th>'
        + "".join(f'<td class="num">{int(values[i])}</td>' for _, values in series)
        + "</tr>"
        for i, label in enumerate(labels)
    )
    return format_html(
        '<details class="chart-data"{}><summary>The numbers<span class="visually-hidden">: {}'
        '</span></summary><table><thead><tr><th scope="col">{}</th>{}</tr></thead>'
        "<tbody>{}</tbody></table></details>",
        mark_safe(" open") if open_data else "",
        title,
        label_heading,
        mark_safe(head),
        mark_safe(body),
    )


def _figure(chart_id, title, desc, svg_body, width, height, legend, table) -> str:
    return mark_safe(
        f'<figure class="chart" id="{escape(chart_id)}">'
        f'<svg role="img" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="{FONT}" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif">'
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>'
        f"{svg_body}</svg>{legend}{table}</figure>"
    )


def _y_axis(parts, left, top, plot_h, y_max):
    for tick in _ticks(y_max):
        y = top + plot_h - plot_h * tick / y_max
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#c9d0d8" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#4a5563">{tick}</text>'
        )


def _panel_title(parts, x, y, name, colour, y_max):
    """A panel's own heading: which series, in its colour's swatch, and its scale."""
    parts.append(
        format_html(
            '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
            '<text x="{}" y="{}" fill="#1b1f24" font-weight="600">{} '
            '<tspan font-weight="400" fill="#4a5563">(scale 0 to {})</tspan></text>',
            x,
            y - 9,
            colour,
            x + 14,
            y,
            name,
            y_max,
        )
    )


def _columns(parts, *, labels, series, top, plot_h, left, y_max, x_labels_at):
    """Grouped vertical bars for `series` on one scale, with the labels along the bottom."""
    plot_w = WIDTH - left - 8
    n = max(len(labels), 1)
    group_w = plot_w / n
    bar_w = min(max(group_w * 0.8 / max(len(series), 1), 1), 48)
    inset = (group_w - bar_w * len(series)) / 2
    every = max(1, -(-n // 14))  # at most about 14 labels along the axis
    _y_axis(parts, left, top, plot_h, y_max)
    names = [(_esc(str(name)), values, _esc(colour)) for name, values, colour in series]
    for i, label in enumerate(labels):
        x0 = left + i * group_w + inset
        text = _esc(label)
        for s, (name, values, colour) in enumerate(names):
            value = int(values[i])
            h = plot_h * value / y_max
            parts.append(
                f'<rect x="{x0 + s * bar_w:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{max(bar_w - 1, 1):.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{name}: {text} {value}</title></rect>"
            )
        if i % every == 0:
            parts.append(
                f'<text x="{left + i * group_w + group_w / 2:.1f}" y="{x_labels_at:.1f}" '
                f'text-anchor="middle" fill="#1b1f24">{text}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{WIDTH - 8}" y1="{top + plot_h}" y2="{top + plot_h}" '
        'stroke="#1b1f24" stroke-width="1"/>'
    )


def _coloured(series):
    return [(name, values, COLOURS[i % len(COLOURS)]) for i, (name, values) in enumerate(series)]


def _scales_note(series) -> str:
    scales = ", ".join(f"{name} 0 to {_nice_max(max(values or [0]))}" for name, values in series)
    return f" Each has its own scale: {scales}."


def column_chart(
    *,
    chart_id,
    title,
    labels,
    series,
    unit="",
    label_heading="",
    open_data=False,
    separate_scales=False,
):
    """Vertical grouped bars: one group per label (hours, weekdays, weeks, terms).
    `separate_scales` draws each series in its own panel on its own scale, for series that
    count different things (a handful of incidents beside dozens of observed behaviours
    would otherwise look flat)."""
    labels = [str(label) for label in labels]
    left, top, plot_h = 34, 10, 176
    parts = []
    desc = _summary(labels, series, unit)
    if separate_scales and len(series) > 1:
        panel_h, plot_h = 150, 98
        for s, (name, values, colour) in enumerate(_coloured(series)):
            y0 = s * panel_h
            y_max = _nice_max(max(values or [0]))
            _panel_title(parts, left, y0 + 16, name, colour, y_max)
            _columns(
                parts,
                labels=labels,
                series=[(name, values, colour)],
                top=y0 + 26,
                plot_h=plot_h,
                left=left,
                y_max=y_max,
                x_labels_at=y0 + 26 + plot_h + 16,
            )
        height = panel_h * len(series)
        desc += _scales_note(series)
        legend = ""
    else:
        peak = max([v for _, values in series for v in values] or [0])
        _columns(
            parts,
            labels=labels,
            series=_coloured(series),
            top=top,
            plot_h=plot_h,
            left=left,
            y_max=_nice_max(peak),
            x_labels_at=top + plot_h + 16,
        )
        height = 220
        legend = _legend(series)
    return _figure(
        chart_id,
        title,
        desc,
        "".join(parts),
        WIDTH,
        height,
        legend,
        _table(title, labels, series, label_heading, open_data),
    )


def _bars(parts, *, labels, series, top, x_max):
    """Horizontal grouped bars for `series` on one scale, one row per label; returns the
    height used."""
    label_w, right = 200, 40
    row_h = 10 + 14 * len(series)
    plot_w = WIDTH - label_w - right
    names = [(_esc(str(name)), values, _esc(colour)) for name, values, colour in series]
    for i, label in enumerate(labels):
        y0 = top + i * row_h
        text = _esc(label)
        parts.append(
            f'<text x="{label_w - 8}" y="{y0 + row_h / 2 + 4:.1f}" text-anchor="end" '
            f'fill="#1b1f24">{_esc(Truncator(label).chars(30))}</text>'
        )
        for s, (name, values, colour) in enumerate(names):
            value = int(values[i])
            w = plot_w * value / x_max
            y = y0 + 5 + s * 14
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="12" fill="{colour}">'
                f"<title>{name}: {text} {value}</title></rect>"
                f'<text x="{label_w + w + 4:.1f}" y="{y + 10}" fill="#1b1f24">{value}</text>'
            )
    height = row_h * max(len(labels), 1)
    parts.append(
        f'<line x1="{label_w}" x2="{label_w}" y1="{top}" y2="{top + height}" '
        'stroke="#1b1f24" stroke-width="1"/>'
    )
    return height


def bar_chart(
    *,
    chart_id,
    title,
    labels,
    series,
    unit="",
    label_heading="",
    open_data=False,
    separate_scales=False,
):
    """Horizontal grouped bars: one row per category (lessons, antecedents, staff), whose
    names may be long. `separate_scales`: each series in its own panel on its own scale."""
    labels = [str(label) for label in labels]
    parts = []
    desc = _summary(labels, series, unit)
    if separate_scales and len(series) > 1:
        y = 0
        for name, values, colour in _coloured(series):
            x_max = _nice_max(max(values or [0]))
            _panel_title(parts, 8, y + 16, name, colour, x_max)
            y += 24 + _bars(
                parts, labels=labels, series=[(name, values, colour)], top=y + 24, x_max=x_max
            )
            y += 10
        height = y
        desc += _scales_note(series)
        legend = ""
    else:
        peak = max([v for _, values in series for v in values] or [0])
        height = 12 + _bars(
            parts, labels=labels, series=_coloured(series), top=6, x_max=_nice_max(peak)
        )
        legend = _legend(series)
    return _figure(
        chart_id,
        title,
        desc,
        "".join(parts),
        WIDTH,
        height,
        legend,
        _table(title, labels, series, label_heading, open_data),
    )
