"""The head brings pupils in from a CSV, as a school office would, on a 320 px phone: the
preview names the one bad row and imports nothing; the file corrected and uploaded again
previews clean and is applied. axe-core finds no WCAG 2.2 A/AA violation on the imports
pages (the list, a preview with an error, a clean preview, the applied import), and
nothing scrolls sideways at 320 CSS px."""

import pytest
from playwright.sync_api import expect

from sendesk.imports.models import ImportBatch
from sendesk.pupils.models import Pupil
from sendesk.pupils.upn import make_upn

from .conftest import WIDTH
from .signin import log_in
from .test_notifications import axe_source, axe_violations  # noqa: F401 (the fixture)
from .test_reflow import problems

HEADER = "upn,first_name,last_name,date_of_birth,year,sen_status,primary_need,secondary_need"
GOOD = [
    f"{make_upn('823', '4001', 2019, 901)},Maisie,Holloway,2018-02-11,2,K,SLCN,",
    f"{make_upn('823', '4001', 2019, 902)},Tobias,Ferreira,12/06/2017,3,N,,",
]
CLARA_GOOD = f"{make_upn('823', '4001', 2019, 903)},Clara,Nwosu,2016-09-30,4,K,SPLD,MLD"
CLARA_BAD = "A82340011990X,Clara,Nwosu,2016-09-30,4,K,SPLD,MLD"  # not a UPN


@pytest.fixture
def phone(browser):
    # bypass_csp: axe is injected by the test, not served by SENDesk (whose CSP refuses it).
    context = browser.new_context(viewport={"width": WIDTH, "height": 640}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def checked(page, axe, where):
    """What axe-core and the reflow check find on the page as it is now."""
    found = [f"{where}: {p}" for p in problems(page)]
    found += [f"{where}: axe {rule} at {targets}" for rule, targets in axe_violations(page, axe)]
    return found


def upload(page, path):
    """Upload from the imports page, as the head does: the preview is a page of its own."""
    if not page.url.endswith("/imports/"):
        page.get_by_role("link", name="← Imports").click()
    page.get_by_label("Pupils (SENDesk CSV template)").check()
    page.get_by_label("The file").set_input_files(str(path))
    page.get_by_role("button", name="See what it would do").click()
    page.wait_for_load_state("load")


def test_the_head_imports_pupils_corrects_the_bad_row_and_applies(
    live_world, live_server, phone, request, tmp_path
):
    w, base, page = live_world, live_server.url, phone
    axe = request.getfixturevalue("axe_source")
    before = Pupil.objects.count()
    log_in(page, base, w.head.email)
    page.goto(f"{base}/imports/")
    expect(page.get_by_role("heading", name="Imports", level=1)).to_be_visible()
    found = checked(page, axe, "imports")

    # Row 4 of the file (the header is row 1) has a UPN that is not one.
    roll = tmp_path / "roll.csv"
    roll.write_text("\r\n".join([HEADER, *GOOD, CLARA_BAD]) + "\r\n", encoding="utf-8-sig")
    upload(page, roll)
    expect(page.get_by_role("heading", name="What this file would do")).to_be_visible()
    errors = page.get_by_role("region", name="Errors to correct").get_by_role("row")
    expect(errors).to_have_count(2)  # the header and the one bad row
    expect(errors.nth(1)).to_contain_text("roll.csv")
    expect(errors.nth(1)).to_contain_text("4")
    expect(errors.nth(1)).to_contain_text("A82340011990X is not a valid UPN")
    expect(page.get_by_role("button", name="Apply this import")).to_have_count(0)
    found += checked(page, axe, "preview with an error")
    assert Pupil.objects.count() == before

    # Corrected and uploaded again: a clean preview, then applied.
    roll.write_text("\r\n".join([HEADER, *GOOD, CLARA_GOOD]) + "\r\n", encoding="utf-8-sig")
    upload(page, roll)
    expect(page.get_by_role("region", name="Errors to correct")).to_have_count(0)
    expect(page.get_by_role("region", name="New (3)")).to_contain_text("Clara Nwosu")
    found += checked(page, axe, "clean preview")
    page.get_by_role("button", name="Apply this import").click()
    expect(page.get_by_role("heading", name="What was imported")).to_be_visible()
    found += checked(page, axe, "applied")
    page.goto(f"{base}/imports/")
    expect(page.get_by_role("cell", name="Applied")).to_have_count(1)
    found += checked(page, axe, "imports, after")
    assert found == []

    made = Pupil.objects.filter(school=w.school, legal_last_name__in=["Holloway", "Ferreira",
                                                                       "Nwosu"])  # fmt: skip
    assert sorted(made.values_list("legal_first_name", flat=True)) == ["Clara", "Maisie", "Tobias"]
    assert Pupil.objects.count() == before + 3
    statuses = sorted(ImportBatch.objects.values_list("status", flat=True))
    assert statuses == ["applied", "previewed"]
