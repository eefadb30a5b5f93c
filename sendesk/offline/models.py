"""The key a person's devices encrypt the offline store with."""

import base64
import secrets

from django.conf import settings
from django.db import models

KEY_BYTES = 32


def new_key() -> str:
    """32 random bytes, base64: an AES-256 key for WebCrypto."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


class DeviceKey(models.Model):
    """One per person, made the first time their device asks and the same on every later
    sign-in: records kept encrypted on a shared tablet can be read again only when the
    same person signs in (issue 13, shared tablets). Never changed, never handed to anyone
    else; the device forgets it at sign-out."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    key = models.CharField(max_length=64, default=new_key, editable=False)
    created = models.DateTimeField()

    def __str__(self):
        return f"Offline key of user {self.user_id}"
