from django.apps import AppConfig

from sendesk.lib.registry import STAFF_GROUP

# Data in (issue 12): a school's roll from its MIS — the DfE Common Transfer File (CTF),
# a OneRoster 1.1/1.2 CSV bundle, or the product's own CSV templates — previewed first,
# applied all or nothing, idempotent, audited. SENDesk owns plans, provision and evidence:
# an import never overwrites them, and SEN differences go to the SENCO to decide.


class ImportsConfig(AppConfig):
    name = "sendesk.imports"
    label = "imports"
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {"sen": ["imports.SenDifference"]}
    nav = [
        (77, "imports", "Imports", {"head"}, STAFF_GROUP),
        # Beside the pupils: what a file from the MIS says about their SEN, to decide.
        (91, "imports_sen", "SEN from imports", {"senco", "head"}),
    ]
    audit_names = {
        "imports.importbatch": "Import",
        "imports.sendifference": "SEN difference from an import",
    }
    # Importing the roll is the school office's job, which in SENDesk the head (or school
    # admin) holds: it makes accounts and sets who is in which class.
    capabilities = {"import_roll": {"head"}}
