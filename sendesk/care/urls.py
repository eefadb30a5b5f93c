from django.urls import path

from . import views

urlpatterns = [
    path("care/", views.care_due, name="care_due"),
    path("care/plans/<uuid:pk>/log/", views.care_log, name="care_log"),
    path("care/plans/<uuid:pk>/edit/", views.care_plan_edit, name="care_plan_edit"),
    path("care/events/<uuid:pk>/", views.care_event_detail, name="care_event_detail"),
    path("care/events/<uuid:pk>/amend/", views.care_event_amend, name="care_event_amend"),
    path("pupils/<uuid:pupil_id>/care/", views.pupil_care, name="pupil_care"),
    path("pupils/<uuid:pupil_id>/care/plans/new/", views.care_plan_new, name="care_plan_new"),
    path("equipment/", views.equipment_list, name="equipment_list"),
    path("equipment/new/", views.equipment_new, name="equipment_new"),
    path("equipment/<int:pk>/", views.equipment_detail, name="equipment_detail"),
    path("equipment/<int:pk>/inspect/", views.equipment_inspect, name="equipment_inspect"),
    path(
        "equipment/<int:pk>/out-of-service/",
        views.equipment_out_of_service,
        name="equipment_out_of_service",
    ),
]
