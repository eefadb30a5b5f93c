"""The SENCO opens the overview: its three lists load after the page (htmx), each in
its place, nothing left busy, and the page fits 320 CSS px; without script each place
links to its full list."""

from .signin import log_in
from .test_reflow import problems


def test_the_overview_lists_load_after_the_page_and_without_script_are_links(
    live_world,
    live_server,
    narrow,  # noqa: F811
    browser,
):
    w, base = live_world, live_server.url
    log_in(narrow, base, w.senco.email)
    narrow.goto(f"{base}/overview/")
    for section, text in (
        ("shortfalls", "Talk Boost"),
        ("reviews", "Ben's EHC plan"),
        ("stale", "Uses 4-word sentences"),
    ):
        place = narrow.locator(f"section#{section}")
        place.locator("table").wait_for()
        assert text in place.inner_text()
        assert place.get_attribute("aria-busy") is None
        assert place.get_attribute("hx-get") is None  # replaced by its part
    assert problems(narrow) == []

    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    log_in(page, base, w.senco.email)
    page.goto(f"{base}/overview/")
    assert page.locator("section#shortfalls table").count() == 0
    page.locator("section#shortfalls a", has_text="See the provision not delivered").click()
    page.wait_for_url(f"{base}/overview/shortfalls/")
    assert "Talk Boost" in page.locator("table").inner_text()
    context.close()
