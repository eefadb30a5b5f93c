from django.apps import AppConfig

from sendesk.lib.registry import ASSESS_GROUP

# Review meetings of a pupil's plan (termly SEN support, annual EHC plan with its
# statutory timeline), the views gathered before, the record, the decisions, the pack.
# What this app adds to the whole (navigation, timeline links and kinds, audit names,
# capabilities, review sections) is declared here, read by sendesk.lib.registry.

_STAFF = {"ta", "hlta", "teacher", "senco", "head", "dsl"}


class ReviewsConfig(AppConfig):
    name = "sendesk.reviews"
    label = "reviews"
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {"sen": ["reviews.ReviewMeeting"]}
    # Issue 11: a review step due this week or overdue, found by a daily check.
    notification_kinds = {"review_step_due": "A review step due this week or overdue"}
    scheduled_checks = ["sendesk.reviews.checks.steps_due"]
    # Everyone on the staff who sees a pupil sees their reviews (and adds their view); the
    # page shows the SENCO and head the steps overdue across the school.
    nav = [(180, "reviews_list", "Reviews", _STAFF, ASSESS_GROUP)]
    audit_names = {
        "reviews.reviewmeeting": "Review meeting",
        "reviews.reviewview": "View for a review",
        "reviews.reviewdecision": "Review decision",
    }
    # The SENCO and head run every review; teachers and HLTAs (write_plans) the termly ones.
    capabilities = {"run_reviews": {"senco", "head"}}
    timeline_links = {"reviewmeeting": "reviews_detail"}
    timeline_kinds = {"review": "Review"}
    # The evidence a review gathers from this app (reviews.review): see base10.md.
    review_sections = [
        "sendesk.reviews.review.ratings_over_time",
        "sendesk.reviews.review.sessions_delivered",
        "sendesk.reviews.review.promised_delivered",
    ]
