from django.urls import path

from . import views

urlpatterns = [
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/new/", views.agency_new, name="agency_new"),
    path("agencies/<int:agency_id>/", views.agency_detail, name="agency_detail"),
]
