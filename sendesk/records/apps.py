from django.apps import AppConfig

# Data kept and let go (issue 12): subject access requests (everything held about a pupil
# or a member of staff, redacted before release, safeguarding only by the DSL's decision),
# retention rules, and the one audited disposal path with its log and legal holds.


class RecordsConfig(AppConfig):
    name = "sendesk.records"
    label = "records"
    verbose_name = "Records"
    # The head and DPO answer requests; the DSL decides about the safeguarding record.
    # Just after Safeguarding: with the other records only some people keep.
    nav = [(84, "sar_list", "Subject access", {"head", "dpo", "dsl"})]
    audit_names = {"records.subjectaccessrequest": "Subject access request"}
    capabilities = {
        "subject_access": {"head", "dpo"},
        "subject_access_safeguarding": {"dsl"},
    }
