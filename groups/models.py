"""Study groups: mentors following the progress of learners who joined.

These models moved here from `progress` (issue 21) and keep their tables
(`progress_studygroup`, `progress_membership`): see migrations/0001_initial.py.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse


def new_invite_token() -> str:
    """An unguessable invite token: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class StudyGroup(models.Model):
    """A group whose mentors follow its members' progress, with their consent.

    The owner created it; they also hold a Membership, as a mentor, so "who is
    in the group" is always the memberships (one query, one unique constraint)
    and the owner counts toward MAX_MEMBERS like everyone else.
    """

    MAX_MEMBERS = 500
    #: How many groups one person may own: room for any teacher, not for a script.
    MAX_OWNED = 20

    name = models.CharField(max_length=80)
    # Made from the name when the group is created; a rename keeps it, so links stay good.
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_groups"
    )
    invite_token = models.CharField(max_length=64, unique=True, default=new_invite_token)
    members_see_progress = models.BooleanField(
        "members see each other's progress",
        default=False,
        help_text="Off: only mentors see members' progress. Members always see who is in it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "progress_studygroup"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", args=[self.slug])

    def invite_path(self) -> str:
        """The join page's path; whoever holds it may join."""
        return reverse("groups:join", args=[self.invite_token])

    def is_invited_by(self, token: str) -> bool:
        """Whether `token` is this group's current invite token (compared in constant time)."""
        return secrets.compare_digest(self.invite_token.encode(), token.encode())


class Membership(models.Model):
    """One person in one study group: a member (followed) or a mentor (following)."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        MENTOR = "mentor", "Mentor"

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "progress_membership"
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group_user"),
            models.CheckConstraint(
                condition=models.Q(role__in=["member", "mentor"]), name="membership_role_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.get_role_display()})"

    @property
    def is_mentor(self) -> bool:
        """Mentors (the owner among them) follow the members' progress."""
        return self.role == self.Role.MENTOR

    @property
    def is_owner(self) -> bool:
        """Whether this is the owner's membership (the group must be loaded with it)."""
        return self.user_id == self.group.owner_id

    @property
    def role_label(self) -> str:
        """ "Owner", "Mentor" or "Member", as the group's pages name the role."""
        return "Owner" if self.is_owner else self.get_role_display()

    def sees_progress(self) -> bool:
        """Whether this person may see the members' progress: mentors always, members
        only when the owner switched it on."""
        return self.is_mentor or self.group.members_see_progress
