"""The installable app's own pages (issue 13): the manifest, the service worker and the
offline My day shell. None of them may carry a person's or a pupil's data: the shell and
the worker are cached on shared tablets."""

import json
import re

from django.test import Client


def test_manifest_installs_on_my_day(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["start_url"], manifest["display"]) == (
        "SENDesk",
        "/my-day/",
        "standalone",
    )
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_service_worker_is_served_from_the_root_uncached_and_caches_only_the_shell(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    files = json.loads(re.search(r"var FILES = (\[.*?\]);", body).group(1))
    assert files[0] == "/offline/"
    # Every file it caches exists; none is an API answer or a page with data.
    assert all(f.startswith("/static/") for f in files[1:])
    for url in files:
        assert client.get(url).status_code == 200, url
    # The API is never answered from the cache.
    assert 'indexOf("/api/") === 0) return;' in body


def test_offline_shell_holds_no_person_and_no_token(world, as_user):
    w = world
    body = as_user(w.alice).get("/offline/").content.decode()
    assert "Offline — saved on this device, will send when connected" in body
    assert w.alice.full_name not in body and "Ben Brown" not in body
    assert "csrfmiddlewaretoken" not in body and "X-CSRFToken" not in body
    # The same page for everyone, signed in or not (it is what the worker caches).
    assert Client().get("/offline/").content.decode() == body


def test_signed_in_pages_link_the_manifest_and_say_who_is_signed_in(world, as_user):
    w = world
    page = as_user(w.alice).get("/my-day/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    meta = re.search(r'<meta name="sendesk-offline"[^>]*>', page).group(0)
    assert f'data-user="{w.alice.pk}"' in meta
    assert 'data-refresh="1"' in meta and 'data-sw="/sw.js"' in meta
    # Another page does not refresh the device's copy of My day; a signed-out page says
    # nobody is signed in (the device forgets the key and the saved My day).
    other = as_user(w.alice).get("/my-training/").content.decode()
    assert 'data-refresh="1"' not in other
    login = Client().get("/login/").content.decode()
    assert re.search(r'<meta name="sendesk-offline" content="" data-user="">', login)
    assert 'rel="manifest"' not in login
