from django.urls import path

from . import views

urlpatterns = [
    path("plans/<uuid:plan_id>/behaviour/", views.plan_behaviour, name="plan_behaviour"),
    path(
        "plans/<uuid:plan_id>/behaviour/strategies/",
        views.plan_strategy_add,
        name="plan_strategy_add",
    ),
    path(
        "plans/<uuid:plan_id>/behaviour/strategies/<int:pk>/",
        views.plan_strategy_change,
        name="plan_strategy_change",
    ),
    path("pupils/<uuid:pupil_id>/incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/<uuid:pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<uuid:pk>/amend/", views.incident_amend, name="incident_amend"),
    path(
        "pupils/<uuid:pupil_id>/restrictive-interventions/new/",
        views.intervention_new,
        name="intervention_new",
    ),
    path("restrictive-interventions/", views.intervention_list, name="intervention_list"),
    path(
        "restrictive-interventions/<uuid:pk>/",
        views.intervention_detail,
        name="intervention_detail",
    ),
    path(
        "restrictive-interventions/<uuid:pk>/notifications/",
        views.intervention_notify,
        name="intervention_notify",
    ),
    path(
        "restrictive-interventions/<uuid:pk>/amend/",
        views.intervention_amend,
        name="intervention_amend",
    ),
    path(
        "restrictive-interventions/<uuid:pk>/notifications/<int:notification_id>/withdraw/",
        views.intervention_notification_retract,
        name="intervention_notification_retract",
    ),
    path("sessions/<uuid:pk>/strategies/", views.session_strategies, name="session_strategies"),
    path("pupils/<uuid:pupil_id>/behaviour/", views.behaviour_analysis, name="behaviour_analysis"),
    path("pupils/<uuid:pupil_id>/behaviour/print/", views.behaviour_print, name="behaviour_print"),
    path(
        "pupils/<uuid:pupil_id>/behaviour/export.csv",
        views.behaviour_export,
        name="behaviour_export",
    ),
]
