from django.urls import path

from . import plans as views

urlpatterns = [
    path("pupils/<uuid:pupil_id>/plans/new/", views.plan_new, name="plan_new"),
    path("plans/<uuid:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<uuid:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<uuid:plan_id>/activate/", views.plan_activate, name="plan_activate"),
    path("plans/<uuid:plan_id>/close/", views.plan_close, name="plan_close"),
    path("plans/<uuid:plan_id>/outcomes/", views.outcome_add, name="outcome_add"),
    path("plans/<uuid:plan_id>/targets/new/", views.target_new, name="target_new"),
    path("targets/<uuid:target_id>/edit/", views.target_edit, name="target_edit"),
]
