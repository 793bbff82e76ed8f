from django import forms

from roadmap.models import StepProgress
from roadmap.services import RESET


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[*StepProgress.Status.choices, (RESET, "Not started")],
        error_messages={
            "invalid_choice": "“%(value)s” is not a status. Choose one of the buttons."
        },
    )
    next = forms.CharField(required=False, max_length=500)
