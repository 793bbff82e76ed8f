"""Every read of a learner's state, in a fixed number of queries whatever the roadmap's size.

How progress counts (also in the README):

* The percentage is over the *required* published steps only. Optional steps
  (alternatives such as React or Angular, or extras) never lower it.
* A required step counts toward the percentage when it is done or skipped:
  skipping says "I already know this" or "not for me", so it is settled.
  Skipped steps are shown separately, so nobody mistakes them for done.
* "In progress" counts as started, not as finished.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django.utils import timezone

from progress.models import (
    CheckpointTick,
    LearnerProfile,
    ProgressEvent,
    ProjectLink,
    StepNote,
    StepProgress,
)
from roadmap.models import Checkpoint, Stage, Step
from roadmap.selectors import group_by_stage, steps_shown

Status = StepProgress.Status
GUEST_KEY = "guest_progress"
#: A guest's ticks, next to their statuses: checkpoint id -> when it was ticked.
GUEST_TICKS_KEY = "guest_ticks"
SETTLED = frozenset({Status.DONE, Status.SKIPPED})
Viewer = User | AnonymousUser | None


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
        if status not in SETTLED:
            hours_left += hours
    return ProgressSummary(hours_left=hours_left, **counts)


def next_step(steps: Iterable[Step], *, statuses: Mapping[int, str]) -> Step | None:
    """The first required step, in roadmap order, that is neither done nor skipped."""
    return next(
        (s for s in steps if not s.is_optional and statuses.get(s.pk, "") not in SETTLED), None
    )


# ---------------------------------------------------------------- whose statuses


def is_tracking(request: HttpRequest) -> bool:
    """Whether this request belongs to someone whose progress is kept (learner or guest).

    False for requests that never got a user or session (a bad Host header, say).
    """
    user, session = getattr(request, "user", None), getattr(request, "session", None)
    if user is None or session is None:
        return False
    return user.is_authenticated or GUEST_KEY in session


@dataclass(frozen=True)
class PendingStatus:
    """The status a visitor chose on a step before signing in or choosing to be a guest."""

    step: Step
    status: str

    @property
    def label(self) -> str:
        return StepProgress.DISPLAY[self.status][1]


def pending_status(next_url: str) -> PendingStatus | None:
    """The status carried in a sign-in's `next` (/stages/<stage>/<step>/?mark=<status>), so
    that a visitor's first tap is kept through sign-in or the guest choice; None if none."""
    parts = urlsplit(next_url)
    status = parse_qs(parts.query).get("mark", [""])[0]
    if status not in Status.values or parts.scheme or parts.netloc:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name != "roadmap:step":
        return None
    try:
        return PendingStatus(step=get_step(**match.kwargs), status=status)
    except Http404:
        return None


def guest_progress(request: HttpRequest) -> dict[int, tuple[str, dt.datetime]]:
    """The guest's statuses from the session, as step id -> (status, when). Skips bad entries."""
    result = {}
    for key, entry in request.session.get(GUEST_KEY, {}).items():
        try:
            status, when = entry["status"], dt.datetime.fromisoformat(entry["at"])
            if status in Status.values and timezone.is_aware(when):
                result[int(key)] = (status, when)
        except (KeyError, TypeError, ValueError):
            continue
    return result


def statuses_for(user: Viewer) -> dict[int, str]:
    """Map of step id to status for everything this user has touched (one query)."""
    if user is None or not user.is_authenticated:
        return {}
    return dict(StepProgress.objects.filter(user=user).values_list("step_id", "status"))


def statuses_for_request(request: HttpRequest) -> dict[int, str]:
    """The statuses to show on a page: the learner's, or the guest's from the session."""
    if request.user.is_authenticated:
        return statuses_for(request.user)
    return {step_id: status for step_id, (status, _) in guest_progress(request).items()}


# ---------------------------------------------------------------- steps with statuses


def with_statuses(steps: QuerySet[Step], *, user: Viewer) -> QuerySet[Step]:
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


def attach_statuses(steps: Iterable[Step], *, statuses: Mapping[int, str] | None = None) -> None:
    """Set `status` on each step ("" when not started): from `statuses`, else from the
    `my_status` that `with_statuses` read."""
    for step in steps:
        if statuses is None:
            step.status = getattr(step, "my_status", None) or ""
        else:
            step.status = statuses.get(step.pk, "")


