from django.urls import path

from . import views

urlpatterns = [
    path("medication/", views.medication_due, name="medication_due"),
    path("medication/<uuid:medicine_id>/give/", views.dose_give, name="dose_give"),
    path("medication/<uuid:medicine_id>/emergency/", views.dose_emergency, name="dose_emergency"),
    path("medication/doses/<uuid:pk>/", views.dose_detail, name="dose_detail"),
    path("medication/doses/<uuid:pk>/amend/", views.dose_amend, name="dose_amend"),
    path("pupils/<uuid:pupil_id>/medication/", views.pupil_medication, name="pupil_medication"),
    path("pupils/<uuid:pupil_id>/mar/", views.pupil_mar, name="pupil_mar"),
    path("pupils/<uuid:pupil_id>/healthcare-plans/new/", views.ihcp_new, name="ihcp_new"),
    path("healthcare-plans/<uuid:pk>/edit/", views.ihcp_edit, name="ihcp_edit"),
    path("pupils/<uuid:pupil_id>/medicines/new/", views.medicine_new, name="medicine_new"),
    path("medicines/<uuid:pk>/edit/", views.medicine_edit, name="medicine_edit"),
    path("medicines/<uuid:pk>/stock/", views.medicine_stock, name="medicine_stock"),
    path("medicines/<uuid:pk>/stop/", views.medicine_stop, name="medicine_stop"),
]
