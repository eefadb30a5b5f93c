"""The SVG charts are accessible images with their numbers alongside."""

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
