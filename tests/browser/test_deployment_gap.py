"""The SENCO on a phone (320 CSS px) sees the 1:1 promise nobody is deployed to give at
the top of the deployment page, follows its link and deploys an adult: the form opens
with the pupil and "1:1" chosen, and the gap is gone."""

import datetime as dt

from sendesk.provision.models import Provision
from sendesk.pupils.models import Deployment

from .signin import log_in
from .test_reflow import problems


def test_senco_fills_an_unstaffed_one_to_one_from_the_top_of_the_page(
    live_world,
    live_server,
    narrow,  # noqa: F811
):
    w, base = live_world, live_server.url
    Provision.objects.create(
        pupil=w.dan,
        title="In-class 1:1 support",
        kind="one_to_one",
        source="ehcp_f",
        weekly_minutes=15 * 60,
        days="12345",
        start=dt.date(2026, 9, 3),
    )
    log_in(narrow, base, w.senco.email)
    narrow.goto(f"{base}/deployment/")
    assert problems(narrow) == []
    gap = narrow.locator("#h-attention + ul li")
    assert "No adult deployed for Dan Dale: 15 hours a week" in gap.inner_text()
    gap.get_by_role("link", name="Deploy an adult to Dan Dale").click()
    narrow.wait_for_url(lambda url: "for=" in url)
    assert narrow.get_by_label("Pupil (1:1 or key adult)").input_value() == str(w.dan.pk)
    assert narrow.get_by_label("Kind of deployment").input_value() == "one_to_one"
    narrow.get_by_label("Staff member").select_option(label="Bob Assistant")
    # The start is today, already in the browser's date picker.
    assert narrow.get_by_label("From").input_value() == "2026-11-18"
    narrow.get_by_role("button", name="Deploy", exact=True).click()
    # Redirected back to the page (the browser keeps the #add it came with).
    narrow.wait_for_url(lambda url: url.split("#")[0] == f"{base}/deployment/")
    assert Deployment.objects.filter(staff=w.bob, pupil=w.dan, kind="one_to_one").exists()
    assert "Every promise of 1:1 hours has an adult deployed today." in narrow.inner_text(
        "#h-attention + p"
    )
