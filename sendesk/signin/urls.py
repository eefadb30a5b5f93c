"""Signing in and the account's own pages (second factor, devices, password). Each part
adds its own urls module here."""

urlpatterns = []
