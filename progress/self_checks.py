"""Reads of self-checks: a step's checkpoints, each with the viewer's own tick (a
learner's from the database, a guest's from the session; never anyone else's)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import (
    Count,
    Exists,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from progress.guest import guest_ticks, is_tracking
from progress.models import CheckpointTick, StepProgress
from roadmap.models import Checkpoint, Step
from roadmap_site.http import Viewer


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
        return self.complete and self.status != StepProgress.Status.DONE


def _with_my_ticks(checkpoints: QuerySet[Checkpoint], *, user: User) -> QuerySet:
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
        counts = _with_my_ticks(checkpoints, user=request.user).aggregate(
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
        checkpoints, ticked = _with_my_ticks(checkpoints, user=request.user), Count("mine")
    else:
        ticked = Count("pk", filter=Q(pk__in=list(guest_ticks(request))))
    rows = (
        checkpoints.values("step__stage_id")
        .annotate(total=Count("pk"), ticked=ticked)
        .values_list("step__stage_id", "ticked", "total")
    )
    return {stage_id: SelfCheck(ticked=ticked, total=total) for stage_id, ticked, total in rows}


def tick_count(user: User, *, steps: QuerySet[Step] | None = None) -> int:
    """How many checkpoints the learner ticked on `steps` (in the whole roadmap when None)."""
    ticks = CheckpointTick.objects.filter(user=user)
    if steps is not None:
        ticks = ticks.filter(checkpoint__step__in=steps)
    return ticks.count()
