from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sendesk.accounts"
    label = "accounts"
