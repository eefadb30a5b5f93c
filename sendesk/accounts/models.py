import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("A staff account needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


def new_security_stamp() -> str:
    return secrets.token_hex(16)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. What they may see comes from their roles per school
    (schools.StaffRole), never from this row."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the set-up screens.")
    date_joined = models.DateTimeField(default=timezone.now)
    # The last day someone may sign in (a leaver's last day of employment): from the next
    # day their sessions end and the form, the API and /admin/ refuse them.
    leaves_on = models.DateField(null=True, blank=True)
    # Part of every session's check (get_session_auth_hash): a new stamp ends all of this
    # person's sessions at their next request, as a password change does (see
    # sendesk.signin.services.end_sessions_and_tokens).
    security_stamp = models.CharField(max_length=32, default=new_security_stamp)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def may_sign_in(self, day: dt.date | None = None) -> bool:
        """Active and not past their last day (in school time)."""
        day = day or timezone.localdate()
        return self.is_active and (self.leaves_on is None or day <= self.leaves_on)

    # The session check covers the password (as Django's does) and the security stamp.
    def get_session_auth_hash(self):
        return self._session_hash(None)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret)

    def _session_hash(self, secret):
        return salted_hmac(
            "sendesk.accounts.User.session",
            f"{self.password}:{self.security_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class ApiToken(models.Model):
    """Bearer token for the API. Only a SHA-256 of the token is stored, so a copy of the
    database does not hand out logins."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user) -> str:
        raw = secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=cls.hash(raw))
        return raw
