"""The weekly email's settings form, on /accounts/settings/ (roadmap_site/accounts.py)."""

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from plans.models import Plan, Weekday


class WeeklyEmailForm(forms.ModelForm):
    """Whether the weekly email comes, and on which weekday and hour (the learner's time).

    Its page renders the two selects from `selects`, their options built once:
    Django's widget templates, one per option, would cost more than the settings page."""

    class Meta:
        model = Plan
        fields = ["weekly_email", "email_weekday", "email_hour"]
        labels = {
            "weekly_email": "Send me a weekly email",
            "email_weekday": "Day",
            "email_hour": "Hour",
        }
        error_messages = {
            "email_weekday": {"invalid_choice": "Choose a day from the list."},
            "email_hour": {
                "invalid": "Choose an hour from the list.",
                "min_value": "Choose an hour from the list.",
                "max_value": "Choose an hour from the list.",
            },
        }

    def clean_email_hour(self) -> int:
        hour = self.cleaned_data["email_hour"]
        if hour is None or not 0 <= hour <= 23:
            raise forms.ValidationError("Choose an hour from the list.")
        return hour

    @property
    def chosen_on(self) -> bool:
        field = self["weekly_email"]
        return bool(field.field.widget.check_test(field.value()))

    @property
    def selects(self) -> list[tuple[forms.BoundField, SafeString]]:
        """The day's and the hour's fields, each with its options, the one to show chosen
        being what was sent, or else what is saved."""
        return [
            (self[name], _chosen(options, self[name].value()))
            for name, options in (("email_weekday", DAY_OPTIONS), ("email_hour", HOUR_OPTIONS))
        ]


def _options(choices: list[tuple[int, str]]) -> str:
    return "".join(f'<option value="{value}">{escape(label)}</option>' for value, label in choices)


DAY_OPTIONS = _options([(int(value), str(label)) for value, label in Weekday.choices])
HOUR_OPTIONS = _options([(hour, f"{hour:02d}:00") for hour in range(24)])


def _chosen(options: str, value: object) -> SafeString:
    try:
        chosen = f'<option value="{int(value)}">'  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return mark_safe(options)  # noqa: S308 (built from our own choices, escaped)
    selected = chosen.replace("<option ", "<option selected ")
    return mark_safe(options.replace(chosen, selected, 1))  # noqa: S308 (as above)
