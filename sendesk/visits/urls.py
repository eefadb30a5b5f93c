from django.urls import path

from . import views

urlpatterns = [
    path("trips/", views.trip_list, name="trip_list"),
    path("trips/new/", views.trip_new, name="trip_new"),
    path("trips/<int:pk>/", views.trip_detail, name="trip_detail"),
    path("trips/<int:pk>/medicines/", views.trip_medicines, name="trip_medicines"),
    path("trips/<int:pk>/dose/", views.trip_dose, name="trip_dose"),
    path(
        "trips/<int:pk>/emergency/<uuid:medicine_id>/",
        views.trip_emergency,
        name="trip_emergency",
    ),
    path("trips/<int:pk>/provision/", views.trip_provision, name="trip_provision"),
]
