from django.urls import path

from . import views

urlpatterns = [
    path("pupils/<uuid:pupil_id>/assessment/", views.pupil_assessment, name="pupil_assessment"),
    path("pupils/<uuid:pupil_id>/assessment/record/", views.assessment_new, name="assessment_new"),
    path("assessments/<uuid:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<uuid:pk>/correct/", views.assessment_amend, name="assessment_amend"),
    path("pupils/<uuid:pupil_id>/engagement/", views.pupil_engagement, name="pupil_engagement"),
    path("pupils/<uuid:pupil_id>/engagement/record/", views.engagement_new, name="engagement_new"),
    path("engagement/<uuid:pk>/", views.engagement_detail, name="engagement_detail"),
    path("engagement/scale/", views.engagement_scale, name="engagement_scale"),
    path("interventions/", views.impact_school, name="impact_school"),
    path("interventions/<uuid:pk>/impact/", views.provision_impact, name="provision_impact"),
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/new/", views.measure_edit, name="measure_new"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("routine-tests/", views.routine_tests, name="routine_tests"),
]
