from django.urls import path

from . import mfa_views

urlpatterns = [
    path("login/second-step/", mfa_views.verify, name="mfa_verify"),
    path("account/second-factor/", mfa_views.manage, name="mfa_manage"),
    path("account/second-factor/set-up/", mfa_views.enrol, name="mfa_enrol"),
    path(
        "account/second-factor/recovery-codes/",
        mfa_views.recovery_codes,
        name="mfa_recovery_codes",
    ),
    path("security/second-factor/", mfa_views.staff, name="mfa_staff"),
    path("security/second-factor/<int:user_id>/reset/", mfa_views.reset, name="mfa_reset"),
]
