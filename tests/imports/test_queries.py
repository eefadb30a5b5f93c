"""A preview reads the school in a fixed number of queries, however long the file: the
same for 3 rows as for 40 (new pupils and known ones with their SEN compared)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.imports import services

from .conftest import PUPIL_HEADER, csv_bytes, upn


def _file(world, n):
    rows = [f"{upn(300 + i)},New{i},Pupil,,2018-01-0{1 + i % 9},3,,K,,SLCN," for i in range(n)]
    known = [f"{p.upn},{p.legal_first_name},{p.legal_last_name},,{p.date_of_birth},3,,N,,,"
             for p in (world.ben, world.cara, world.dan)]  # fmt: skip
    return csv_bytes(PUPIL_HEADER, *known, *rows)


def _preview_queries(world, data):
    with CaptureQueriesContext(connection) as ctx:
        batch = services.import_preview(
            actor=world.head, kind="csv-pupils", upload=SimpleUploadedFile("p.csv", data)
        )
    assert batch.counts["errors"] == 0, batch.errors
    return len(ctx.captured_queries)


def test_preview_queries_do_not_grow_with_the_file(world):
    _preview_queries(world, _file(world, 1))  # the head's roles, read once a request
    small = _preview_queries(world, _file(world, 3))
    large = _preview_queries(world, _file(world, 40))
    assert small == large, (small, large)
    assert small <= 15
