from django.urls import path

from . import tokens_views

urlpatterns = [
    path("account/devices/", tokens_views.devices, name="devices"),
    path("account/devices/<int:pk>/sign-out/", tokens_views.device_revoke, name="device_revoke"),
    path(
        "account/devices/sign-out-everywhere-else/",
        tokens_views.sign_out_everywhere_else,
        name="sign_out_everywhere_else",
    ),
    path("session/keep-alive/", tokens_views.keep_alive, name="session_keep_alive"),
]
