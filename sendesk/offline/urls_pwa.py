from django.urls import path

from . import views_pwa

urlpatterns = [
    path("manifest.webmanifest", views_pwa.web_manifest, name="web_manifest"),
    path("sw.js", views_pwa.service_worker, name="service_worker"),
    path("offline/", views_pwa.offline_day, name="offline_day"),
]
