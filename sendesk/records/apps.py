from django.apps import AppConfig

# Data kept and let go (issue 12): subject access requests (everything held about a pupil
# or a member of staff, redacted before release, safeguarding only by the DSL's decision),
# retention rules, and the one audited disposal path with its log and legal holds.


class RecordsConfig(AppConfig):
    name = "sendesk.records"
    label = "records"
    # The subject access downloads go with their requests (records.disposal).
    retention_files = {"records.SubjectAccessRequest": ("RECORDS_DIR", ["pdf_name", "json_name"])}
    # Retention: the trail of requests, holds and reviews goes with the whole record.
    retention = {
        "trail": [
            "records.SubjectAccessRequest",
            "records.LegalHold",
            "records.SafeguardingReview",
        ]
    }
    verbose_name = "Records"
    # The head and DPO answer requests; the DSL decides about the safeguarding record.
    # Just after Safeguarding: with the other records only some people keep.
    nav = [
        (84, "sar_list", "Subject access", {"head", "dpo", "dsl"}),
        # Retention: the head and DPO dispose; the DSL reviews safeguarding records.
        (85, "retention_due", "Retention", {"head", "dpo", "dsl"}),
    ]
    audit_names = {
        "records.subjectaccessrequest": "Subject access request",
        "records.legalhold": "Legal hold",
        "records.safeguardingreview": "Safeguarding record review",
        "records.retentionsetting": "Retention setting",
        "records.disposallog": "Records disposed of",
    }
    capabilities = {
        "subject_access": {"head", "dpo"},
        "subject_access_safeguarding": {"dsl"},
        "retention": {"head", "dpo"},
        "retention_review": {"dsl"},
        # The school's own period for medication and care records: the head's to set.
        "retention_settings": {"head"},
    }
    notification_kinds = {"retention_due": "Records due for disposal or review"}
    scheduled_checks = ["sendesk.records.checks.retention_due"]
