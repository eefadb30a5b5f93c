from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry: navigation, audit names
# and the capability to manage a school's sign-in security.

_EVERYONE = {"ta", "hlta", "teacher", "senco", "dsl", "head", "therapist", "parent"}


class SigninConfig(AppConfig):
    name = "sendesk.signin"
    label = "signin"
    # One entry for everyone (their own second factor); the head's page for the school is
    # linked from it.
    nav = [(190, "mfa_manage", "Sign-in security", _EVERYONE)]
    audit_names = {"signin.secondfactorpolicy": "Second factor policy"}
    # The head is the school's admin: the policy, who has a second factor, resets.
    capabilities = {"manage_sign_in": {"head"}}
