"""The second factor in tests: people who must use one are enrolled with a known
authenticator secret, and tests type the code their app would show, as a person does."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendesk.signin import mfa

# The authenticator secret of everyone in tests/world.py who sets one up (base32, as an
# authenticator app is given it).
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol(user) -> TOTPDevice:
    """The person's authenticator, set up with SECRET (as if they had scanned the QR code
    and confirmed it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=mfa.totp_key(SECRET), confirmed=True
    )


def code_for(user_or_device, at: float | None = None) -> str:
    """A code the person's app shows now that the server has not accepted yet. A code is
    accepted once; the server also takes the next one (its tolerance is a step either
    way), so two sign-ins within one frozen moment type the current code, then the next."""
    device = user_or_device
    if not isinstance(device, TOTPDevice):
        device = TOTPDevice.objects.get(user=user_or_device, confirmed=True)
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    # `at`: the moment (a timestamp) of a server whose clock is not this process's.
    totp.time = time.time() if at is None else at
    for offset in range(-device.tolerance, device.tolerance + 1):
        totp.drift = device.drift + offset
        if totp.t() > device.last_t:
            return f"{totp.token():06d}"
    raise AssertionError("Every code the server would take now has been used: move time on.")


def verified_login(client, user):
    """Sign `user` in on the test client as the sign-in form and the second step would:
    someone who must use a second factor (or has one) is enrolled and their session marked
    verified, as django_otp.login marks it after a right code."""
    client.force_login(user)
    if mfa.second_factor_required(user) or mfa.has_second_factor(user):
        device = enrol(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
