"""Every read of a learner's state, in a fixed number of queries whatever the roadmap's size.

How progress counts (also in the README):

* The percentage is over the *required* published steps only. Optional steps
  (alternatives such as React or Angular, or extras) never lower it.
* A required step counts toward the percentage when it is done or skipped
  (StepProgress.SETTLED): skipping says "I already know this" or "not for me",
  so it is settled. Skipped steps are shown separately, so nobody mistakes them for done.
* "In progress" counts as started, not as finished.

A guest's statuses and ticks are in progress/guest.py, self-checks in
progress/self_checks.py, the activity calendar in progress/activity.py and the
data download in progress/export.py.
"""

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.http import Http404, HttpRequest

from progress.guest import guest_statuses
from progress.models import (
    CheckpointTick,
    LearnerProfile,
    ProgressEvent,
    ProjectLink,
    StepNote,
    StepProgress,
)
from roadmap.models import Stage, Step
from roadmap.selectors import group_by_stage, steps_shown
from roadmap_site.http import Viewer

Status = StepProgress.Status


# ---------------------------------------------------------------- counting


@dataclass(frozen=True)
class ProgressSummary:
    """Counts for a set of steps, as one learner stands on them."""

    required_total: int = 0
    done: int = 0
    skipped: int = 0
    in_progress: int = 0
    optional_total: int = 0
    optional_done: int = 0
    hours_left: int = 0

    @property
    def settled(self) -> int:
        return self.done + self.skipped

    @property
    def percent(self) -> int:
        if not self.required_total:
            return 0
        return round(100 * self.settled / self.required_total)

    @property
    def is_complete(self) -> bool:
        return self.required_total > 0 and self.settled == self.required_total

    def with_counts(
        self, *, done: int, skipped: int, in_progress: int, optional_done: int, settled_hours: int
    ) -> "ProgressSummary":
        """This summary of steps nobody has started, given a learner's counts on them as
        `summarise` counts (done and skipped of the required steps, in progress of all,
        done of the optional ones, hours of the required steps settled): for counts the
        database makes for many learners at once."""
        return dataclasses.replace(
            self,
            done=done,
            skipped=skipped,
            in_progress=in_progress,
            optional_done=optional_done,
            hours_left=self.hours_left - settled_hours,
        )

    def __add__(self, other: "ProgressSummary") -> "ProgressSummary":
        """Two disjoint sets of steps (two stages, say) summarised as one."""
        return ProgressSummary(
            **{
                f.name: getattr(self, f.name) + getattr(other, f.name)
                for f in dataclasses.fields(self)
            }
        )


def summarise(steps: Iterable[Step], *, statuses: Mapping[int, str]) -> ProgressSummary:
    """Summarise progress on `steps`, given a map of step id to status."""
    return _summary_of_groups(
        (step.is_optional, statuses.get(step.pk, ""), 1, step.estimated_hours) for step in steps
    )


#: Steps counted together: whether they are optional, the learner's status on them
#: ("" or None when not started), how many steps and their estimated hours in all.
_Group = tuple[bool, str | None, int, int]


def _summary_of_groups(groups: Iterable[_Group]) -> ProgressSummary:
    """The summary of steps given in groups (see _Group): one step each, or the rows of an
    aggregate query. The one place the counting rules in this module's docstring live."""
    counts = dict.fromkeys(
        ("required_total", "done", "skipped", "in_progress", "optional_total", "optional_done"), 0
    )
    hours_left = 0
    for is_optional, status, steps, hours in groups:
        if status == Status.IN_PROGRESS:
            counts["in_progress"] += steps
        if is_optional:
            counts["optional_total"] += steps
            counts["optional_done"] += steps if status == Status.DONE else 0
            continue
        counts["required_total"] += steps
        counts["done"] += steps if status == Status.DONE else 0
        counts["skipped"] += steps if status == Status.SKIPPED else 0
        if status not in StepProgress.SETTLED:
            hours_left += hours
    return ProgressSummary(hours_left=hours_left, **counts)


def next_step(steps: Iterable[Step], *, statuses: Mapping[int, str]) -> Step | None:
    """The first required step, in roadmap order, that is neither done nor skipped."""
    settled = StepProgress.SETTLED
    return next(
        (s for s in steps if not s.is_optional and statuses.get(s.pk, "") not in settled), None
    )


