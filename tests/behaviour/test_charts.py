"""The SVG charts are accessible images with their numbers alongside."""

import re

from sendesk.behaviour.charts import bar_chart, column_chart


def test_column_chart_is_an_accessible_image_with_a_table():
    svg = column_chart(
        chart_id="c1",
        title="By hour <of day>",
        labels=["09:00", "13:00"],
        series=[("Concerns", [1, 4]), ("Observed", [0, 7])],
        label_heading="Hour",
    )
    assert '<svg role="img" aria-labelledby="c1-t c1-d"' in svg
    assert '<title id="c1-t">By hour &lt;of day&gt;</title>' in svg
    assert "Concerns: 5 in all; most at 13:00 (4). Observed: 7 in all; most at 13:00 (7)." in svg
    assert '<th scope="row">13:00</th><td class="num">4</td><td class="num">7</td>' in svg
    assert "<title>Concerns: 13:00 4</title>" in svg
    assert "<script" not in svg


def test_bar_chart_escapes_labels_and_handles_nothing():
    svg = bar_chart(
        chart_id="c2",
        title="Before",
        labels=['<script>alert("x")</script>'],
        series=[("Concerns", [0])],
    )
    assert "<script>" not in svg
    assert "Concerns: none." in svg
    assert 'role="img"' in svg


def _bar_sizes(svg, attr):
    """{bar title: its height (columns) or width (rows)} from the drawn rects."""
    return {
        title: float(size)
        for size, title in re.findall(
            rf'<rect [^>]*\b{attr}="([\d.]+)"[^>]*><title>([^<]+)</title>', svg
        )
    }


def test_incidents_and_observations_each_get_their_own_scale():
    """Four concerns beside seventy observed behaviours: on one scale the concerns would be
    a sliver; on their own, the busiest hour of each reaches the top of its panel."""
    svg = column_chart(
        chart_id="c3",
        title="By hour",
        labels=["09:00", "13:00"],
        series=[("Concerns", [1, 4]), ("Observed behaviours", [10, 70])],
        separate_scales=True,
    )
    heights = _bar_sizes(svg, "height")
    # Each panel's tallest bar fills it: 4 of 4, and 70 of 80.
    tallest, observed = heights["Concerns: 13:00 4"], heights["Observed behaviours: 13:00 70"]
    assert abs(tallest - observed * 80 / 70) < 0.2
    assert heights["Concerns: 13:00 4"] == 4 * heights["Concerns: 09:00 1"]
    assert re.search(r">Concerns <tspan[^>]*>\(scale 0 to 4\)</tspan>", svg)
    assert "Each has its own scale: Concerns 0 to 4, Observed behaviours 0 to 80." in svg
    assert 'class="chart-legend"' not in svg  # each panel is named where it is drawn
    shared = column_chart(
        chart_id="c4",
        title="By hour",
        labels=["09:00", "13:00"],
        series=[("Concerns", [1, 4]), ("Observed behaviours", [10, 70])],
    )
    flat = _bar_sizes(shared, "height")
    assert flat["Concerns: 13:00 4"] < heights["Concerns: 13:00 4"] / 10


def test_rows_each_get_their_own_scale_too():
    svg = bar_chart(
        chart_id="c5",
        title="By lesson",
        labels=["Maths", "Science"],
        series=[("Concerns", [3, 1]), ("Observed behaviours", [20, 150])],
        separate_scales=True,
    )
    widths = _bar_sizes(svg, "width")
    assert abs(widths["Concerns: Maths 3"] - 3 * widths["Concerns: Science 1"]) < 0.5
    assert widths["Concerns: Maths 3"] > widths["Observed behaviours: Science 150"] * 0.9
    assert svg.count('role="img"') == 1
    assert "Each has its own scale: Concerns 0 to 3, Observed behaviours 0 to 150." in svg


def test_the_behaviour_page_scales_incidents_apart_from_observations(world, as_user, incident):
    incident()
    body = as_user(world.senco).get(f"/pupils/{world.ben.pk}/behaviour/").content.decode()

    def figure(chart_id):
        start = body.index(f'id="{chart_id}"')
        return body[start : body.index("</figure>", start)]

    for chart_id in ("chart-hour", "chart-weekday", "chart-lesson", "chart-antecedent"):
        assert "Each has its own scale: Concerns 0 to 1," in figure(chart_id), chart_id
    # Concerns beside positive recognitions are both incidents: one scale, one legend.
    assert "Each has its own scale" not in figure("chart-trend")
    assert 'class="chart-legend"' in figure("chart-trend")
