from django import forms
from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.pupils.models import Deployment, Pupil

from .models import TeachingGroup


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
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label="Until (leave empty if open-ended)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, school_id, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.filter(
            staff_roles__school_id=school_id
        ).distinct()
        self.fields["pupil"].queryset = Pupil.objects.filter(school_id=school_id).on_register()
        self.fields["teaching_group"].queryset = TeachingGroup.objects.filter(school_id=school_id)
        self.fields["start"].initial = timezone.localdate()


class DeploymentEndForm(forms.Form):
    end = forms.DateField(required=False, label="Last day")
