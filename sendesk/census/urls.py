from django.urls import path

from . import views

# The census SEN check (issue 12): included by front/urls.py.
urlpatterns = [
    path("census/", views.census_check, name="census_check"),
]
