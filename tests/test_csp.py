"""The Content-Security-Policy: every response carries it, it allows no inline script or
style and nothing from elsewhere, and no page holds code it would refuse (an inline
style="", <style>, <script> or event handler would simply stop working in the browser).

Every page type of tests/browser/pages.py (which test_reflow keeps in step with the URL
patterns) is opened by the person listed there; the templates and the Python that writes
HTML are read too, so that an error state no test opens cannot hide an inline style."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from sendesk.behaviour import charts
from tests.browser.pages import PEOPLE, make_records, urls_for

from .second_factor import verified_login

# The whole policy, directive by directive: a change to it is a decision, made here too.
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}


def policy(response) -> dict:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} {response.request}"
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


class _InlineCode(HTMLParser):
    """What in a page the policy would refuse: style attributes and elements, scripts with
    no src (JSON data blocks do not run), on...= handlers, htmx's hx-on (evaluated code) and
    js: values, and javascript: addresses."""

    DATA_SCRIPTS = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        where = f"<{tag}{' id=' + dict(attrs)['id'] if dict(attrs).get('id') else ''}>"
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name == "style":
                self.found.append(f"style attribute on {where}")
            elif name.startswith(("on", "hx-on")):
                self.found.append(f"{name} handler on {where}")
            elif value.startswith("javascript:"):
                self.found.append(f"javascript: in {name} of {where}")
            elif name in ("hx-vals", "hx-headers", "hx-vars") and value.startswith("js:"):
                self.found.append(f"evaluated {name} on {where}")
        if tag == "style":
            self.found.append("a <style> element")
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") not in self.DATA_SCRIPTS:
            self.found.append("an inline <script>")

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_inline_code_finder_finds_each_kind():
    """The checks below pass on an empty list: this shows that the finder sees each kind."""
    page = """<!doctype html><html><head><style>p{}</style><script>go()</script>
      <script src="/static/js/sendesk.js" defer></script>
      <script type="application/json" id="data">{"a": 1}</script></head>
      <body onload="go()"><div style="width: 5%"></div><button onclick="go()">x</button>
      <a href="javascript:go()">x</a><a href="/ok/">x</a><img src="/x.png" alt="">
      <div hx-on:click="go()"></div><div hx-vals='js:{a: go()}'></div>
      <svg><rect fill="#fff"/></svg></body></html>"""
    assert sorted(inline_code(page)) == sorted(
        [
            "a <style> element",
            "an inline <script>",
            "onload handler on <body>",
            "style attribute on <div>",
            "onclick handler on <button>",
            "javascript: in href of <a>",
            "hx-on:click handler on <div>",
            "evaluated hx-vals on <div>",
        ]
    )


@pytest.mark.parametrize("person", PEOPLE)
def test_every_page_carries_the_policy_and_no_inline_code(world, client, as_user, person):
    records = make_records(world, client)
    client = as_user(getattr(world, person))
    failures = {}
    for name, path in urls_for(person, world, records):
        response = client.get(path)
        assert response.status_code == 200, f"{name} ({path}) answered {response.status_code}"
        assert policy(response) == DATA_IMAGES.get(name, POLICY), name
        if found := inline_code(response.content.decode()):
            failures[f"{name} {path}"] = found
    assert not failures, "\n".join(f"{page}: {'; '.join(f)}" for page, f in failures.items())


def test_pages_htmx_swaps_in_carry_no_inline_code(world, as_user):
    """The fragments htmx fetches (the weeks of a provision, the pupil search) are read by
    the same rules: they land in a page that has the policy."""
    client = as_user(world.senco)
    for path in (
        f"/pupils/{world.ben.pk}/provision/{world.talk.pk}/weeks/",
        "/pupils/?q=Ben",
        f"/pupils/{world.ben.pk}/timeline/",
    ):
        response = client.get(path, headers={"HX-Request": "true"})
        assert response.status_code == 200, path
        assert "<html" not in response.content.decode(), f"{path} is not a fragment"
        assert inline_code(response.content.decode()) == [], path
        assert policy(response) == POLICY, path


def test_other_answers_carry_the_policy_too(world, client, as_user, django_user_model):
    """Logged out, not found, refused, redirected, JSON, static files and the admin."""
    answers = {
        "login": client.get("/login/"),
        "home, logged out": client.get("/"),
        "not found, logged out": client.get("/no-such-page/"),
        "api without a token": client.get("/api/v1/pupils"),
        "a static file": client.get("/static/css/sendesk.css"),
        "healthz": client.get("/healthz"),
    }
    senco = as_user(world.senco)
    answers["not found"] = senco.get(f"/pupils/{world.olly.pk}/")
    answers["method not allowed"] = senco.get(f"/plans/{world.plan.pk}/activate/")
    expected = {
        "login": 200,
        "home, logged out": 302,
        "not found, logged out": 404,
        "api without a token": 401,
        "a static file": 200,
        "healthz": 200,
        "not found": 404,
        "method not allowed": 405,
    }
    assert {k: r.status_code for k, r in answers.items()} == expected
    for what, response in answers.items():
        assert policy(response) == POLICY, what
        if response["Content-Type"].startswith("text/html"):
            assert inline_code(response.content.decode()) == [], what


def test_a_refused_form_gets_the_sites_page_not_djangos_inline_styled_one(world):
    client = Client(enforce_csrf_checks=True)
    verified_login(client, world.alice)
    refused = client.post(f"/pupils/{world.ben.pk}/incidents/new/", {})
    assert refused.status_code == 403
    assert policy(refused) == POLICY
    body = refused.content.decode()
    assert inline_code(body) == []
    assert "Nothing was saved" in body and 'href="/static/css/sendesk.css"' in body


def test_the_admin_works_under_the_same_policy(db, client):
    """Django's admin keeps its script in files: it needs no exception."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser(
        "root@test.example", "a-long-admin-password", full_name="Ada Admin"
    )
    verified_login(client, admin)
    for path in (
        "/admin/",
        "/admin/schools/school/",
        "/admin/schools/school/add/",
        "/admin/accounts/user/",
        "/admin/schools/staffrole/add/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == POLICY, path
        assert inline_code(response.content.decode()) == [], path


# A review meeting's page shows the pupil's photos as the pack does, embedded as data:
# images (the same markup goes into the PDF): that page alone adds data: to img-src.
DATA_IMAGES = {"reviews_detail": {**POLICY, "img-src": ["'self'", "data:"]}}


def test_only_the_api_docs_may_show_data_images(client):
    """Swagger UI (ninja's own copy, no CDN; its start-up script is a file) draws its icons
    as data: images: that page alone adds data: to img-src (and openapi.json, which ninja
    decorates alike and which shows no images), and nothing else is relaxed."""
    docs, document = client.get("/api/v1/docs"), client.get("/api/v1/openapi.json")
    assert (docs.status_code, document.status_code) == (200, 200)
    assert policy(docs) == policy(document) == {**POLICY, "img-src": ["'self'", "data:"]}
    assert inline_code(docs.content.decode()) == []


def test_chart_legends_colour_by_class_not_style():
    chart = charts.column_chart(
        chart_id="c",
        title="Incidents and observations",
        labels=["Mon", "Tue"],
        series=[("Incidents", [1, 2]), ("Observed", [3, 4]), ("Praise", [0, 1])],
    )
    assert 'class="swatch c0"' in chart and 'class="swatch c2"' in chart
    assert inline_code(chart) == []


# Read as text, before any rendering: what a template or HTML-writing Python would put in a
# page. Django comments are dropped first (a comment may name what it avoids).
TEMPLATE_RULES = {
    "a style attribute": re.compile(r"\sstyle\s*=", re.I),
    "a <style> element": re.compile(r"<style\b", re.I),
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I),
    "an event handler": re.compile(r"\s(on[a-z]+|hx-on[:-][\w:-]*)\s*=", re.I),
    "a javascript: address": re.compile(r"javascript:", re.I),
}
PYTHON_RULES = {
    "a style attribute": re.compile(r"""\sstyle=\\?["']"""),
    "a <style> element": re.compile(r"<style\b", re.I),
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)", re.I),
}
COMMENTS = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
SENDESK = Path(settings.BASE_DIR) / "sendesk"


def _offences(path, text, rules):
    return [
        f"{path.relative_to(SENDESK)}:{text[: m.start()].count(chr(10)) + 1}: {what}"
        for what, rule in rules.items()
        for m in rule.finditer(text)
    ]


def test_no_template_holds_inline_code():
    templates = sorted(SENDESK.rglob("*.html"))
    assert len(templates) > 100, "the templates were not found"
    offences = []
    for path in templates:
        offences += _offences(path, COMMENTS.sub("", path.read_text()), TEMPLATE_RULES)
    assert offences == []


def test_no_python_writes_inline_style_or_script():
    offences = []
    for path in sorted(SENDESK.rglob("*.py")):
        offences += _offences(path, path.read_text(), PYTHON_RULES)
    assert offences == []
