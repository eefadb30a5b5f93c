"""After a retention disposal, committed, the audit check and a backup's restore --verify
still pass: the chains' gaps are recorded, and the backup carries the records of them."""

import datetime as dt
import io

from django.core.management import call_command

from sendesk.audit.models import AccessEvent, ChainGap
from sendesk.audit.services import record_access
from sendesk.pupils.models import Pupil
from sendesk.records import disposal

from ..backups.test_backup_restore import backup, only_backup, restore, w  # noqa: F401


def test_verify_audit_and_restore_verify_pass_after_a_disposal(w, settings):  # noqa: F811
    for pupil in (w.ben, w.cara, w.ben):
        record_access(actor=w.senco, pupil=pupil, what="pupil page")
    Pupil.objects.filter(pk=w.ben.pk).update(
        date_of_birth=dt.date(1990, 1, 10), left_on=dt.date(2001, 7, 20)
    )
    log = disposal.dispose(actor=w.head, pupil_id=w.ben.pk, kind="all")
    assert ChainGap.objects.filter(disposal=str(log.pk)).exists()
    assert not AccessEvent.objects.filter(pupil_id=w.ben.pk).exists()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK")
    backup()
    said = restore(only_backup(settings), "--verify")
    assert "FAIL" not in said and "ok    audit chain:" in said
    assert "The backup is good. Nothing was changed (--verify)." in said
