from django import forms

from groups.models import Membership, StudyGroup


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


class GroupSettingsForm(GroupForm):
    """What the owner may change: name, description, whether members see each other."""

    class Meta(GroupForm.Meta):
        fields = ["name", "description", "members_see_progress"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members_see_progress"].label_suffix = ""  # a box's label needs no colon


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=Membership.Role.choices,
        error_messages={"invalid_choice": "“%(value)s” is not a role: choose mentor or member."},
    )