# ---------------------------------------------------------------- whose statuses


def statuses_for(user: Viewer) -> dict[int, str]:
    """Map of step id to status for everything this user has touched (one query)."""
    if user is None or not user.is_authenticated:
        return {}
    return dict(StepProgress.objects.filter(user=user).values_list("step_id", "status"))


def _with_statuses(steps: QuerySet[Step], *, user: Viewer) -> QuerySet[Step]:
    """`steps`, each carrying `my_status`: the learner's status on it, None if not started.

    A join on the learner's rows, not a query of its own (the unique index on
    user and step makes it one index probe per step).
    """
    if user is None or not user.is_authenticated:
        return steps
    return steps.annotate(
        mine=FilteredRelation("progress", condition=Q(progress__user=user)),
        my_status=F("mine__status"),
    )


def statuses_of(steps: Iterable[Step]) -> dict[int, str]:
    """Step id to status for the steps that have one (see steps_with_status)."""
    return {step.pk: step.status for step in steps if step.status}


def steps_with_status(request: HttpRequest, *, steps: QuerySet[Step]) -> list[Step]:
    """`steps`, each with the viewer's `status` ("" when not started): a learner's read in
    the same query, a guest's from the session."""
    if request.user.is_authenticated:
        return _learner_steps(steps, user=request.user)
    shown = list(steps)
    statuses = guest_statuses(request)
    for step in shown:
        step.status = statuses.get(step.pk, "")
    return shown


def _learner_steps(steps: QuerySet[Step], *, user: User) -> list[Step]:
    shown = list(_with_statuses(steps, user=user))
    for step in shown:
        step.status = getattr(step, "my_status", None) or ""
    return shown


# ---------------------------------------------------------------- the whole roadmap


@dataclass(frozen=True)
class RoadmapProgress:
    """The published roadmap as one learner (or guest) stands on it."""

    #: Stages in order, each with `published_steps` (each step with `status`) and
    #: `summary_counts`; stages without published steps are left out.
    stages: list[Stage]
    overall: ProgressSummary
    #: Step id -> status, for the steps that have one.
    statuses: dict[int, str]

    @property
    def steps(self) -> list[Step]:
        """Every published step, in roadmap order."""
        return [step for stage in self.stages for step in stage.published_steps]


def roadmap_progress(viewer: HttpRequest | User) -> RoadmapProgress:
    """The published roadmap with the statuses and summaries of `viewer`: a request's
    learner or guest (none for a visitor), or a learner. One query, whatever the size."""
    steps = Step.objects.published().select_related("stage").in_roadmap_order()
    if isinstance(viewer, HttpRequest):
        shown = steps_with_status(viewer, steps=steps)
    else:
        shown = _learner_steps(steps, user=viewer)
    stages = group_by_stage(shown)
    statuses = statuses_of(shown)
    for stage in stages:
        stage.summary_counts = summarise(stage.published_steps, statuses=statuses)  # type: ignore[attr-defined]
    return RoadmapProgress(
        stages=stages, overall=summarise(shown, statuses=statuses), statuses=statuses
    )


def status_counts(request: HttpRequest, *, step: Step) -> dict[str, ProgressSummary]:
    """The viewer's overall and stage summaries, after a status change on `step`: one
    aggregate query, a few rows (per stage, optional or not, and status) whatever the
    roadmap's size. A learner's statuses are joined in; a guest's come from the session."""
    published = Step.objects.published()
    status: F | Case
    if request.user.is_authenticated:
        steps, status = _with_statuses(published, user=request.user), F("my_status")
    else:
        steps, status = published, _guest_status(guest_statuses(request))
    rows = (
        steps.annotate(viewer_status=status)
        .values_list("stage_id", "is_optional", "viewer_status")
        .annotate(steps=Count("pk"), hours=Sum("estimated_hours"))
        .order_by()
    )
    groups = [
        (stage_id, (optional, status, n, hours)) for stage_id, optional, status, n, hours in rows
    ]
    return {
        "overall": _summary_of_groups(group for _, group in groups),
        "stage": _summary_of_groups(
            group for stage_id, group in groups if stage_id == step.stage_id
        ),
    }


