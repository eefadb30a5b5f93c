from django.urls import path

from . import map_views

# The provision map (issue 10): included by front/urls.py.
urlpatterns = [
    path("provision-map/", map_views.provision_map, name="provision_map"),
    path("provision-map.csv", map_views.provision_map_csv, name="provision_map_csv"),
    path(
        "provision-map/pupils.csv",
        map_views.provision_map_pupils_csv,
        name="provision_map_pupils_csv",
    ),
]
