"""Review 12 probe: a copy made before a migration that added a foreign key column (an older
migration state) passes restore's foreign-key check: the link it does not have yet is not
checked (`migrate` adds the column after), and the links it has still are.

The copy is a small SQLite file the test writes, opened under a connection alias of its own,
so the check runs the same whichever database the suite itself runs on."""

import sqlite3

import pytest
from django.db import connections

from sendesk.backups.checks import foreign_keys

ALIAS = "older_copy"


@pytest.fixture
def older_copy(tmp_path, django_db_blocker):
    """therapy_referral as it was before therapy 0002 (no agency_id), beside the tables it
    and agencies_agency point at, in a file opened as its own database alias."""
    path = tmp_path / "older.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE pupils_pupil (id char(32) PRIMARY KEY);
        CREATE TABLE agencies_agency (id integer PRIMARY KEY);
        CREATE TABLE therapy_referral (id integer PRIMARY KEY, pupil_id char(32));
        INSERT INTO pupils_pupil VALUES ('a');
        INSERT INTO agencies_agency VALUES (1);
        """
    )
    db.commit()
    db.close()
    conf = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    settings = connections.configure_settings({"default": conf, ALIAS: conf})
    connections.settings[ALIAS] = settings[ALIAS]
    # Only this file is opened: the suite's own test database is not touched.
    with django_db_blocker.unblock():
        yield path
    connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def _write(path, sql):
    db = sqlite3.connect(path)
    db.execute(sql)
    db.commit()
    db.close()


def test_a_copy_older_than_a_foreign_key_column_passes_the_check(older_copy):
    _write(older_copy, "INSERT INTO therapy_referral VALUES (1, 'a')")
    check = foreign_keys(ALIAS)
    assert check.ok, check.detail


def test_the_links_an_older_copy_has_are_still_checked(older_copy):
    _write(older_copy, "INSERT INTO therapy_referral VALUES (1, 'nobody')")
    check = foreign_keys(ALIAS)
    assert not check.ok
    assert "therapy_referral.pupil_id: 1 rows point at nothing" in check.detail
