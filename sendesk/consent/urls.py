from django.urls import path

from . import views

urlpatterns = [
    path("pupils/<uuid:pupil_id>/consent/", views.pupil_consent, name="pupil_consent"),
    path("family/children/<uuid:pupil_id>/consent/", views.family_consent, name="family_consent"),
]
