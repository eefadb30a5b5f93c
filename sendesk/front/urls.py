from django.urls import include, path

from . import care_today, deployment, team, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("sendesk.signin.urls")),
    path("care/today/", care_today.care_today, name="care_today"),
    path("deployment/", deployment.deployment, name="deployment"),
    path("", include("sendesk.provision.urls")),
    path("", include("sendesk.front.urls_pupils")),
    path("", include("sendesk.front.urls_plans")),
    path("", include("sendesk.pupils.urls")),
    path("", include("sendesk.behaviour.urls")),
    path("", include("sendesk.behaviour.urls_observe")),
    path("", include("sendesk.safeguarding.urls")),
    path("", include("sendesk.medication.urls")),
    path("", include("sendesk.care.urls")),
    path("", include("sendesk.staff.urls")),
    path("", include("sendesk.appraisal.urls")),
    path("", include("sendesk.therapy.urls")),
    path("", include("sendesk.family.urls")),
    path("", include("sendesk.deployment.urls")),
    path("team/", team.team, name="team"),
    path("", include("sendesk.visits.urls")),
    path("", include("sendesk.reviews.urls")),
    path("", include("sendesk.consent.urls")),
    path("", include("sendesk.evidence.urls")),
    path("", include("sendesk.exams.urls")),
    path("", include("sendesk.assessment.urls")),
]
