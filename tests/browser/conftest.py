"""What the browser tests share."""

import pytest

WIDTH = 320


@pytest.fixture
def narrow(browser):
    """A page 320 CSS px wide (WCAG 1.4.10 reflow), failing fast rather than waiting."""
    context = browser.new_context(viewport={"width": WIDTH, "height": 640})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
