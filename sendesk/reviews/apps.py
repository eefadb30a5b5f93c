from django.apps import AppConfig

# Review meetings of a pupil's plan (termly SEN support, annual EHC plan with its
# statutory timeline), the views gathered before, the record, the decisions, the pack.
# What this app adds to the whole (navigation, timeline links and kinds, audit names,
# capabilities) is declared here, read by sendesk.lib.registry.


class ReviewsConfig(AppConfig):
    name = "sendesk.reviews"
    label = "reviews"
    nav: list = []
    audit_names: dict = {}
