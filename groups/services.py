"""Every write to study groups: creating, joining, leaving, roles, the invite link.

Who may call each one (the owner, a member) is the views' business, through
groups/selectors.py; these functions keep the rules that hold whoever
calls them: one membership per person and group, at most MAX_MEMBERS people,
and an owner who stays a mentor and cannot leave their own group.
"""

import enum
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from groups.models import Membership, StudyGroup, new_invite_token

Role = Membership.Role
# Paths under /groups/ that a group's slug must not take.
RESERVED_SLUGS = frozenset({"join", "new"})


class GroupNotCreated(Exception):
    """The group was not created; the message says why, to the person who asked."""


class TooManyGroups(GroupNotCreated):
    def __init__(self) -> None:
        super().__init__(
            f"You own {StudyGroup.MAX_OWNED} groups, the most one person may. "
            "Delete one you no longer use to create another."
        )


class NoFreeSlug(GroupNotCreated):
    def __init__(self) -> None:
        super().__init__(
            "Other groups took that name's address at the same moment. "
            "Nothing was created: send the form again."
        )


#: Tries at a slug before giving up; the first takes the next number, the others a random one.
SLUG_ATTEMPTS = 4


def _free_slug(name: str, *, attempt: int = 0) -> str:
    """A slug made from `name` that no group has yet ("python-club", "python-club-2", …).

    After a first attempt lost to a group created at the same moment, the number is
    random, so that many people creating "Python club" at once need not queue for
    python-club-2, then -3, one failed insert each.
    """
    max_length = (StudyGroup._meta.get_field("slug").max_length or 50) - 6  # SlugField's 50
    base = slugify(name)[:max_length].strip("-") or "group"
    if attempt:
        return f"{base}-{secrets.randbelow(90_000) + 10_000}"
    taken = set(StudyGroup.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def group_create(*, owner: User, name: str, description: str = "") -> StudyGroup:
    """Create a group owned by `owner`, who becomes its first mentor.

    Raises TooManyGroups when `owner` owns MAX_OWNED groups already: the owner's row is
    locked around the count and the insert (SELECT … FOR NO KEY UPDATE on PostgreSQL;
    SQLite runs one write transaction at a time), so concurrent creates stop at the cap.
    Raises NoFreeSlug when groups created at the same moment took every slug it tried.
    """
    with transaction.atomic():
        get_user_model().objects.select_for_update(no_key=True).filter(pk=owner.pk).get()
        if StudyGroup.objects.filter(owner=owner).count() >= StudyGroup.MAX_OWNED:
            raise TooManyGroups
        for attempt in range(SLUG_ATTEMPTS):
            try:
                with transaction.atomic():  # a savepoint: a taken slug undoes only this try
                    group = StudyGroup.objects.create(
                        owner=owner,
                        name=name,
                        description=description,
                        slug=_free_slug(name, attempt=attempt),
                    )
                    Membership.objects.create(group=group, user=owner, role=Role.MENTOR)
                    return group
            except IntegrityError:
                continue
    raise NoFreeSlug


def group_update(
    *, group: StudyGroup, name: str, description: str, members_see_progress: bool
) -> None:
    """Rename the group, change its description, and whether members see each other's
    progress. The slug stays, so the group's address does not change."""
    group.name = name
    group.description = description
    group.members_see_progress = members_see_progress
    group.save(update_fields=["name", "description", "members_see_progress"])


def invite_replace(*, group: StudyGroup) -> str:
    """Give the group a new invite token; the old link answers 404 from now on."""
    group.invite_token = new_invite_token()
    group.save(update_fields=["invite_token"])
    return group.invite_token


class Joined(enum.Enum):
    JOINED = "joined"
    ALREADY = "already"
    FULL = "full"
    GONE = "gone"  # deleted since the page was shown


def group_join(*, group: StudyGroup, user: User) -> Joined:
    """Make `user` a member of `group`, unless they are in it already or it is full.

    The group's row is locked for the count and the insert (SELECT … FOR UPDATE
    on PostgreSQL; SQLite runs one write transaction at a time), so concurrent
    joins never take the group past MAX_MEMBERS.
    """
    with transaction.atomic():
        if not StudyGroup.objects.select_for_update().filter(pk=group.pk).values_list("pk"):
            return Joined.GONE
        people = Membership.objects.filter(group=group)
        if people.filter(user=user).exists():
            return Joined.ALREADY
        if people.count() >= StudyGroup.MAX_MEMBERS:
            return Joined.FULL
        Membership.objects.create(group=group, user=user, role=Role.MEMBER)
    return Joined.JOINED


def membership_set_role(*, group: StudyGroup, user_id: int, role: str) -> bool:
    """Make someone in the group a mentor or a member again; the owner stays a mentor.
    Returns whether anything changed."""
    if role not in Role.values:
        raise ValueError(f"Unknown role: {role!r}")
    people = Membership.objects.filter(group=group, user_id=user_id).exclude(user_id=group.owner_id)
    return people.exclude(role=role).update(role=role) > 0


def membership_remove(*, membership: Membership) -> None:
    """Take someone out of their group, whether they leave or the owner removes them; never
    the owner, who deletes the group instead. Mentors see nothing of them from then on: the
    tables are read from the memberships."""
    if membership.is_owner:
        raise ValueError("The owner cannot leave the group; they may delete it.")
    membership.delete()


def group_delete(*, group: StudyGroup) -> None:
    """Delete the group and every membership in it. Nobody's progress is touched."""
    group.delete()