def statuses_of(steps: Iterable[Step]) -> dict[int, str]:
    """Step id to status for the steps that have one (see attach_statuses)."""
    return {step.pk: step.status for step in steps if step.status}


def statuses_on(stages: Iterable[Stage]) -> dict[int, str]:
    """Step id to status for the steps of `stages` (from stages_with_steps) that have one."""
    return statuses_of(step for stage in stages for step in stage.published_steps)


def stages_with_steps(user: Viewer = None) -> list[Stage]:
    """Stages in order, each with `published_steps` (stages without any are left out),
    each step with `status`, the learner's: all in one query, whatever the size."""
    steps = Step.objects.published().select_related("stage").in_roadmap_order()
    stages = group_by_stage(with_statuses(steps, user=user))
    attach_statuses(step for stage in stages for step in stage.published_steps)
    return stages


def roadmap_for(request: HttpRequest) -> tuple[list[Stage], dict[int, str]]:
    """The published roadmap with the viewer's statuses: a learner's, a guest's, or none."""
    steps = Step.objects.published().select_related("stage").in_roadmap_order()
    stages = group_by_stage(stage_steps_for(request, steps=steps))
    return stages, statuses_on(stages)


def stage_steps_for(request: HttpRequest, *, steps: QuerySet[Step]) -> list[Step]:
    """`steps`, each with the viewer's `status` (a learner's read in the same
    query, a guest's from the session)."""
    if request.user.is_authenticated:
        shown = list(with_statuses(steps, user=request.user))
        attach_statuses(shown)
    else:
        shown = list(steps)
        attach_statuses(shown, statuses=statuses_for_request(request))
    return shown


def attach_summaries(stages: list[Stage], *, statuses: dict[int, str]) -> ProgressSummary:
    """Set `summary_counts` on each stage and return the summary of the whole roadmap."""
    for stage in stages:
        stage.summary_counts = summarise(stage.published_steps, statuses=statuses)  # type: ignore[attr-defined]
    return summarise((s for st in stages for s in st.published_steps), statuses=statuses)


def status_counts(request: HttpRequest, *, step: Step) -> dict[str, ProgressSummary]:
    """The viewer's overall and stage summaries, after a status change on `step`: one
    aggregate query, a few rows (per stage, optional or not, and status) whatever the
    roadmap's size. A learner's statuses are joined in; a guest's come from the session."""
    published = Step.objects.published()
    status: F | Case
    if request.user.is_authenticated:
        steps, status = with_statuses(published, user=request.user), F("my_status")
    else:
        steps, status = published, _guest_status(statuses_for_request(request))
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


# ---------------------------------------------------------------- one step, with the viewer's rows


def get_step(*, stage: str, step: str, include_drafts: bool = False, viewer: Viewer = None) -> Step:
    """The step at /stages/<stage>/<step>/, or 404; unpublished ones only with include_drafts.

    With a signed-in `viewer`, the same query also reads their status, note and
    project on the step, for own_rows_on.
    """
    steps = steps_shown(include_drafts=include_drafts).select_related("stage")
    if viewer is not None and viewer.is_authenticated:
        steps = steps.annotate(**_own_rows(viewer))
    return get_object_or_404(steps, stage__slug=stage, slug=step)


def _own_rows(user: User) -> dict[str, Subquery]:
    def own(model: type[Model], field: str) -> Subquery:
        mine = model._default_manager.filter(user=user, step=OuterRef("pk"))
        return Subquery(mine.values(field)[:1])

    return {
        "my_status": own(StepProgress, "status"),
        "note_body": own(StepNote, "body"),
        "note_updated_at": own(StepNote, "updated_at"),
        "project_id": own(ProjectLink, "pk"),
        "project_repository_url": own(ProjectLink, "repository_url"),
        "project_live_url": own(ProjectLink, "live_url"),
    }


@dataclass(frozen=True)
class OwnRows:
    """The viewer's own status, note and project on one step."""

    status: str = ""
    note: StepNote | None = None
    project: ProjectLink | None = None


def own_rows_on(request: HttpRequest, *, step: Step) -> OwnRows:
    """A learner's rows come with the step (get_step with `viewer`); a guest's status
    from their session."""
    if not request.user.is_authenticated:
        return OwnRows(status=statuses_for_request(request).get(step.pk, ""))
    row: Any = step  # with the columns that get_step annotated (_own_rows)
    mine = {"user": request.user, "step": step}
    note = project = None
    if row.note_body is not None:
        note = StepNote(**mine, body=row.note_body, updated_at=row.note_updated_at)
    if row.project_id is not None:
        project = ProjectLink(
            pk=row.project_id,
            **mine,
            repository_url=row.project_repository_url,
            live_url=row.project_live_url,
        )
    return OwnRows(status=row.my_status or "", note=note, project=project)


