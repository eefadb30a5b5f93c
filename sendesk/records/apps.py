from django.apps import AppConfig

# Data kept and let go (issue 12): subject access requests (everything held about a pupil
# or a member of staff, redacted before release, safeguarding only by the DSL's decision),
# retention rules, and the one audited disposal path with its log and legal holds.


class RecordsConfig(AppConfig):
    name = "sendesk.records"
    label = "records"
    nav: list = []
    audit_names: dict = {}
