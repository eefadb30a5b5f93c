"""The SENCO opens a provision's week-by-week chart on the pupil page: the weeks load when
the row is opened (htmx), fit 320 CSS px, and without script the same chart opens as a page."""

from .signin import log_in
from .test_reflow import problems


def test_week_by_week_loads_when_opened_and_without_script_is_a_page(
    live_world,
    live_server,
    narrow,  # noqa: F811
    browser,
):
    w, base = live_world, live_server.url
    log_in(narrow, base, w.senco.email)
    narrow.goto(f"{base}/pupils/{w.ben.pk}/")
    row = narrow.locator("details.weeks", has_text="Talk Boost")
    assert row.locator("ol.week-bars").count() == 0  # nothing fetched until it is opened
    row.locator("summary").click()
    row.locator("ol.week-bars li").first.wait_for()
    assert "Week of 31 Aug" in row.inner_text()
    assert row.locator("a", has_text="Show each week of this term").count() == 0
    assert problems(narrow) == []

    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    log_in(page, base, w.senco.email)
    page.goto(f"{base}/pupils/{w.ben.pk}/")
    row = page.locator("details.weeks", has_text="Talk Boost")
    row.locator("summary").click()
    row.locator("a", has_text="Show each week of this term").click()
    page.wait_for_url(f"{base}/pupils/{w.ben.pk}/provision/{w.talk.pk}/weeks/")
    assert "Week of 31 Aug" in page.locator("ol.week-bars").inner_text()
    assert problems(page) == []
    context.close()
