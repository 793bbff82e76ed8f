"""Reads of study groups: who is in one, and what its mentors (and its members, when the
owner allows it) see of the members' progress.

Everything outside one's own groups answers 404, the same 404 as for a group
that does not exist, so nobody learns which groups there are. Each page runs a
fixed number of queries, whatever the number of members or steps: the
database counts all members' statuses at once, as `summarise` (the dashboard's
own definition) counts them.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from groups.models import Membership, StudyGroup
from progress.models import ProgressEvent, ProjectLink, StepProgress
from progress.selectors import ProgressSummary, public_projects, roadmap_progress, summarise
from roadmap.models import Stage, Step
from roadmap.selectors import group_by_stage
from roadmap_site.http import Viewer

Role = Membership.Role
# What secrets.token_urlsafe makes, at most as long as the column.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def groups_of(user: User) -> list[Membership]:
    """The learner's memberships, each with its group and the group's `size`, by name."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("group")
        .annotate(size=Count("group__memberships"))
        .order_by("group__name", "group_id")
    )


def owned_by(user: User) -> list[StudyGroup]:
    """The groups the learner owns, by name."""
    return list(StudyGroup.objects.filter(owner=user))


def membership_in(user: Viewer, slug: str) -> Membership:
    """The viewer's membership in the group at /groups/<slug>/, with the group, or 404:
    for visitors, for anyone outside the group (editors too) and for unknown slugs alike."""
    if user is None or not user.is_authenticated:
        raise Http404("No such group.")
    memberships = Membership.objects.select_related("group")
    return get_object_or_404(memberships, group__slug=slug, user=user)


def owned_group(user: Viewer, slug: str) -> StudyGroup:
    """The group at /groups/<slug>/ if `user` owns it, else 404 (members see no owner's tools)."""
    membership = membership_in(user, slug)
    if not membership.is_owner:
        raise Http404("Only the group's owner may do this.")
    return membership.group


def group_for_token(token: str) -> StudyGroup:
    """The group whose current invite token is `token`, with its `size`, or 404 (an old,
    tampered or unknown token alike)."""
    if not TOKEN_SHAPE.fullmatch(token):  # a NUL byte, say, would be a database error
        raise Http404("No such invitation.")
    group = (
        StudyGroup.objects.filter(invite_token=token)
        .annotate(size=Count("memberships"))
        .select_related("owner")
        .first()
    )
    if group is None or not group.is_invited_by(token):
        raise Http404("No such invitation.")
    return group


def people_in(group: StudyGroup) -> list[Membership]:
    """Everyone in the group with their user: mentors first, then members, by name."""
    people = list(
        Membership.objects.filter(group=group)
        .select_related("user")
        .order_by("-role", "user__username", "pk")  # "mentor" sorts after "member"
    )
    for membership in people:
        membership.group = group  # the one instance: is_owner reads it, with no query each
    return people


def removable(group: StudyGroup, *, user_id: int) -> Membership:
    """Someone the owner may take out of `group` (anyone in it but the owner), or 404."""
    people = Membership.objects.select_related("user").exclude(user_id=group.owner_id)
    person = get_object_or_404(people, group=group, user_id=user_id)
    person.group = group  # the one instance: is_owner reads it, with no query
    return person


def mentors_of(group: StudyGroup) -> list[Membership]:
    return list(
        group.memberships.filter(role=Role.MENTOR).select_related("user").order_by("user__username")
    )


# ---------------------------------------------------------------- what mentors see


@dataclass(frozen=True)
class StuckStep:
    """A step a member has had in progress for more than StepProgress.STUCK_AFTER."""

    membership: Membership
    step: Step
    since: dt.datetime


@dataclass
class MemberProgress:
    """One row of the members x stages table."""

    membership: Membership
    overall: ProgressSummary
    stages: list[ProgressSummary]
    last_active: dt.datetime | None
    stuck: list[StuckStep] = field(default_factory=list)


@dataclass
class GroupProgress:
    """The members x stages table of a group, with who may be stuck."""

    stages: list[Stage]
    rows: list[MemberProgress]

    @property
    def stuck(self) -> list[StuckStep]:
        """Every member's stuck steps, the longest-stuck first."""
        return sorted((s for row in self.rows for s in row.stuck), key=lambda s: s.since)


