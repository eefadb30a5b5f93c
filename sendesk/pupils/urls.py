from django.urls import path

from . import deployment as views

urlpatterns = [
    path("deployment/<int:pk>/end/", views.deployment_stop, name="deployment_end"),
]
