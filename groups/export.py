"""The study groups part of a learner's data export (progress/export.py holds the rest)."""

from django.contrib.auth.models import User

from groups.models import Membership
from progress.export import plain


def groups_data(user: User) -> dict[str, list[dict]]:
    """The study groups the learner owns or belongs to, with their role in each."""
    memberships = Membership.objects.filter(user=user).select_related("group")
    return {
        "groups": [
            {
                "name": m.group.name,
                "slug": m.group.slug,
                "role": m.role_label.lower(),
                "joined_at": plain(m.joined_at),
            }
            for m in memberships.order_by("joined_at", "pk")
        ]
    }
