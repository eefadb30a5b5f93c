"""The installable app (issue 13): the manifest, the service worker and the offline My day
shell. None of them holds pupil data: the shell's script decrypts what the device keeps
(IndexedDB, AES-GCM with the person's key from /api/v1/offline/key) and draws it, so the
shell can be cached and shown to whoever holds the tablet."""

import hashlib
import json

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

# What the service worker keeps in Cache Storage: the shell and the files it runs. Pupil
# data never goes there (it lives encrypted in IndexedDB), nor do API answers.
SHELL_FILES = [
    "css/sendesk.css",
    "css/offline.css",
    "js/offline/store.js",
    "js/offline/outbox.js",
    "js/offline/forms.js",
    "js/offline/shell.js",
    "django_htmx/htmx-2.min.js",
    "img/favicon.svg",
    "img/icon-192.png",
    "img/icon-512.png",
]

_version = None


def shell_version() -> str:
    """A digest of the shell's files: a new deployment that changes any of them changes
    sw.js, so browsers install the new worker and drop the old cache."""
    global _version
    if _version is None:
        digest = hashlib.sha256()
        for name in SHELL_FILES + ["offline/day.html"]:
            path = finders.find(name)
            if path is None:  # the template: read from the templates directory
                from django.template.loader import get_template

                path = get_template(name).origin.name
            with open(path, "rb") as f:
                digest.update(f.read())
        _version = digest.hexdigest()[:16]
    return _version


@require_GET
def web_manifest(request):
    """The web app manifest: SENDesk installs as an app that opens on My day."""
    manifest = {
        "name": "SENDesk",
        "short_name": "SENDesk",
        "description": "Provision, plans and records for special educational needs.",
        "start_url": reverse("my_day"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#1d4f91",
        "lang": "en-GB",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png",
             "purpose": "any maskable"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "any maskable"},
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }  # fmt: skip
    response = HttpResponse(json.dumps(manifest), content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request):
    """The service worker, from the root so that its scope is the whole site. no-cache:
    the browser checks for a new one on every visit (a deployment reaches tablets)."""
    context = {
        "version": shell_version(),
        "shell": reverse("offline_day"),
        "files": json.dumps([reverse("offline_day")] + [static(name) for name in SHELL_FILES]),
    }
    response = render(request, "offline/sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline_day(request):
    """The offline My day: a page with no pupil data and no person in it (it is cached and
    served to whoever opens SENDesk without a network); its script draws what the device
    keeps for the person signed in on it."""
    return render(request, "offline/day.html", {"my_day": reverse("my_day")})
