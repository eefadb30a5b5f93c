"""Subject access and the imports: a head's own request counts the files she imported and
does not copy the roll they name; a pupil's request carries the MIS's ids for that pupil."""

from sendesk.pupils.models import Pupil
from tests.imports.conftest import ROLL, api_apply, api_upload, upn

from .conftest import download_texts, open_request, run_the_worker


def test_a_heads_own_request_counts_her_imports_without_copying_the_roll(world, as_user, api):
    api_apply(api, world.head, api_upload(api, world.head, ROLL).json()["id"])
    head = as_user(world.head)
    sar = open_request(head, staff=str(world.head.pk), requester="Helen Head")
    run_the_worker()
    doc, text = download_texts(head, sar)
    for name in ("Amira", "Jonah Price", "Lily Evans"):
        assert name not in doc and name not in text, name
    assert "Named on 1 of these records" in doc


def test_a_pupils_request_carries_the_mis_ids_for_them(world, as_user, api):
    header = "upn,first_name,last_name,date_of_birth,year,source_id"
    data = f"{header}\n{upn(7)},Nia,Obi,2018-05-01,3,MIS-NIA-77\n".encode()
    api_apply(api, world.head, api_upload(api, world.head, data).json()["id"])
    nia = Pupil.objects.get(legal_first_name="Nia")
    head = as_user(world.head)
    sar = open_request(head, pupil=str(nia.pk), requester="Nia's mother")
    run_the_worker()
    doc, text = download_texts(head, sar)
    assert "MIS-NIA-77" in doc