def _guest_status(statuses: Mapping[int, str]) -> Case:
    """A guest's status on each step, from their map of step id to status, as SQL."""
    by_status: dict[str, list[int]] = {}
    for step_id, status in statuses.items():
        by_status.setdefault(status, []).append(step_id)
    whens = [When(pk__in=ids, then=Value(status)) for status, ids in by_status.items()]
    return Case(*whens, default=Value(""), output_field=CharField())


# ---------------------------------------------------------------- one step


def step_with_status(
    request: HttpRequest, *, stage: str, step: str, include_drafts: bool = False
) -> Step:
    """The step at /stages/<stage>/<step>/ (as roadmap.selectors.get_step finds it, or 404),
    with the viewer's `status`: a learner's joined in the same query, a guest's from the
    session, "" for a visitor; and a learner's `hours_spent` on it, in the same query."""
    steps = steps_shown(include_drafts=include_drafts).select_related("stage")
    steps = steps.filter(stage__slug=stage, slug=step)
    if request.user.is_authenticated:
        mine = StepProgress.objects.filter(user=request.user, step=OuterRef("pk"))
        steps = steps.annotate(hours_spent=Subquery(mine.values("hours_spent")[:1]))
    found = steps_with_status(request, steps=steps)
    if not found:
        raise Http404("No such step.")
    return found[0]


def own_rows_on(request: HttpRequest, *, step: Step) -> tuple[StepNote | None, ProjectLink | None]:
    """The learner's own note and project on `step` (the project only on a project step,
    one query each); none for a guest or a visitor, who keep neither."""
    if not request.user.is_authenticated:
        return None, None
    mine = {"user": request.user, "step": step}
    note = StepNote.objects.filter(**mine).first()
    project = ProjectLink.objects.filter(**mine).first() if step.is_project else None
    return note, project


# ---------------------------------------------------------------- the dashboard


def recent_changes(user: User, *, limit: int = 8) -> QuerySet[StepProgress]:
    """The learner's latest statuses on published steps, newest first."""
    return (
        StepProgress.objects.filter(user=user, step__is_published=True)
        .select_related("step__stage")
        .order_by("-updated_at")[:limit]
    )


def profile_of(user: User) -> LearnerProfile | None:
    return LearnerProfile.objects.filter(user=user).first()


def status_count(user: User, *, steps: QuerySet[Step] | None = None) -> int:
    """How many statuses the learner has on `steps` (in the whole roadmap when None)."""
    rows = StepProgress.objects.filter(user=user)
    if steps is not None:
        rows = rows.filter(step__in=steps)
    return rows.count()


# ---------------------------------------------------------------- public pages, editors, export


def public_learner(username: str) -> User:
    """The user whose progress page is public, or 404 (the same 404 whether or not they exist)."""
    user = (
        get_user_model()
        .objects.filter(username=username, is_active=True, learner_profile__is_public=True)
        .first()
    )
    if user is None:
        raise Http404("No public progress page here.")
    return user


def public_projects(user: User) -> QuerySet[ProjectLink]:
    return (
        ProjectLink.objects.filter(user=user, step__is_published=True)
        .select_related("step__stage")
        .order_by("step__stage__position", "step__position")
    )


def learners_per_step(step_ids: Iterable[int]) -> dict[int, set[int]]:
    """Which learners have progress, notes, projects, activity or ticks on each of these steps."""
    learners: dict[int, set[int]] = {}
    for model in (StepProgress, StepNote, ProjectLink, ProgressEvent):
        for step_id, user_id in model.objects.filter(step_id__in=step_ids).values_list(
            "step_id", "user_id"
        ):
            learners.setdefault(step_id, set()).add(user_id)
    ticks = CheckpointTick.objects.filter(checkpoint__step_id__in=step_ids)
    for step_id, user_id in ticks.values_list("checkpoint__step_id", "user_id"):
        learners.setdefault(step_id, set()).add(user_id)
    return learners


def learners_per_checkpoint(checkpoint_ids: Iterable[int]) -> dict[int, int]:
    """How many learners ticked each of these checkpoints (those nobody ticked are left out)."""
    rows = (
        CheckpointTick.objects.filter(checkpoint_id__in=checkpoint_ids)
        .values("checkpoint_id")
        .annotate(learners=Count("user_id"))
        .values_list("checkpoint_id", "learners")
    )
    return dict(rows)
