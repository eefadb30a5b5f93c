"""Nobody is shown a link that leads them to "page not found": for each person of the
world, follow every link on every page they can reach (a few of each page type) and check
none answers 404 (or fails)."""

import re
from collections import deque
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.browser.pages import make_records
from tests.second_factor import verified_login

HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]*)', re.I)
SKIP = re.compile(r"^/(admin|api|logout|static)/|\.csv$")
ID = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?=/)")
PER_KIND = 3  # pages of one type (the same route with other ids or queries) worth opening

PEOPLE = ["alice", "bob", "hana", "tess", "tom", "senco", "head", "dsl", "theo", "pat", "olga",
          "nobody"]  # fmt: skip


def crawl(client):
    """{path: (status, the page that linked to it)} for every link reachable from home."""
    found, queue, opened = {}, deque([("/", "(start)")]), {}
    while queue:
        path, source = queue.popleft()
        if path in found:
            continue
        kind = ID.sub("/<id>", urlsplit(path).path)
        if opened.get(kind, 0) >= PER_KIND:
            continue
        opened[kind] = opened.get(kind, 0) + 1
        response = client.get(path, follow=True)
        found[path] = (response.status_code, source)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        here = response.redirect_chain[-1][0] if response.redirect_chain else path
        for href in HREF.findall(response.content.decode()):
            href = unescape(href)
            if not href.startswith("/") or href.startswith("//") or SKIP.search(href):
                continue
            if href not in found:
                queue.append((href, here))
    return found


@pytest.mark.parametrize("person", PEOPLE)
def test_no_link_leads_to_not_found(world, client, person):
    make_records(world, Client())
    verified_login(client, getattr(world, person))
    found = crawl(client)
    dead = {path: why for path, why in found.items() if why[0] >= 400}
    assert dead == {}, f"{person} is shown links that fail: {dead}"
    assert found["/"][0] == 200
    # Everyone with a role or a child has pages to walk; Norma (no role) has only her start.
    assert len(found) >= (1 if person == "nobody" else 5), sorted(found)
