from django.urls import path

from . import views

urlpatterns = [
    path("pupils/<uuid:pupil_id>/evidence/", views.pupil_evidence, name="pupil_evidence"),
    path("pupils/<uuid:pupil_id>/evidence/new/", views.evidence_add, name="evidence_add"),
    path("evidence/<uuid:pk>/", views.evidence_detail, name="evidence_detail"),
    path("evidence/<uuid:pk>/amend/", views.evidence_amend, name="evidence_amend"),
    path("evidence/<uuid:pk>/file/", views.evidence_file, name="evidence_file"),
    path("evidence/<uuid:pk>/thumb/", views.evidence_thumb, name="evidence_thumb"),
    path(
        "family/children/<uuid:pupil_id>/evidence/<uuid:pk>/file/",
        views.family_evidence_file,
        name="family_evidence_file",
    ),
    path(
        "family/children/<uuid:pupil_id>/evidence/<uuid:pk>/thumb/",
        views.family_evidence_thumb,
        name="family_evidence_thumb",
    ),
]
