from django.apps import AppConfig

# Exam access arrangements per pupil, the exam timetable and the adults allocated to
# each exam session as readers, scribes and invigilators.
# What this app adds to the whole (navigation, timeline links and kinds, audit names,
# capabilities) is declared here, read by sendesk.lib.registry.


class ExamsConfig(AppConfig):
    name = "sendesk.exams"
    label = "exams"
    nav: list = []
    audit_names: dict = {}
