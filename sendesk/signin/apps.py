from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "sendesk.signin"
    label = "signin"
    # The head (or school admin) keeps the school's staff accounts: invites, roles, leavers.
    capabilities = {"manage_accounts": {"head"}}
    nav = [(75, "staff_accounts", "Staff accounts", {"head"})]
