"""Forms turn what was typed into typed values for the services; the services decide what
is allowed. Fields are optional here so that the service's message, in the school's words,
is the one the person sees."""

import html

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from sendesk.accounts.models import User
from sendesk.lib.forms import DateInput, date_field
from sendesk.schools.models import TeachingGroup, YearGroup

from .models import Area, Deployment, NeedCode, Pupil, SenStatus
from .selectors import NEED_RANK_LABELS

NEED_CHOICES = [("", "None")] + [(c.value, f"{c.value} — {c.label}") for c in NeedCode]


class PupilForm(forms.Form):
    """Create or edit a pupil: details, classes, SEN status, ranked needs, the one-page
    profile, and (optionally) a parent or carer to add."""

    upn = forms.CharField(
        label="UPN",
        required=False,
        strip=True,
        help_text="13 characters, starting with the check letter, e.g. A123456789012.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    legal_first_name = forms.CharField(label="Legal first name", required=False)
    legal_last_name = forms.CharField(label="Legal last name", required=False)
    preferred_name = forms.CharField(
        label="Preferred name",
        required=False,
        help_text="What the pupil likes to be called, if not the legal first name.",
    )
    date_of_birth = date_field("Date of birth")
    year_group = forms.ModelChoiceField(
        label="Year group", queryset=YearGroup.objects.none(), required=False, empty_label="Choose…"
    )
    teaching_groups = forms.ModelMultipleChoiceField(
        label="Classes",
        queryset=TeachingGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sen_status = forms.ChoiceField(
        label="SEN status",
        choices=SenStatus.choices,
        widget=forms.RadioSelect,
        initial="N",
        required=False,
    )
    what_matters = forms.CharField(
        label="What matters to me", required=False, widget=forms.Textarea
    )
    good_at = forms.CharField(label="What I'm good at", required=False, widget=forms.Textarea)
    how_to_support = forms.CharField(
        label="How best to support me", required=False, widget=forms.Textarea
    )
    contact_name = forms.CharField(label="Name", required=False)
    contact_relationship = forms.CharField(
        label="Relationship to the pupil", required=False, help_text="Mother, foster carer, …"
    )
    contact_phone = forms.CharField(label="Phone", required=False)
    contact_email = forms.EmailField(label="E-mail", required=False)
    contact_parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False, initial=True
    )

    ERROR_FIELDS = {"needs": "need_1", "start": "sen_status_from"}

    def __init__(self, *args, school_id, pupil=None, need_slots=3, **kwargs):
        super().__init__(*args, **kwargs)
        self.pupil = pupil
        self.fields["year_group"].queryset = YearGroup.objects.filter(school_id=school_id)
        self.fields["teaching_groups"].queryset = TeachingGroup.objects.filter(school_id=school_id)
        if pupil is not None:
            self.fields["sen_status_from"] = date_field(
                "New status applies from",
                initial=timezone.localdate,
                help_text="Only used when the SEN status changes.",
            )
        self.need_names = []
        for i in range(1, need_slots + 1):
            name = f"need_{i}"
            label = NEED_RANK_LABELS[i - 1] if i <= len(NEED_RANK_LABELS) else f"Need {i}"
            self.fields[name] = forms.ChoiceField(label=label, choices=NEED_CHOICES, required=False)
            self.need_names.append(name)

    @property
    def need_fields(self):
        return [self[name] for name in self.need_names]

    def pupil_data(self):
        keys = (
            "upn", "legal_first_name", "legal_last_name", "preferred_name", "date_of_birth",
            "year_group", "what_matters", "good_at", "how_to_support",
        )  # fmt: skip
        return {k: self.cleaned_data.get(k) for k in keys}

    def needs(self):
        """The ranked codes; a blank rank between two chosen ones closes up."""
        return [self.cleaned_data[n] for n in self.need_names if self.cleaned_data.get(n)]

    def contact_data(self):
        """The contact to add, or None when none was typed."""
        data = {
            "name": self.cleaned_data.get("contact_name", "").strip(),
            "relationship": self.cleaned_data.get("contact_relationship", "").strip(),
            "phone": self.cleaned_data.get("contact_phone", "").strip(),
            "email": self.cleaned_data.get("contact_email") or "",
        }
        if not any(data.values()):
            return None
        data["parental_responsibility"] = bool(
            self.cleaned_data.get("contact_parental_responsibility")
        )
        return data

    CONTACT_ERRORS = {
        "name": "contact_name",
        "relationship": "contact_relationship",
        "phone": "contact_phone",
        "email": "contact_email",
    }


class PupilFilterForm(forms.Form):
    """The pupil list's search and filters. Rendered unbound (from `initial`): the selector
    reads the raw values and an unknown value matches nobody."""

    q = forms.CharField(label="Name or UPN", required=False, widget=forms.TextInput(
        attrs={"type": "search", "autocomplete": "off"}))  # fmt: skip
    need = forms.ChoiceField(
        label="Need", required=False,
        choices=[("", "Any need")] + [(c.value, f"{c.value} — {c.label}") for c in NeedCode]
        + [("none", "No need recorded")],
    )  # fmt: skip
    area = forms.ChoiceField(
        label="Area of need", required=False, choices=[("", "Any area")] + list(Area.choices)
    )
    primary = forms.BooleanField(label="Primary need only", required=False)
    status = forms.ChoiceField(
        label="SEN status", required=False, choices=[("", "Any status")] + list(SenStatus.choices)
    )
    year = forms.ChoiceField(label="Year group", required=False)

    def __init__(self, *args, year_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        several = len({y.school_id for y in year_groups}) > 1
        self.fields["year"].choices = [("", "Any year")] + [
            (str(y.pk), f"{y.name} ({y.school.name})" if several else y.name) for y in year_groups
        ]
        # The list is the SENCO's most used page: its selects are joined in one pass.
        for name in ("need", "area", "status", "year"):
            self.fields[name].widget = ListSelect(self.fields[name].choices)


class StrategyForm(forms.Form):
    text = forms.CharField(
        label="A strategy that works",
        required=False,
        help_text="Written so a cover TA can use it straight away.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


# --- Deployment: who supports whom ----------------------------------------------------


class ListSelect(forms.Select):
    """A select whose options, (value, label) pairs (a blank one included where the field
    may be left empty), are joined into HTML in one pass. The stock widget renders a
    template per option (and, for a model field, builds a model instance per row): for a
    school's 200 pupils and 90 staff that was most of the deployment page's time, growing
    with the school. The field keeps its queryset or choices, so what is posted is still
    checked."""

    def __init__(self, options=(), attrs=None):
        super().__init__(attrs)
        self.options_list = list(options)

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(getattr(value, "pk", value))
        parts = [
            format_html(
                "<select{}>", flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
            )
        ]
        for key, label in self.options_list:
            selected = " selected" if key == chosen else ""
            # html.escape, not Django's lazy-aware escape: a third of the time on 300 options.
            parts.append(
                f'<option value="{html.escape(key)}"{selected}>{html.escape(label)}</option>'
            )
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class DeploymentForm(forms.Form):
    staff = forms.ModelChoiceField(queryset=User.objects.none(), label="Staff member")
    kind = forms.ChoiceField(choices=Deployment.Kind.choices, label="Kind of deployment")
    pupil = forms.ModelChoiceField(
        queryset=Pupil.objects.none(), required=False, label="Pupil (1:1 or key adult)"
    )
    teaching_group = forms.ModelChoiceField(
        queryset=TeachingGroup.objects.none(),
        required=False,
        label="Class or group (group support)",
    )
    # The ISO date a type="date" input needs: the locale's "18/11/2026" left the browser's
    # picker empty, so a first "Deploy" was refused for a missing start.
    start = forms.DateField(label="From", widget=DateInput)
    end = forms.DateField(
        label="Until (leave empty if open-ended)",
        required=False,
        widget=DateInput,
    )

    def __init__(self, school_id, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(staff_roles__school_id=school_id).distinct()
        pupils = Pupil.objects.filter(school_id=school_id).on_register()
        groups = TeachingGroup.objects.filter(school_id=school_id)
        self.fields["staff"].queryset = staff
        self.fields["pupil"].queryset = pupils
        self.fields["teaching_group"].queryset = groups
        # The options, one values_list query each (labels as the models' __str__ gives).
        blank = [("", "---------")]
        staff_options = staff.order_by("full_name", "pk").values_list("pk", "full_name", "email")
        pupil_options = pupils.order_by("legal_last_name", "legal_first_name", "pk").values_list(
            "pk", "preferred_name", "legal_first_name", "legal_last_name"
        )
        self.fields["staff"].widget = ListSelect(
            blank + [(str(pk), name or email) for pk, name, email in staff_options]
        )
        self.fields["pupil"].widget = ListSelect(
            blank
            + [(str(pk), f"{pref or first} {last}") for pk, pref, first, last in pupil_options]
        )
        self.fields["teaching_group"].widget = ListSelect(
            blank
            + [(str(pk), name) for pk, name in groups.order_by("name").values_list("pk", "name")]
        )
        for name in ("staff", "pupil", "teaching_group"):
            self.fields[name].widget.is_required = self.fields[name].required
        self.fields["start"].initial = timezone.localdate()


class DeploymentEndForm(forms.Form):
    end = forms.DateField(required=False, label="Last day")
