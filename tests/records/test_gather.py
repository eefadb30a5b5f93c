"""What goes into a subject access download: an app that answers for its own records
through its AppConfig hook replaces what the schema walk would find for them."""

import pytest
from django.apps import apps

from sendesk.records import gather


@pytest.fixture
def care_answers_for_itself():
    config = apps.get_app_config("care")

    def hook(subject, *, safeguarding):
        return [
            gather.Section(
                "care.careplan",
                "Care plans, as the care app words them",
                rows=[{"Plan": f"Toileting plan for {subject.legal_first_name}"}],
            )
        ]

    config.subject_access, config.subject_access_covers = hook, {"care.careplan"}
    yield
    del config.subject_access, config.subject_access_covers


def test_an_app_hook_answers_for_its_own_records(world):
    walked = {s.key: s for s in gather.pupil_sections(world.ben, safeguarding=False)}
    assert walked["care.careplan"].title.startswith("Care plans")
    assert len(walked["care.careplan"].rows) == 1


def test_with_the_hook_its_words_replace_the_walk(world, care_answers_for_itself):
    sections = gather.pupil_sections(world.ben, safeguarding=False)
    plans = [s for s in sections if s.key == "care.careplan"]
    assert [s.rows for s in plans] == [[{"Plan": "Toileting plan for Ben"}]]
