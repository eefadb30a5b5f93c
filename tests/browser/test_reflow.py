"""WCAG 1.4.10 Reflow: every page type, opened by a person who may see it, fits 320 CSS px
without scrolling sideways; no text is cut off by a box that hides its overflow; and a box
that does scroll sideways (a table that must stay a table) can be reached by keyboard and
has a name. Failures name the page and the offending elements."""

import pytest

from .conftest import WIDTH
from .pages import NOT_PAGES, PAGES, PEOPLE, POST_ONLY, make_records, route_names, urls_for
from .signin import log_in

# What a page shows at 320 px: its width, the elements that stick out of it, text that a
# box with overflow hidden cuts off, and scroll boxes a keyboard user cannot reach or that
# have no name. Form controls scroll their own text by design and are left out.
MEASURE = """() => {
  const vw = document.documentElement.clientWidth;
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim())
      s += "." + el.className.trim().split(/\\s+/).join(".");
    const text = (el.innerText || el.textContent || "").trim().replace(/\\s+/g, " ");
    return s + (text ? ` "${text.slice(0, 40)}"` : "");
  };
  const inScroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === "auto" || ox === "scroll") return true;
    }
    return false;
  };
  const out = {width: document.documentElement.scrollWidth, wide: [], clipped: [], scrollers: [],
    root: [getComputedStyle(document.documentElement).overflowX,
           getComputedStyle(document.body).overflowX]};
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("svg") && el.tagName.toLowerCase() !== "svg") continue;
    const cs = getComputedStyle(el);
    if (cs.display === "none" || cs.visibility === "hidden") continue;
    const box = el.getBoundingClientRect();
    if (box.width > 1 && box.right > vw + 0.5 && !inScroller(el) && out.wide.length < 5)
      out.wide.push(name(el) + ` (right edge ${Math.round(box.right)})`);
    if (["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName)) continue;
    if (el.scrollWidth <= el.clientWidth + 1 || el.clientWidth <= 1) continue;
    if (cs.overflowX === "hidden" || cs.overflowX === "clip") {
      if ((el.innerText || "").trim()) out.clipped.push(name(el));
    } else if (cs.overflowX === "auto" || cs.overflowX === "scroll") {
      const named = el.hasAttribute("aria-label") || el.hasAttribute("aria-labelledby");
      if (el.tabIndex < 0 || !named) out.scrollers.push(name(el));
    }
  }
  return out;
}"""


def problems(page):
    got = page.evaluate(MEASURE)
    found = []
    if got["root"] != ["visible", "visible"]:
        found.append(f"the page hides its own overflow ({got['root']}), which hides reflow bugs")
    if got["width"] > WIDTH:
        found.append(f"{got['width']} px wide; sticking out: {got['wide']}")
    if got["clipped"]:
        found.append(f"text cut off by overflow:hidden in {got['clipped']}")
    if got["scrollers"]:
        found.append(f"scroll boxes without tabindex=0 and a name: {got['scrollers']}")
    return found


def test_every_page_type_is_listed():
    """A page added to the URLs must be added to tests/browser/pages.py to be checked."""
    listed = set(PAGES) | POST_ONLY | set(NOT_PAGES)
    routes = route_names()
    assert routes - listed == set(), "pages the reflow test does not open"
    assert listed - routes == set(), "listed pages that no longer exist"


def test_actions_listed_as_post_only_have_no_page(world, as_user):
    """What the reflow test skips as POST-only must really have nothing to show on GET."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def patterns(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if not str(entry.pattern).startswith(("admin/", "api/")):
                    yield from patterns(entry)
            elif isinstance(entry, URLPattern) and entry.name in POST_ONLY:
                yield entry

    client = as_user(world.senco)
    for entry in patterns(get_resolver()):
        # Any ids do: the method is refused before the record is looked up.
        path = "/" + str(entry.pattern)
        for conv in (
            "<uuid:pk>",
            "<uuid:plan_id>",
            "<uuid:pupil_id>",
            "<uuid:message_id>",
            "<uuid:batch_id>",
        ):
            path = path.replace(conv, str(world.ben.pk))
        for conv in ("<int:pk>", "<int:notification_id>", "<int:difference_id>"):
            path = path.replace(conv, "1")
        path = path.replace("<str:stage>", "start")  # issue 9: an appraisal's stage
        assert "<" not in path, path
        assert client.get(path).status_code == 405, f"{entry.name} answers GET"


@pytest.mark.parametrize("person", PEOPLE)
def test_pages_fit_320_css_px(live_world, live_server, client, narrow, person):
    w, base = live_world, live_server.url
    records = make_records(w, client)
    log_in(narrow, base, getattr(w, person).email)
    failures = {}
    for name, path in urls_for(person, w, records):
        response = narrow.goto(base + path)
        assert response.status == 200, f"{name} ({path}) answered {response.status}"
        found = problems(narrow)
        if found:
            failures[f"{name} {path}"] = found
    assert not failures, "\n".join(f"{page}: {'; '.join(f)}" for page, f in failures.items())


def test_login_and_not_found_fit_320_css_px(live_world, live_server, narrow):
    w, base = live_world, live_server.url
    narrow.goto(f"{base}/login/")
    assert problems(narrow) == [], "login"
    assert narrow.goto(f"{base}/no-such-page/").status == 404
    assert problems(narrow) == [], "not found, logged out"
    log_in(narrow, base, w.senco.email)
    assert narrow.goto(f"{base}/pupils/{w.olly.pk}/").status == 404
    assert problems(narrow) == [], "not found, logged in"
