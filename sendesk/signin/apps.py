from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "sendesk.signin"
    label = "signin"
