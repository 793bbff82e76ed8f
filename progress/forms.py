from zoneinfo import available_timezones

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from progress.models import Membership, ProgressEvent, ProjectLink, StepNote, StudyGroup
from roadmap.models import Step


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=ProgressEvent.CHANGES,
        error_messages={
            "invalid_choice": "“%(value)s” is not a status. Choose one of the buttons."
        },
    )
    next = forms.CharField(required=False, max_length=500)


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
        widgets = {
            "repository_url": forms.URLInput(
                attrs={"placeholder": "https://github.com/you/project"}
            ),
            "live_url": forms.URLInput(attrs={"placeholder": "https://"}),
        }


# ---------------------------------------------------------------- refused step forms

REJECTED_KEY = "rejected_form"
#: What is kept of a refused field: far more than any form takes, far less than a session holds.
REJECTED_MAX_CHARS = 100_000


def keep_rejected(request: HttpRequest, *, step: Step, name: str, form: forms.Form) -> None:
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


USERNAME_HELP = (
    "3 to 30 letters, digits, dots, hyphens or underscores. Your public page is /u/<username>/."
)


class AccountSettingsForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[A-Za-z0-9._-]{3,30}$",
        max_length=30,
        help_text=USERNAME_HELP,
        error_messages={"invalid": "Use 3 to 30 letters, digits, dots, hyphens or underscores."},
    )
    is_public = forms.BooleanField(
        label="Make my progress page public",
        required=False,
        help_text="Shows your progress per stage, done steps and projects, and a README badge.",
    )
    time_zone = forms.ChoiceField(
        help_text="Used for your activity calendar and streaks.",
        choices=[(zone, zone) for zone in sorted(available_timezones())],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        taken = (
            get_user_model()
            .objects.filter(username__iexact=username)
            .exclude(pk=self.user.pk)
            .exists()
        )
        if taken:
            raise forms.ValidationError("That username is taken; choose another.")
        return username


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=(
            "I understand my progress, self-check ticks, notes, projects and account will be "
            "deleted for good."
        ),
        error_messages={"required": "Tick the box to confirm."},
    )


class GroupForm(forms.ModelForm):
    """A new group's name and description."""

    class Meta:
        model = StudyGroup
        fields = ["name", "description"]
        help_texts = {
            "name": "At most 80 characters, e.g. “Django Girls Lyon, spring cohort”.",
            "description": "Optional, at most 500 characters: who the group is for.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class NewGroupForm(GroupForm):
    """A group to create, refused once its owner-to-be owns StudyGroup.MAX_OWNED."""

    def __init__(self, *args, owner: AbstractBaseUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean(self) -> dict:
        if StudyGroup.objects.filter(owner=self.owner).count() >= StudyGroup.MAX_OWNED:
            raise forms.ValidationError(
                f"You own {StudyGroup.MAX_OWNED} groups, the most one person may. "
                "Delete one you no longer use to create another."
            )
        return super().clean()


class GroupSettingsForm(GroupForm):
    """What the owner may change: name, description, whether members see each other."""

    class Meta(GroupForm.Meta):
        fields = ["name", "description", "members_see_progress"]


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=Membership.Role.choices,
        error_messages={"invalid_choice": "“%(value)s” is not a role: choose mentor or member."},
    )