def group_progress(group: StudyGroup, *, people: list[Membership]) -> GroupProgress:
    """Where each member (not the mentors) of the group stands, per stage and overall.

    Four queries whatever the number of members or steps: the published steps,
    the members' statuses counted per stage by the database (so the rows read
    grow with members x stages, not with steps), the steps they may be stuck
    on, and each member's latest activity.
    """
    members = [m for m in people if m.role == Role.MEMBER]
    followed = Membership.objects.filter(group=group, role=Role.MEMBER).values("user_id")
    steps = list(
        Step.objects.published()
        .select_related("stage")
        .in_roadmap_order()
        .only("stage", "title", "slug", "is_optional", "estimated_hours")
    )
    stages = group_by_stage(steps)
    counts, last_changes = _counts_per_stage(followed)
    now = timezone.now()
    on_published = StepProgress.objects.filter(user_id__in=followed, step__is_published=True)
    stuck_rows = on_published.filter(
        status=StepProgress.Status.IN_PROGRESS, updated_at__lt=StepProgress.stuck_before(now)
    ).values_list("user_id", "step_id", "updated_at")
    by_id = {step.pk: step for step in steps}
    stuck: dict[int, list[tuple[Step, dt.datetime]]] = {}
    for user_id, step_id, since in stuck_rows.order_by("updated_at"):
        stuck.setdefault(user_id, []).append((by_id[step_id], since))
    # The latest change: a reset leaves only an event, and a status row keeps its own time.
    last_events = dict(
        ProgressEvent.objects.filter(user_id__in=followed)
        .values("user_id")
        .annotate(last=Max("created_at"))
        .values_list("user_id", "last")
    )
    untouched = {stage.pk: summarise(stage.published_steps, statuses={}) for stage in stages}

    def row(m: Membership) -> MemberProgress:
        mine = counts.get(m.user_id, {})
        per_stage = [
            untouched[stage.pk].with_counts(**mine[stage.pk]) if stage.pk in mine
            else untouched[stage.pk]
            for stage in stages
        ]  # fmt: skip
        return MemberProgress(
            membership=m,
            overall=sum(per_stage, ProgressSummary()),
            stages=per_stage,
            last_active=_latest(last_events.get(m.user_id), last_changes.get(m.user_id)),
            stuck=[
                StuckStep(membership=m, step=step, since=at)
                for step, at in stuck.get(m.user_id, [])
            ],
        )

    return GroupProgress(stages=stages, rows=[row(m) for m in members])


def _counts_per_stage(
    followed: QuerySet,
) -> tuple[dict[int, dict[int, dict[str, int]]], dict[int, dt.datetime]]:
    """For each of `followed` (user ids): stage id -> their status counts on its published
    steps, counted as `summarise` counts them (ProgressSummary.with_counts takes them);
    and when they last changed a status there (one query)."""
    Status = StepProgress.Status
    required, optional = Q(step__is_optional=False), Q(step__is_optional=True)
    settled = Q(status__in=StepProgress.SETTLED)
    rows = (
        StepProgress.objects.filter(user_id__in=followed, step__is_published=True)
        .values("user_id", "step__stage_id")
        .annotate(
            done=Count("pk", filter=required & Q(status=Status.DONE)),
            skipped=Count("pk", filter=required & Q(status=Status.SKIPPED)),
            in_progress=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
            optional_done=Count("pk", filter=optional & Q(status=Status.DONE)),
            settled_hours=Sum("step__estimated_hours", filter=required & settled, default=0),
            last=Max("updated_at"),
        )
        .order_by()
    )
    counts: dict[int, dict[int, dict[str, int]]] = {}
    last_changes: dict[int, dt.datetime] = {}
    for typed_row in rows:
        row = cast(dict[str, Any], typed_row)  # a plain dict, whose keys we take apart
        user_id, stage_id, last = row.pop("user_id"), row.pop("step__stage_id"), row.pop("last")
        counts.setdefault(user_id, {})[stage_id] = row
        last_changes[user_id] = max(last, last_changes.get(user_id, last))
    return counts, last_changes


def _latest(*times: dt.datetime | None) -> dt.datetime | None:
    return max((at for at in times if at is not None), default=None)


@dataclass(frozen=True)
class MemberDetail:
    """One member's statuses per step and project links: never their notes.

    Each step of `stages` carries `status`, `in_progress_since` (None unless in
    progress) and `may_be_stuck`."""

    membership: Membership
    stages: list[Stage]
    overall: ProgressSummary
    stuck: int
    projects: list[ProjectLink]


def member_detail(group: StudyGroup, *, user_id: int) -> MemberDetail:
    """What a mentor sees of one member of `group`, or 404 for anyone who is not one of
    its members (a mentor is not followed)."""
    membership = get_object_or_404(
        Membership.objects.select_related("user"), group=group, user_id=user_id, role=Role.MEMBER
    )
    member = membership.user
    member_progress = roadmap_progress(member)
    stages = member_progress.stages
    since = dict(
        StepProgress.objects.filter(
            user=member, status=StepProgress.Status.IN_PROGRESS
        ).values_list("step_id", "updated_at")
    )
    now = timezone.now()
    for step in (step for stage in stages for step in stage.published_steps):
        in_progress_since = since.get(step.pk)
        step.in_progress_since = in_progress_since  # type: ignore[attr-defined]
        step.may_be_stuck = StepProgress.may_be_stuck(  # type: ignore[attr-defined]
            step.status, in_progress_since or now, now=now
        )
    return MemberDetail(
        membership=membership,
        stages=stages,
        overall=member_progress.overall,
        stuck=sum(
            step.may_be_stuck  # type: ignore[attr-defined]
            for stage in stages
            for step in stage.published_steps
        ),
        projects=list(public_projects(member)),
    )
