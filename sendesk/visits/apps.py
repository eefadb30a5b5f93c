from django.apps import AppConfig

# What this app adds to the whole, read by sendesk.lib.registry: navigation, timeline links
# and kinds, audit names and capabilities.


class VisitsConfig(AppConfig):
    name = "sendesk.visits"
    label = "visits"
    # Everyone on the staff who may go on a trip sees the list (their own trips; the SENCO
    # and head every trip of the school).
    nav = [(74, "trip_list", "Trips", {"ta", "hlta", "teacher", "senco", "head"})]
    audit_names = {"visits.trip": "Educational visit"}
    # Who plans a trip: the SENCO and head for any pupil, a teacher for their own pupils
    # (the access layer narrows which pupils each may name).
    capabilities = {"plan_trips": {"senco", "head", "teacher"}}
    # A consent about one trip ("trip:<id>") must name a trip the child goes on
    # (consent.services._ref_is_for).
    consent_refs = {"trip": ("visits.Trip", "pupils")}
