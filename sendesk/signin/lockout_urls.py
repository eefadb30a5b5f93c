from django.urls import path

from . import lockout_views

urlpatterns = [
    path("sign-in-locks/", lockout_views.lockouts, name="lockouts"),
    path("sign-in-locks/lift/", lockout_views.lift, name="lockout_lift"),
]
