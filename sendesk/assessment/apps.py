from django.apps import AppConfig

from sendesk.lib.registry import ASSESS_GROUP

# Measures and scores (entry, exit, routine tests), intervention impact and dosage, and
# the Engagement Model's observations.
# What this app adds to the whole (navigation, timeline links and kinds, audit names,
# capabilities, review sections) is declared here, read by sendesk.lib.registry.

_SUPPORT = {"ta", "hlta", "teacher", "senco", "head"}


class AssessmentConfig(AppConfig):
    name = "sendesk.assessment"
    label = "assessment"
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {"sen": ["assessment.Assessment", "assessment.EngagementObservation"]}
    nav = [
        # The school's interventions: their impact and dosage. TAs reach their pupils'
        # scores and observations from the pupil's page and My day.
        (160, "impact_school", "Intervention impact", {"hlta", "senco", "head"}, ASSESS_GROUP),
        (165, "routine_tests", "Routine tests", _SUPPORT, ASSESS_GROUP),
    ]
    # Setting up measures, an intervention's measure and the Engagement Model's scale: the
    # people who write plans and lead interventions.
    capabilities = {"manage_measures": {"hlta", "senco", "head"}}
    timeline_links = {
        "assessment": "assessment_detail",
        "engagementobservation": "engagement_detail",
    }
    audit_names = {
        "provision.measure": "Measure",
        "assessment.assessment": "Assessment score",
        "assessment.assessmentamendment": "Assessment correction",
        "assessment.engagementobservation": "Engagement Model observation",
        "assessment.engagementscale": "Engagement Model scale",
    }
    # For the review meeting and the annual review pack (the reviews app gathers them).
    review_sections = [
        "sendesk.assessment.review.assessments_section",
        "sendesk.assessment.review.engagement_section",
    ]

    @property
    def timeline_kinds(self) -> dict:
        """The kinds of timeline line this app writes (value -> label)."""
        from .models import TimelineKind  # models load after every AppConfig

        return dict(TimelineKind.choices)
