from django.urls import path

from . import views

# The trust view (issue 13): included by front/urls.py.
urlpatterns = [
    path("trust/", views.trust_overview, name="trust_overview"),
]
