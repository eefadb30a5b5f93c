"""The demo-mode banner's switch, for every page (a template context processor)."""

from django.conf import settings


def demo_mode(request):
    return {"demo_mode": settings.DEMO_MODE}
