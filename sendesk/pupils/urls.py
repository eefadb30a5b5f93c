from django.urls import path

from . import deployment as views

urlpatterns = [
    path("deployment/", views.deployment, name="deployment"),
    path("deployment/<int:pk>/end/", views.deployment_stop, name="deployment_end"),
]
