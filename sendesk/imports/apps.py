from django.apps import AppConfig

# Data in (issue 12): a school's roll from its MIS — the DfE Common Transfer File (CTF),
# a OneRoster 1.1/1.2 CSV bundle, or the product's own CSV templates — previewed first,
# applied all or nothing, idempotent, audited. SENDesk owns plans, provision and evidence:
# an import never overwrites them, and SEN differences go to the SENCO to decide.


class ImportsConfig(AppConfig):
    name = "sendesk.imports"
    label = "imports"
    nav: list = []
    audit_names: dict = {}
