"""With the Content-Security-Policy on, Chromium refuses nothing on the pages of a TA, the
SENCO, a parent and the DSL (no securitypolicyviolation event, no console report), and what
needs script or style still works: the bars are drawn at their width, htmx fetches and
posts, the admin and the API docs run."""

import re

import pytest
from playwright.sync_api import expect

from tests.second_factor import enrol

from .pages import make_records, urls_for
from .signin import log_in, second_step

# Runs in every document before its own scripts: collects what the policy refused.
WATCH = """window.__refused = [];
document.addEventListener("securitypolicyviolation", (e) => window.__refused.push(
  `${e.effectiveDirective} refused ${e.blockedURI || "inline code"} ` +
  `(${e.sourceFile}:${e.lineNumber})`
));"""

# Every element drawn with a w-N class: the share of its box's inner width it takes, which
# is N% when the stylesheet's width classes apply (an inline width would have been refused).
BARS = """() => [...document.querySelectorAll("[class*='w-']")].flatMap((el) => {
  const m = [...el.classList].map((c) => /^w-(\\d+)$/.exec(c)).find(Boolean);
  const box = el.parentElement, cs = getComputedStyle(box);
  const inner = box.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  if (!m || inner <= 0) return [];
  return [{want: +m[1], got: 100 * el.getBoundingClientRect().width / inner,
           what: box.getAttribute("aria-label") || box.className}];
})"""


@pytest.fixture
def watched(browser):
    """A page that records every refusal, by event and in the console."""
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_reports = []
    page.on(
        "console",
        lambda m: page.console_reports.append(m.text) if "Security Policy" in m.text else None,
    )
    yield page
    context.close()


def refused(page) -> list[str]:
    found = page.evaluate("window.__refused") + page.console_reports
    page.console_reports.clear()
    return found


def bars_off(page) -> tuple[int, list]:
    """(how many bars were measured, those not drawn at their width)."""
    bars = page.evaluate(BARS)
    return len(bars), [b for b in bars if abs(b["got"] - b["want"]) > 1]


@pytest.mark.parametrize("person", ["alice", "senco", "pat", "dsl"])
def test_their_pages_raise_no_policy_violation(live_world, live_server, client, watched, person):
    w, base = live_world, live_server.url
    records = make_records(w, client)
    log_in(watched, base, getattr(w, person).email)
    failures, measured = {}, 0
    for name, path in urls_for(person, w, records):
        assert watched.goto(base + path).status == 200, name
        watched.wait_for_load_state("load")
        count, wrong = bars_off(watched)
        measured += count
        if found := refused(watched) + [f"bar drawn at the wrong width: {b}" for b in wrong]:
            failures[f"{name} {path}"] = found
    assert not failures, "\n".join(f"{page}: {'; '.join(f)}" for page, f in failures.items())
    if person == "senco":
        assert measured > 10, "the SENCO's pages show bars: none was measured"


def test_bars_htmx_and_drafts_work_under_the_policy(live_world, live_server, client, watched):
    w, base = live_world, live_server.url
    make_records(w, client)  # a Talk Boost session today: the bars are not all empty
    log_in(watched, base, w.senco.email)

    # The pupil page's bar for Talk Boost, and its weeks fetched by htmx when opened.
    watched.goto(f"{base}/pupils/{w.ben.pk}/")
    row = watched.locator("details.weeks", has_text="Talk Boost")
    row.locator("summary").click()
    row.locator("ol.week-bars li").first.wait_for()
    count, wrong = bars_off(watched)
    assert wrong == [] and count > 10
    assert any(b["want"] > 0 for b in watched.evaluate(BARS)), "every bar is empty"

    # The pupil search narrows the list as one types (htmx, on input).
    watched.goto(f"{base}/pupils/")
    expect(watched.locator("#results")).to_contain_text("Brown, Ben")
    watched.get_by_label("Name or UPN").fill("Cara")
    expect(watched.locator("#results")).not_to_contain_text("Brown, Ben")
    expect(watched.locator("#results")).to_contain_text("Clark, Cara")
    expect(watched).to_have_url(re.compile(r"q=Cara"))
    assert refused(watched) == []

    # A TA opens a card on My day (htmx loads its form, sendesk.js binds its draft) and
    # saves it (htmx posts it and swaps in the result).
    watched.context.clear_cookies()
    log_in(watched, base, w.alice.email)
    card = watched.locator("article.provision-card").filter(
        has=watched.get_by_role("heading", name="Precision teaching")
    )
    card.get_by_role("link", name=re.compile("Record this session")).click()
    expect(card.locator("form[data-draft-bound]")).to_have_count(1)
    card.get_by_text("Present", exact=True).click()
    card.locator("label").filter(has_text=re.compile(r"^\s*4\b")).first.click()
    card.get_by_role("button", name="Save session").click()
    expect(card.get_by_text("Recorded ✓")).to_be_visible()
    assert refused(watched) == []

    # And the watch does see a refusal: markup with an inline style, as an injection would.
    watched.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')"
    )
    assert any("style-src" in r for r in refused(watched))


def test_the_admin_and_the_api_docs_run_under_the_policy(live_world, live_server, watched):
    from django.contrib.auth import get_user_model

    base = live_server.url
    root = get_user_model().objects.create_superuser(
        "root@test.example", "a-long-admin-password", full_name="Ada Admin"
    )
    device = enrol(root)  # the set-up screens need a second factor
    watched.goto(f"{base}/admin/login/")
    watched.locator("#id_username").fill("root@test.example")
    watched.locator("#id_password").fill("a-long-admin-password")
    watched.get_by_role("button", name="Log in").click()
    second_step(watched, device)
    expect(watched.get_by_role("heading", name="Site administration")).to_be_visible()
    watched.goto(f"{base}/admin/schools/school/")
    expect(watched.locator("#result_list")).to_contain_text("Test Primary")
    watched.get_by_role("link", name="Test Primary").click()
    # The admin's own scripts: a date field's calendar opens, an inline row is added.
    watched.locator(".datetimeshortcuts a[id^='calendarlink']").first.click()
    expect(watched.locator(".calendarbox").first).to_be_visible()
    terms = watched.locator("#terms-group tbody tr.form-row:not(.empty-form)")
    before = terms.count()
    watched.locator("#terms-group .add-row a").click()
    expect(terms).to_have_count(before + 1)
    assert refused(watched) == []

    watched.goto(f"{base}/api/v1/docs")
    expect(watched.locator(".opblock").first).to_be_visible()
    assert watched.locator(".opblock").count() > 20
    watched.locator(".opblock-summary").first.click()
    expect(watched.get_by_role("button", name="Try it out")).to_be_visible()
    assert refused(watched) == []