# ---------------------------------------------------------------- self-checks (checkpoints)


@dataclass(frozen=True)
class SelfCheck:
    """How far the viewer is through a step's checkpoints, and whether to offer "Mark done"."""

    ticked: int
    total: int
    status: str = ""

    @classmethod
    def of(cls, checkpoints: list[Checkpoint], *, status: str = "") -> "SelfCheck":
        """The self-check of checkpoints that each carry the viewer's `ticked`."""
        ticked = sum(checkpoint.ticked for checkpoint in checkpoints)  # type: ignore[attr-defined]
        return cls(ticked=ticked, total=len(checkpoints), status=status)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.ticked == self.total

    @property
    def offers_done(self) -> bool:
        """Every checkpoint ticked and the step not done: the page offers, never decides."""
        return self.complete and self.status != Status.DONE


def guest_ticks(request: HttpRequest) -> dict[int, dt.datetime]:
    """The guest's ticks from the session, as checkpoint id -> when. Skips bad entries."""
    result = {}
    for key, when in request.session.get(GUEST_TICKS_KEY, {}).items():
        try:
            at = dt.datetime.fromisoformat(when)
            if timezone.is_aware(at):
                result[int(key)] = at
        except (TypeError, ValueError):
            continue
    return result


def with_my_ticks(checkpoints: QuerySet[Checkpoint], *, user: User) -> QuerySet:
    """`checkpoints` joined to the learner's own tick only (`mine`): one index probe each,
    whatever the number of learners who ticked them."""
    return checkpoints.annotate(mine=FilteredRelation("ticks", condition=Q(ticks__user=user)))


def _with_ticked(request: HttpRequest) -> QuerySet[Checkpoint]:
    """Checkpoints, each with `ticked` for a learner (their own tick, in the same query)."""
    checkpoints = Checkpoint.objects.only("step_id", "text", "position")
    if not request.user.is_authenticated:
        return checkpoints
    mine = CheckpointTick.objects.filter(user=request.user, checkpoint=OuterRef("pk"))
    return checkpoints.annotate(ticked=Exists(mine))


def _mark_guest_ticks(request: HttpRequest, checkpoints: Iterable[Checkpoint]) -> None:
    """Set `ticked` from the session for a guest (False for a visitor); a learner's came
    with the query."""
    if request.user.is_authenticated:
        return
    ticked = guest_ticks(request) if is_tracking(request) else {}
    for checkpoint in checkpoints:
        checkpoint.ticked = checkpoint.pk in ticked  # type: ignore[attr-defined]  # a learner's: _with_ticked


def checkpoints_for(request: HttpRequest, *, step: Step) -> list[Checkpoint]:
    """The step's checkpoints in order, each with `ticked`: the viewer's own tick (a
    learner's read in the same query, a guest's from the session; never anyone else's)."""
    checkpoints = list(_with_ticked(request).filter(step=step))
    _mark_guest_ticks(request, checkpoints)
    return checkpoints


def with_checkpoints(request: HttpRequest, steps: QuerySet[Step]) -> QuerySet[Step]:
    """`steps`, each with `checkpoint_list` (each with the viewer's `ticked` once
    attach_self_checks has run): one query for all the steps' checkpoints."""
    return steps.prefetch_related(
        Prefetch("checkpoints", _with_ticked(request), to_attr="checkpoint_list")
    )


def attach_self_checks(request: HttpRequest, steps: Iterable[Step]) -> None:
    """Set `self_check` on each step of with_checkpoints (after its `status` is set)."""
    for step in steps:
        checkpoints = step.checkpoint_list  # type: ignore[attr-defined]  # with_checkpoints' Prefetch
        _mark_guest_ticks(request, checkpoints)
        step.self_check = SelfCheck.of(checkpoints, status=getattr(step, "status", ""))  # type: ignore[attr-defined]


