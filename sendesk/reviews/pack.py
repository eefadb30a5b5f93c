"""The annual review pack: one PDF of the review, in plain English, in the order a local
authority reads an annual review report (the pupil and the meeting; the pupil's views; the
parents'; the school's and the agencies' advice; progress towards each outcome with the
evidence; the provision promised and given; what was decided and recommended; the next
review), with charts. Built with WeasyPrint from a template and the site's own pack
stylesheet; nothing is fetched from elsewhere (url_fetcher refuses), and nothing comes
from safeguarding: the evidence is the review sections', none of which reads it."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors

STYLESHEET = "css/review-pack.css"


def pack_context(review, today=None) -> dict:
    today = today or timezone.localdate()
    since, until = selectors.period(review, today)
    pupil = review.pupil
    return {
        "review": review,
        "pupil": pupil,
        "plan": review.plan,
        "since": since,
        "until": until,
        "steps": selectors.steps(review, today),
        "attendees": list(review.attendees.all()),
        "views": selectors.views_by_kind(review),
        "groups": selectors.plan_with_targets(review),
        "sections": selectors.sections(pupil, since, until),
        "decisions": selectors.decisions(review),
        "provisions": selectors.provisions_in_force(review),
        "made_at": timezone.localtime(),
    }


def pack_html(review, today=None) -> str:
    return render_to_string("reviews/pack.html", pack_context(review, today))


def pack_pdf(review, today=None) -> bytes:
    from weasyprint import CSS, HTML  # loads Pango: only when a pack is built
    from weasyprint.urls import URLFetcher

    # Images come embedded as data: URIs from the sections; nothing else is fetched (no
    # file, no network), whatever a caption or a view might contain.
    fetcher = URLFetcher(allowed_protocols={"data"})
    html = HTML(string=pack_html(review, today), url_fetcher=fetcher, base_url=".")
    return html.write_pdf(stylesheets=[CSS(filename=finders.find(STYLESHEET))])


def filename(review) -> str:
    pupil = review.pupil
    who = f"{pupil.legal_last_name}-{pupil.legal_first_name}".lower().replace(" ", "-")
    safe = "".join(c for c in who if c.isascii() and (c.isalnum() or c == "-"))
    return f"review-{safe or 'pupil'}-{review.date:%Y-%m-%d}.pdf"
