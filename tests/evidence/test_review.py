"""The evidence section of a review (the agreed interface reviews10 gathers): pictures in
the period as data: URIs, nothing withdrawn, nothing at all when there is nothing."""

import datetime as dt

from django.utils.module_loading import import_string

from sendesk.evidence.models import Evidence
from sendesk.lib.registry import declared
from tests.world import TODAY

from .conftest import give_consent, gps_jpeg, upload


def _section():
    paths = [
        p for ps in declared("review_sections") for p in ps if p.startswith("sendesk.evidence")
    ]
    return import_string(paths[0])


def test_the_section_shows_the_periods_pictures_but_not_withdrawn_ones(world, as_user):
    section = _section()
    since, until = TODAY - dt.timedelta(days=365), TODAY
    assert section(world.ben, since, until) is None
    give_consent(world, world.ben)
    client = as_user(world.alice)
    for caption in ("Tower of 8 blocks", "Took a wrong turn"):
        r = client.post(
            f"/pupils/{world.ben.pk}/evidence/new/",
            {"file": upload(gps_jpeg()), "caption": caption, "targets": [str(world.t1.pk)]},
        )
        assert r.status_code == 302
    wrong = Evidence.objects.get(caption="Took a wrong turn")
    client.post(f"/evidence/{wrong.pk}/amend/", {"withdraw": "on", "reason": "Wrong pupil"})

    found = section(world.ben, since, until, for_parent=True)
    assert (found["key"], found["template"]) == ("evidence", "evidence/review_evidence.html")
    [item] = found["context"]["items"]
    assert item["caption"] == "Tower of 8 blocks"
    assert item["image"].startswith("data:image/jpeg;base64,")
    assert item["targets"] == [world.t1.text]
    assert section(world.ben, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=30)) is None
