"""sendesk.lib.paths.Paths: the same links as reverse(), whichever record comes first."""

import uuid

from django.urls import reverse

from sendesk.lib.paths import Paths


def test_paths_are_reverses_of_each_id():
    ids = [uuid.uuid4() for _ in range(3)]
    paths = Paths()
    made = [paths("incident_detail", pk) for pk in ids] + [paths("incident_detail", str(ids[0]))]
    assert made == [reverse("incident_detail", args=[pk]) for pk in ids + ids[:1]]
    # Another name keeps its own shape.
    assert paths("pupil_detail", ids[1]) == reverse("pupil_detail", args=[ids[1]])
    assert paths("incident_detail", ids[2]) == f"/incidents/{ids[2]}/"
