from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# django-otp puts its devices in the admin, where deleting one would reset a second factor
# without the trail or ending the person's sessions: the head's page does it
# (mfa_services.reset), so the admin does not offer it.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
