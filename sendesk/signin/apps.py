from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "sendesk.signin"
    label = "signin"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import note_sign_in

        # The sign-in time starts the session's 10 hours (sessions.py).
        user_logged_in.connect(note_sign_in, dispatch_uid="sendesk.signin.note_sign_in")
