from functools import cache
from itertools import groupby
from zoneinfo import available_timezones

from django import forms
from django.contrib.auth import get_user_model
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from progress.models import ProgressEvent, ProjectLink, StepNote, StepProgress
from roadmap.models import Step

HOURS_RANGE = (
    f"Hours spent go from {StepProgress.HOURS_MIN} to {StepProgress.HOURS_MAX}, "
    "in tenths at most (1.5, say); leave it empty if you did not count them."
)

#: Every way a number of hours can be wrong gets the same message: the range.
HOURS_ERRORS = ("invalid", "min_value", "max_value", "max_digits", "max_decimal_places",
                "max_whole_digits")  # fmt: skip


def hours_field(label: str, help_text: str) -> forms.DecimalField:
    """The hours a learner says a step took: optional, HOURS_MIN to HOURS_MAX, one place
    after the point, as the database column holds them (NaN and infinity are refused)."""
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=StepProgress.HOURS_MIN,
        max_value=StepProgress.HOURS_MAX,
        max_digits=4,
        decimal_places=1,
        error_messages=dict.fromkeys(HOURS_ERRORS, HOURS_RANGE),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "class": "hours-input"}),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=ProgressEvent.CHANGES,
        error_messages={
            "invalid_choice": "“%(value)s” is not a status. Choose one of the buttons."
        },
    )
    next = forms.CharField(required=False, max_length=500)
    #: Optional: the hours the step took, recorded with the status (as it is marked done,
    #: say); a status that forgets the step (reset) has nowhere to keep them.
    hours_spent = hours_field(
        "Hours it took (optional)", "Recorded with the status you choose. Only you see them."
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("hours_spent") is not None and cleaned.get("status") == ProgressEvent.RESET:
            raise forms.ValidationError(
                "“Not started” keeps no hours: empty the hours, or choose another status. "
                "Nothing was changed.",
                code="hours_on_reset",
            )
        return cleaned


class HoursForm(forms.Form):
    """The hours a learner spent on a step they have started; empty clears them."""

    hours_spent = hours_field(
        "Hours you spent",
        "Optional; your plan counts them instead of the estimate. Empty clears them.",
    )


class ResetForm(forms.Form):
    """What to reset: one step (its stage's slug and its own), one stage, or everything."""

    stage = forms.SlugField(required=False)
    step = forms.SlugField(required=False)


class TickForm(forms.Form):
    """A checkpoint's box: "1" ticks it, "0" unticks it."""

    ticked = forms.TypedChoiceField(
        choices=[("1", "Tick"), ("0", "Untick")],
        coerce=lambda value: value == "1",
        error_messages={
            "required": "Choose a self-check to tick.",
            "invalid_choice": "“%(value)s” is not a tick. Use the self-check's box.",
        },
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Write or edit your note",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"Markdown. Only you can see it. At most {StepNote.MAX_LENGTH:,} characters.",
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if len(body) > StepNote.MAX_LENGTH:
            raise forms.ValidationError(
                f"Notes can be at most {StepNote.MAX_LENGTH:,} characters; this one has "
                f"{len(body):,}. Nothing was saved: shorten it and save again."
            )
        return body


class ProjectForm(forms.ModelForm):
    class Meta:
        model = ProjectLink
        fields = ["repository_url", "live_url"]
        help_texts = {
            "repository_url": "Where the code is, e.g. your GitHub repository.",
            "live_url": "Optional: where the project runs.",
        }
        # Text inputs with a URL keyboard, not type="url": a link sent back with its
        # error shows as typed, which type="url" only allows for a valid URL.
        widgets = {
            "repository_url": forms.TextInput(
                attrs={"inputmode": "url", "placeholder": "https://github.com/you/project"}
            ),
            "live_url": forms.TextInput(attrs={"inputmode": "url", "placeholder": "https://"}),
        }


# ---------------------------------------------------------------- refused step forms

REJECTED_KEY = "rejected_form"
#: What is kept of a refused field: far more than any form takes, far less than a session holds.
REJECTED_MAX_CHARS = 100_000


def keep_rejected(request: HttpRequest, *, step: Step, name: str, form: forms.BaseForm) -> None:
    """Keep a refused note or project form's input for the step page the browser goes back
    to (post, redirect, get): the address stays the step's, so a reload neither posts
    again nor meets a 405, and nothing typed is lost. `take_rejected` shows it once."""
    data = {field: form.data.get(field, "")[:REJECTED_MAX_CHARS] for field in form.fields}
    request.session[REJECTED_KEY] = {"step": step.pk, "form": name, "data": data}


def take_rejected(request: HttpRequest, *, step: Step) -> dict[str, dict[str, str]]:
    """The input `keep_rejected` kept for this step, by form name ({} if none); once only."""
    kept = request.session.pop(REJECTED_KEY, None)
    if not isinstance(kept, dict) or kept.get("step") != step.pk:
        return {}
    return {kept.get("form", ""): kept.get("data", {})}


def _zone_options() -> str:
    """Every zone as an <option>, grouped by region ("Europe", "America"...), UTC first."""
    zones = sorted(available_timezones() - {"UTC"})
    groups = groupby(zones, key=lambda zone: zone.split("/")[0] if "/" in zone else "Other")
    html = mark_safe('<option value="UTC">UTC</option>')
    for region, members in groups:
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((zone, zone.partition("/")[2].replace("_", " ") or zone) for zone in members),
        )
        html += format_html('<optgroup label="{}">{}</optgroup>', region, options)
    return html


@cache
def zone_choices() -> list[tuple[str, str]]:
    """Every zone as a choice, made once: the form takes the function, not the list, so
    each form's copy of its fields (Form.__init__) does not copy ~600 pairs."""
    return [(zone, zone) for zone in sorted(available_timezones())]


class TimeZoneSelect(forms.Widget):
    """A select of the ~600 time zones, grouped by region, built once: rendering each option
    through Django's widget templates would cost more than the rest of the page."""

    OPTIONS = _zone_options()

    def use_required_attribute(self, initial) -> bool:
        return False  # as Select: a list with no empty choice always has one chosen

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = f'value="{escape(value)}"'
        options = self.OPTIONS.replace(chosen + ">", chosen + " selected>", 1)
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return mark_safe(f"<select{attrs}>{options}</select>")  # noqa: S308 (escaped above)


USERNAME_TAKEN = "That username is taken; choose another."


class AccountSettingsForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[A-Za-z0-9._-]{3,30}$",
        max_length=30,
        error_messages={"invalid": "Use 3 to 30 letters, digits, dots, hyphens or underscores."},
    )
    is_public = forms.BooleanField(
        label="Make my progress page public",
        label_suffix="",
        required=False,
        help_text="Shows your progress per stage, done steps and projects, and a README badge.",
    )
    time_zone = forms.ChoiceField(
        help_text="Used for your activity calendar and streaks.",
        choices=zone_choices,
        widget=TimeZoneSelect(attrs={"data-time-zone": ""}),
        error_messages={
            "invalid_choice": "“%(value)s” is not a time zone. Choose one from the list."
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        page = reverse("progress:public_progress", args=[user.username])
        self.fields["username"].help_text = format_html(
            "3 to 30 letters, digits, dots, hyphens or underscores. It is in your public "
            "page's address: <code>{}</code>.",
            page,
        )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        taken = (
            get_user_model()
            .objects.filter(username__iexact=username)
            .exclude(pk=self.user.pk)
            .exists()
        )
        if taken:
            raise forms.ValidationError(USERNAME_TAKEN)
        return username


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=(
            "I understand my progress, self-check ticks, notes, projects and account will be "
            "deleted for good."
        ),
        label_suffix="",
        error_messages={"required": "Tick the box to confirm."},
    )
