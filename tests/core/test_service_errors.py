"""The one way a service's refusal reaches a form (sendesk.lib.forms.apply_service_errors):
beside the field the key names, through the form's hook or aliases when its names differ,
at the top when the form has no such field."""

from django import forms

from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors


class RowsForm(forms.Form):
    """A form whose service speaks of rows ("rows.1.note") and of "given_at"."""

    time = forms.CharField(required=False)
    note = forms.CharField(required=False)
    r1_note = forms.CharField(required=False)

    aliases = {"given_at": "time", "medicine_id": None}

    def service_error_field(self, key):
        parts = key.split(".")
        if parts[0] == "rows" and len(parts) == 3:
            return f"r{parts[1]}_{parts[2]}"
        return None


def _bound(cls=RowsForm):
    form = cls({})
    assert form.is_valid()
    return form


def test_each_message_goes_beside_its_field_or_to_the_top():
    form = apply_service_errors(
        _bound(),
        ServiceError(
            {
                "note": "Keep the note short.",
                "given_at": "That time hasn't happened yet.",
                "rows.1.note": "Row note too long.",
                "rows.7.note": "A row the form does not show.",
                "medicine_id": "Choose a medicine.",
                "__all__": "Nothing was changed.",
                "elsewhere": "A field this form does not have.",
            }
        ),
    )
    assert form.errors["note"] == ["Keep the note short."]
    assert form.errors["time"] == ["That time hasn't happened yet."]
    assert form.errors["r1_note"] == ["Row note too long."]
    assert form.non_field_errors() == [
        "A row the form does not show.",
        "Choose a medicine.",
        "Nothing was changed.",
        "A field this form does not have.",
    ]


def test_a_plain_dict_and_aliases_given_by_the_caller():
    class Plain(forms.Form):
        sen_status_from = forms.CharField(required=False)

    form = apply_service_errors(
        _bound(Plain),
        {"start": "Give the date.", "status": "Hidden."},
        {"start": "sen_status_from", "status": None},
    )
    assert form.errors["sen_status_from"] == ["Give the date."]
    assert form.non_field_errors() == ["Hidden."]
