"""The key a person's devices encrypt the offline store with."""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models


def derive_key(user_id: int, generation: int) -> str:
    """32 bytes, base64: an AES-256 key for WebCrypto, derived (HMAC-SHA256) from a server
    secret that is not in the database (settings.OFFLINE_KEY_SECRET), the person and the
    key's generation. Nothing stored opens a tablet's kept records: a copy of the database
    or of its backups alone gives no key."""
    message = f"sendesk-offline-key:{user_id}:{generation}".encode()
    secret = settings.OFFLINE_KEY_SECRET.encode()
    return base64.b64encode(hmac.new(secret, message, hashlib.sha256).digest()).decode("ascii")


def new_key() -> str:
    """32 random bytes, base64: what migration 0001 stored as the key (kept for it)."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


class DeviceKey(models.Model):
    """One per person, made the first time their device asks and the same on every later
    sign-in: records kept encrypted on a shared tablet can be read again only when the
    same person signs in (issue 13, shared tablets). Never handed to anyone else; the
    device forgets it at sign-out. The key itself is not stored (derive_key): only its
    generation, which a later rotation would raise (not done on a password reset: records
    still kept on a tablet under the old key would become unreadable, doses among them)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    generation = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField()

    def __str__(self):
        return f"Offline key of user {self.user_id}"

    @property
    def key(self) -> str:
        return derive_key(self.user_id, self.generation)
