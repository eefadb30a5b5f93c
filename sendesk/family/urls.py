from django.urls import path

from . import views

urlpatterns = [
    path("family/", views.family_home, name="family_home"),
    path("family/children/<uuid:pupil_id>/", views.family_child, name="family_child"),
    path("family/children/<uuid:pupil_id>/mar/", views.family_mar, name="family_mar"),
]
