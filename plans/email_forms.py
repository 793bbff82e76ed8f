"""The weekly email's settings form, on /accounts/settings/ (roadmap_site/accounts.py)."""

from django import forms

from plans.models import Plan, Weekday


class WeeklyEmailForm(forms.ModelForm):
    """Whether the weekly email comes, and on which weekday and hour (the learner's time).

    Its page renders the two selects by hand from `selects`:
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

    hour_choices = [(hour, f"{hour:02d}:00") for hour in range(24)]

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
    def selects(self) -> list[tuple[forms.BoundField, list[tuple[int, str]], int | None]]:
        """The day's and the hour's fields, each with its options and the one to select:
        what was sent, or else what is saved."""
        days = [(int(value), str(label)) for value, label in Weekday.choices]
        return [
            (self[name], choices, self._chosen(name))
            for name, choices in (("email_weekday", days), ("email_hour", self.hour_choices))
        ]

    def _chosen(self, name: str) -> int | None:
        try:
            return int(self[name].value())
        except (TypeError, ValueError):
            return None
