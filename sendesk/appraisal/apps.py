from django.apps import AppConfig

from sendesk.lib.registry import STAFF_GROUP

# What this app adds to the whole, read by sendesk.lib.registry: navigation, timeline links
# and kinds, audit names and capabilities.

_STAFF = {"ta", "hlta", "teacher", "senco", "head", "dsl"}


class AppraisalConfig(AppConfig):
    name = "sendesk.appraisal"
    label = "appraisal"
    nav = [
        # One entry for everyone on staff: the page links to their own training and CPD.
        (140, "appraisal_list", "Appraisal and CPD", _STAFF, STAFF_GROUP),
        (150, "training_needs", "Training needs", {"senco", "head"}, STAFF_GROUP),
    ]
    # The head/admin sees and manages every appraisal of their school (appraisal.rules).
    capabilities = {"appraise_all": {"head"}}
    audit_names = {
        "appraisal.appraisal": "Appraisal",
        "appraisal.objective": "Appraisal objective",
        "appraisal.review": "Appraisal review",
        "appraisal.judgement": "Appraisal judgement",
        "appraisal.reviewamendment": "Appraisal amendment",
        "appraisal.certificate": "Training certificate",
        "appraisal.cpdentry": "CPD log entry",
        "appraisal.requiredtraining": "Required training",
        "appraisal.induction": "Induction",
        "appraisal.inductionitem": "Induction checklist item",
    }
