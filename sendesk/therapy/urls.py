from django.urls import path

from . import views

urlpatterns = [
    path("therapy/", views.therapy_home, name="therapy_home"),
    path("therapy/pupils/<uuid:pupil_id>/", views.therapy_pupil, name="therapy_pupil"),
    path(
        "therapy/pupils/<uuid:pupil_id>/programmes/new/",
        views.programme_new,
        name="programme_new",
    ),
    path("therapy/programmes/<uuid:pk>/review/", views.programme_review, name="programme_review"),
    path("therapy/programmes/<uuid:pk>/end/", views.programme_end, name="programme_end"),
    path("pupils/<uuid:pupil_id>/referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/end/", views.referral_end, name="referral_end"),
    path(
        "pupils/<uuid:pupil_id>/referrals/agency/new/",
        views.agency_referral_new,
        name="agency_referral_new",
    ),
    path("referrals/<int:pk>/status/", views.referral_status, name="referral_status"),
    path("therapy/pupils/<uuid:pupil_id>/advice/new/", views.advice_new, name="advice_new"),
    path("pupils/<uuid:pupil_id>/advice/", views.pupil_advice, name="pupil_advice"),
    path("advice/<int:pk>/adopt/", views.advice_adopt, name="advice_adopt"),
    path("advice/<int:pk>/files/new/", views.advice_file_new, name="advice_file_new"),
    path("advice/files/<uuid:pk>/", views.advice_file, name="advice_file"),
    path("advice/<int:pk>/provision/", views.advice_provision, name="advice_provision"),
]
