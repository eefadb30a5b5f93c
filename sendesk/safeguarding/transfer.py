"""The DSL records that a pupil's safeguarding file went to their next school (issue 12).
The file itself goes school to school (a secure transfer, or by hand); SENDesk keeps
that it went, when, to whom, how, and when its receipt was confirmed. Behind the wall like
every record here: the DSL team reads and writes it, its changes are in SafeguardingAudit,
and nothing reaches the shared trails or the pupil's timeline."""

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sendesk import access
from sendesk.audit.services import snapshot
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors, date_field, field_limits

from . import selectors, services
from .models import SafeguardingAudit, SafeguardingTransfer

TRANSFERRED = "file_transferred"
RECEIPT = "file_receipt"


def _check(pupil, data) -> dict:
    errors = field_limits(SafeguardingTransfer, data)
    today = timezone.localdate()
    sent = data.get("transferred_on")
    if not isinstance(sent, dt.date):
        errors["transferred_on"] = "Give the date the file was sent."
    elif sent > today:
        errors["transferred_on"] = "Record the transfer once the file has gone."
    for name, words in (("to_school", "the school"), ("to_whom", "whom it went to")):
        if not data.get(name):
            errors[name] = f"Say {words}."
    if data.get("method") not in SafeguardingTransfer.Method.values:
        errors["method"] = "Choose how the file went."
    received = data.get("receipt_confirmed_on")
    if received is not None and (
        not isinstance(received, dt.date) or received > today or (sent and received < sent)
    ):
        errors["receipt_confirmed_on"] = "The receipt falls between the sending and today."
    return errors


@transaction.atomic
def transfer_record(*, actor, pupil, data: dict) -> SafeguardingTransfer:
    """The DSL's record of the file going. DSL team of the pupil's school only."""
    access.require(actor, pupil.school_id, "safeguarding")
    data = {
        "transferred_on": data.get("transferred_on"),
        "to_school": " ".join(str(data.get("to_school") or "").split()),
        "to_whom": " ".join(str(data.get("to_whom") or "").split()),
        "method": data.get("method") or "",
        "receipt_confirmed_on": data.get("receipt_confirmed_on"),
        "receipt_note": " ".join(str(data.get("receipt_note") or "").split()),
    }
    if errors := _check(pupil, data):
        raise ServiceError(errors)
    now = timezone.now()
    row = SafeguardingTransfer.objects.create(
        school_id=pupil.school_id, pupil=pupil, recorded_by=actor, recorded_at=now, **data
    )
    SafeguardingAudit.objects.create(
        at=now, actor=actor, concern=None, school_id=pupil.school_id, action=TRANSFERRED,
        after=snapshot(row),
    )  # fmt: skip
    return row


@transaction.atomic
def transfer_confirm(*, actor, transfer: SafeguardingTransfer, on, note="") -> None:
    """The next school confirmed it received the file (often days after it went)."""
    access.require(actor, transfer.school_id, "safeguarding")
    transfer = SafeguardingTransfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.receipt_confirmed_on is not None:
        raise ServiceError({"receipt_confirmed_on": "The receipt is already recorded."})
    if not isinstance(on, dt.date) or on > timezone.localdate() or on < transfer.transferred_on:
        raise ServiceError(
            {"receipt_confirmed_on": "The receipt falls between the sending and today."}
        )
    before = snapshot(transfer)
    transfer.receipt_confirmed_on = on
    transfer.receipt_note = " ".join(str(note or "").split())[:300]
    transfer.save(update_fields=["receipt_confirmed_on", "receipt_note"])
    SafeguardingAudit.objects.create(
        at=timezone.now(), actor=actor, concern=None, school_id=transfer.school_id,
        action=RECEIPT, before=before, after=snapshot(transfer),
    )  # fmt: skip


# --- The DSL's page ----------------------------------------------------------------------


class TransferForm(forms.Form):
    transferred_on = date_field("Date the file was sent")
    to_school = forms.CharField(label="To which school", required=False, max_length=150)
    to_whom = forms.CharField(
        label="To whom", required=False, max_length=150, help_text="Usually the school's DSL."
    )
    method = forms.ChoiceField(
        label="How it went",
        required=False,
        choices=[("", "Choose…"), *SafeguardingTransfer.Method.choices],
    )
    receipt_confirmed_on = date_field(
        "Receipt confirmed on (if it has been)", "Leave empty until the school confirms."
    )
    receipt_note = forms.CharField(
        label="How the receipt was confirmed (optional)", required=False, max_length=300
    )


class ReceiptForm(forms.Form):
    receipt_confirmed_on = date_field("Receipt confirmed on")
    receipt_note = forms.CharField(
        label="How it was confirmed (optional)", required=False, max_length=300
    )


def transfers_of(pupil) -> list[SafeguardingTransfer]:
    return list(SafeguardingTransfer.objects.filter(pupil=pupil).select_related("recorded_by"))


# The page holds the transfer form and one receipt form a transfer awaiting receipt, which
# share field names: each form's ids are its own, so no id is on the page twice (labels and
# the error summary's links must each find one field).
TRANSFER_IDS = "id_transfer_%s"


def receipt_form(transfer_pk: int, data=None) -> ReceiptForm:
    form = ReceiptForm(data, auto_id=f"id_receipt_{transfer_pk}_%s")
    form.transfer_pk = transfer_pk
    return form


def chronology_context(pupil, **forms_) -> dict:
    """What the chronology page adds about the file's transfer (one query)."""
    transfers = transfers_of(pupil)
    posted = forms_.get("receipt_form")
    for transfer in transfers:
        mine = posted is not None and posted.transfer_pk == transfer.pk
        transfer.receipt_form = posted if mine else receipt_form(transfer.pk)
    return {
        "transfers": transfers,
        "transfer_form": forms_.get("transfer_form") or TransferForm(auto_id=TRANSFER_IDS),
    }


def _page(request, pupil, status, **forms_):
    context = {"pupil": pupil, "items": selectors.chronology(pupil)}
    context.update(chronology_context(pupil, **forms_))
    services.access_record(
        actor=request.user, pupil_id=pupil.pk, school_id=pupil.school_id, what="chronology"
    )
    return render(request, "safeguarding/chronology.html", context, status=status)


@login_required
@require_POST
def transfer_new(request, pupil_id):
    pupil = access.get_pupil_for_dsl(request.user, pupil_id)
    form = TransferForm(request.POST, auto_id=TRANSFER_IDS)
    if form.is_valid():
        try:
            transfer_record(actor=request.user, pupil=pupil, data=form.cleaned_data)
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            return redirect(reverse("safeguarding_chronology", args=[pupil.pk]) + "#h-transfer")
    return _page(request, pupil, 422, transfer_form=form)


@login_required
@require_POST
def transfer_receipt(request, pupil_id, pk):
    pupil = access.get_pupil_for_dsl(request.user, pupil_id)
    # The pupil is the DSL's (checked above); the transfer must be theirs.
    transfer = SafeguardingTransfer.objects.filter(pupil=pupil, pk=pk).first()
    if transfer is None:
        raise Http404
    form = receipt_form(transfer.pk, request.POST)
    if form.is_valid():
        try:
            transfer_confirm(
                actor=request.user, transfer=transfer,
                on=form.cleaned_data["receipt_confirmed_on"],
                note=form.cleaned_data["receipt_note"],
            )  # fmt: skip
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            return redirect(reverse("safeguarding_chronology", args=[pupil.pk]) + "#h-transfer")
    return _page(request, pupil, 422, receipt_form=form)
