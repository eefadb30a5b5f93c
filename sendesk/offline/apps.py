from django.apps import AppConfig

# The offline app's server side (issue 13): the key a person's device encrypts its store
# with (DeviceKey), and the pack the device keeps for the day (selectors.pack). What the
# device records offline arrives through the API's outbox (sendesk/api/offline.py), which
# hands each record to the app that owns it: this app writes no pupil records itself.


class OfflineConfig(AppConfig):
    name = "sendesk.offline"
    label = "offline"
    audit_names = {"offline.devicekey": "Offline device key"}
