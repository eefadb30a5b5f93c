from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("sendesk.provision.urls")),
    path("", include("sendesk.pupils.urls")),
    path("", include("sendesk.plans.urls")),
    path("", include("sendesk.schools.urls")),
    path("", include("sendesk.behaviour.urls")),
    path("", include("sendesk.behaviour.urls_observe")),
    path("", include("sendesk.safeguarding.urls")),
    path("", include("sendesk.care.urls_medication")),
    path("", include("sendesk.care.urls_care")),
    path("", include("sendesk.staff.urls")),
    path("", include("sendesk.therapy.urls")),
    path("", include("sendesk.family.urls")),
]
