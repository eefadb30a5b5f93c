"""Signing in and the account's own pages (second factor, devices, password). Each part
adds its own urls module here."""

from django.urls import include, path

urlpatterns = [
    path("", include("sendesk.signin.accounts_urls")),
    path("", include("sendesk.signin.lockout_urls")),
    path("", include("sendesk.signin.tokens_urls")),
    path("", include("sendesk.signin.mfa_urls")),
]