def get_checkpoint(*, stage: str, step: str, checkpoint: int, viewer: Viewer = None) -> Checkpoint:
    """The checkpoint of the published step at /stages/<stage>/<step>/, or 404 (another
    step's, a draft's or an unknown one). For a signed-in `viewer` the same query reads
    their status on the step, as `my_status`."""
    checkpoints = Checkpoint.objects.select_related("step__stage").filter(
        step__is_published=True, step__slug=step, step__stage__slug=stage
    )
    if viewer is not None and viewer.is_authenticated:
        status = StepProgress.objects.filter(user=viewer, step=OuterRef("step_id"))
        checkpoints = checkpoints.annotate(my_status=Subquery(status.values("status")[:1]))
    return get_object_or_404(checkpoints, pk=checkpoint)


def self_check_on(request: HttpRequest, *, step: Step, status: str) -> SelfCheck:
    """The viewer's self-check on `step` after a tick (one query)."""
    checkpoints = Checkpoint.objects.filter(step=step)
    if request.user.is_authenticated:
        counts = with_my_ticks(checkpoints, user=request.user).aggregate(
            total=Count("pk"), ticked=Count("mine")
        )
        return SelfCheck(ticked=counts["ticked"], total=counts["total"], status=status)
    ids = set(checkpoints.values_list("pk", flat=True))
    return SelfCheck(ticked=len(ids & guest_ticks(request).keys()), total=len(ids), status=status)


def self_checks_per_stage(request: HttpRequest) -> dict[int, SelfCheck]:
    """Stage id -> the learner's (or guest's) ticks and the checkpoints of its published
    steps (one query)."""
    checkpoints: QuerySet[Checkpoint] = Checkpoint.objects.filter(step__is_published=True)
    if request.user.is_authenticated:
        checkpoints, ticked = with_my_ticks(checkpoints, user=request.user), Count("mine")
    else:
        ticked = Count("pk", filter=Q(pk__in=list(guest_ticks(request))))
    rows = (
        checkpoints.values("step__stage_id")
        .annotate(total=Count("pk"), ticked=ticked)
        .values_list("step__stage_id", "ticked", "total")
    )
    return {stage_id: SelfCheck(ticked=ticked, total=total) for stage_id, ticked, total in rows}


def ticks_in(user: User, *, steps: QuerySet[Step] | None = None) -> int:
    """How many checkpoints the learner ticked on `steps` (in the whole roadmap when None)."""
    ticks = CheckpointTick.objects.filter(user=user)
    if steps is not None:
        ticks = ticks.filter(checkpoint__step__in=steps)
    return ticks.count()


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


def statuses_in(user: User, *, steps: QuerySet[Step] | None = None) -> int:
    """How many statuses the learner has on `steps` (in the whole roadmap when None)."""
    rows = StepProgress.objects.filter(user=user)
    if steps is not None:
        rows = rows.filter(step__in=steps)
    return rows.count()


@dataclass(frozen=True)
class Activity:
    """Days with progress changes, in the learner's time zone."""

    days: dict[dt.date, int]
    today: dt.date

    @property
    def current_streak(self) -> int:
        """Days in a row with activity, ending today (or yesterday, if today is still open)."""
        day = self.today if self.today in self.days else self.today - dt.timedelta(days=1)
        streak = 0
        while day in self.days:
            streak += 1
            day -= dt.timedelta(days=1)
        return streak

    @property
    def longest_streak(self) -> int:
        longest = run = 0
        previous = None
        for day in sorted(self.days):
            run = run + 1 if previous and day - previous == dt.timedelta(days=1) else 1
            longest = max(longest, run)
            previous = day
        return longest

    def calendar(self, weeks: int = 26) -> list[list[tuple[dt.date, int] | None]]:
        """Weeks (columns, Monday first) of (day, changes) for the last `weeks` weeks."""
        start = self.today - dt.timedelta(days=self.today.weekday() + 7 * (weeks - 1))
        columns = []
        for week in range(weeks):
            column = []
            for weekday in range(7):
                day = start + dt.timedelta(days=7 * week + weekday)
                column.append((day, self.days.get(day, 0)) if day <= self.today else None)
            columns.append(column)
        return columns


def time_zone_of(profile: LearnerProfile | None) -> ZoneInfo:
    """The learner's time zone (UTC until they choose one, or if theirs is unknown)."""
    try:
        return ZoneInfo(profile.time_zone if profile else "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def activity_for(user: User, *, zone: ZoneInfo) -> Activity:
    """Count progress changes per day in `zone` (one query, whatever the history's length)."""
    rows = (
        ProgressEvent.objects.filter(user=user)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(changes=Count("id"))
        .values_list("day", "changes")
    )
    return Activity(days=dict(rows), today=timezone.now().astimezone(zone).date())


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
