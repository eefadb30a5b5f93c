from django.apps import AppConfig

from sendesk.lib.registry import ASSESS_GROUP

# Exam access arrangements per pupil, the exam timetable and the adults allocated to
# each exam session as readers, scribes and invigilators.
# What this app adds to the whole (navigation, timeline links and kinds, audit names,
# capabilities) is declared here, read by sendesk.lib.registry.

_SUPPORT = {"ta", "hlta", "teacher", "senco", "head"}


class ExamsConfig(AppConfig):
    name = "sendesk.exams"
    label = "exams"
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {
        "sen": [
            "exams.Arrangement",
            "exams.ArrangementUse",
            "exams.Candidate",
            "exams.Allocation",
        ]
    }
    # The exam timetable for those who run it; the pupils with access arrangements (and the
    # quick "used in class" record) for everyone who supports them.
    nav = [
        (170, "exam_list", "Exams", {"senco", "head"}, ASSESS_GROUP),
        (172, "arrangement_board", "Access arrangements", _SUPPORT, ASSESS_GROUP),
        # A parent: their children's arrangements and exams, in plain English.
        (174, "family_exams", "Tests and exams", {"parent"}),
    ]
    audit_names = {
        "exams.arrangement": "Exam access arrangement",
        "exams.arrangementuse": "Access arrangement used in class",
        "exams.usewithdrawal": "Access arrangement use withdrawn",
        "exams.examsession": "Exam session",
        "exams.examroom": "Exam room",
        "exams.candidate": "Exam seat",
        "exams.allocation": "Exam room adult",
    }
    # Recording arrangements, building the exam timetable, seating candidates and
    # allocating adults (and confirming a 1:1 left without an adult, with the reason).
    capabilities = {"manage_exams": {"senco", "head"}}

    def my_day_lines(self, user, day):
        """The exams the user is allocated to that day, on My day (through the registry)."""
        from .selectors import my_day_lines  # models load after every AppConfig

        return my_day_lines(user, day)
