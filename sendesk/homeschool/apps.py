from django.apps import AppConfig

# Home and school talking to each other about a child (issue 11): one conversation per
# child between the parents and the staff in scope, the home-school diary, and meetings a
# parent asks for, with their notes and agreed actions.
# What this app adds to the whole (navigation, audit names, notification kinds, My day's
# lines from home) is declared here, read by sendesk.lib.registry.

_STAFF = {"ta", "hlta", "teacher", "senco", "head", "dsl"}


class HomeschoolConfig(AppConfig):
    name = "sendesk.homeschool"
    label = "homeschool"
    # Files a disposal removes with the rows (records.disposal), under settings.EVIDENCE_DIR.
    retention_files = {"homeschool.Attachment": ("EVIDENCE_DIR", ["path", "thumb_path"])}
    # Retention (records.retention): part of the pupil's SEN file (date of birth + 31 years).
    retention = {
        "sen": [
            "homeschool.Message",
            "homeschool.DiaryPupil",
            "homeschool.DiaryNote",
            "homeschool.MeetingRequest",
            "homeschool.Meeting",
        ]
    }
    nav = [
        (112, "homeschool_inbox", "Messages", {"parent"}),
        (88, "homeschool_inbox", "Messages with families", _STAFF),
    ]
    audit_names = {
        "homeschool.message": "Message with a family",
        "homeschool.messageamendment": "Message correction",
        "homeschool.diarypupil": "Home-school diary started",
        "homeschool.diarynote": "Home-school diary note",
        "homeschool.meetingrequest": "Meeting asked for by a family",
        "homeschool.meeting": "Meeting with a family",
        "homeschool.reachable": "When staff answer messages",
    }
    notification_kinds = {
        "homeschool_parent_message": "A parent writes about a child you support",
        "homeschool_school_message": "The school writes to you about your child",
        "homeschool_diary_home": "A family writes in a child's home-school diary",
        "homeschool_meeting_request": "A family asks for a meeting",
    }

    def my_day_lines(self, user, day):
        """What families wrote at home, for the pupils the user supports today. The diary's
        words are read here, so this logs the reading of them: My day logs only the pupils
        it draws cards for, and a deployed pupil may have no session that day."""
        from sendesk.audit.services import record_access_many

        from .selectors import home_lines, home_notes  # models load after every AppConfig

        notes = home_notes(user, day)
        if notes:
            record_access_many(actor=user, pupils={n.pupil for n in notes},
                               what="home-school diary")  # fmt: skip
        return home_lines(notes)
