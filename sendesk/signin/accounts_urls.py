from django.urls import path

from . import accounts_views, password_views

urlpatterns = [
    path("staff/accounts/", accounts_views.staff_accounts, name="staff_accounts"),
    path("staff/accounts/invite/", accounts_views.staff_invite, name="staff_invite"),
    path("staff/accounts/<int:user_id>/", accounts_views.staff_account, name="staff_account"),
    path("invite/<uidb64>/<token>/", password_views.invite_accept, name="invite_accept"),
    path("password/forgot/", password_views.forgot, name="password_forgot"),
    path("password/forgot/sent/", password_views.forgot_sent, name="password_forgot_sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        password_views.reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/change/", password_views.change_password, name="password_change"),
]
