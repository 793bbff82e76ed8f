import datetime as dt
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from plans.models import Plan

HOURS_HELP = f"A whole number from {Plan.HOURS_MIN} to {Plan.HOURS_MAX}."
HOURS_ERROR = f"Enter a whole number of hours from {Plan.HOURS_MIN} to {Plan.HOURS_MAX}."
DATE_ERROR = "Enter a real date, such as 2027-06-30."


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 28 February for a 29 February that year lacks."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class ShortSelect(forms.Select):
    """A select of a few plain options joined here: through Django's widget templates, the
    plan's 24 hours and 7 days took a fifth of the page's time (see progress's
    TimeZoneSelect for the same reason, at 600 options)."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) == chosen else "", label)
                for key, label in self.choices
            ),
        )
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return format_html("<select{}>{}</select>", attrs, options)


class PlanForm(forms.ModelForm):
    """The learner's hours a week, target date and weekly email.

    `today` is the learner's own (in their time zone): a target date must come after it.
    """

    hours_per_week = forms.IntegerField(
        label="Hours a week",
        min_value=Plan.HOURS_MIN,
        max_value=Plan.HOURS_MAX,
        help_text=HOURS_HELP,
        error_messages={
            "required": f"Say how many hours a week you can study. {HOURS_HELP}",
            "invalid": HOURS_ERROR,
            "min_value": HOURS_ERROR,
            "max_value": HOURS_ERROR,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    target_date = forms.DateField(
        label="Target date (optional)",
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="When you would like to finish. Leave it empty for no target.",
        error_messages={"invalid": DATE_ERROR},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    weekly_email = forms.BooleanField(
        label="Send me a weekly email with this week's plan",
        required=False,
        label_suffix="",  # a box's label needs no colon
        help_text="Off by default. Every email has a one-click unsubscribe link.",
    )
    email_hour = forms.TypedChoiceField(
        label="At",
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        coerce=int,
        widget=ShortSelect,
        help_text="In your time zone (set it in your settings).",
        error_messages={"invalid_choice": "Choose an hour from the list."},
    )

    class Meta:
        model = Plan
        fields = ["hours_per_week", "target_date", "weekly_email", "email_weekday", "email_hour"]
        labels = {"email_weekday": "On"}
        widgets = {"email_weekday": ShortSelect}
        error_messages = {"email_weekday": {"invalid_choice": "Choose a day from the list."}}

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        latest = years_after(today, Plan.TARGET_YEARS_MAX)
        self.fields["target_date"].widget.attrs |= {
            "min": (today + dt.timedelta(days=1)).isoformat(),
            "max": latest.isoformat(),
        }

    def clean_target_date(self) -> dt.date | None:
        target: dt.date | None = self.cleaned_data["target_date"]
        if target is None:
            return None
        if target <= self.today:
            raise forms.ValidationError(
                "Choose a date after today: a target has to be in the future."
            )
        latest = years_after(self.today, Plan.TARGET_YEARS_MAX)
        if target > latest:
            raise forms.ValidationError(
                f"Choose a date at most {Plan.TARGET_YEARS_MAX} years ahead "
                f"(by {latest.day} {latest:%B %Y})."
            )
        return target
