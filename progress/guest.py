"""A guest's progress: statuses and ticks kept in the session, reads and writes together.

Visitors may track progress as guests: their statuses are kept in the session
under GUEST_KEY and their ticks under GUEST_TICKS_KEY. Both move into the
account when the guest signs up or signs in (merge_into); where both have a
status for a step, the later change wins, and a checkpoint ticked on either
side is ticked.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from django.urls import Resolver404, resolve
from django.utils import timezone

from progress import services
from progress.models import StepProgress
from roadmap.models import Checkpoint, Step
from roadmap.selectors import get_step

Status = StepProgress.Status
GUEST_KEY = "guest_progress"
#: A guest's ticks, next to their statuses: checkpoint id -> when it was ticked.
GUEST_TICKS_KEY = "guest_ticks"


# ---------------------------------------------------------------- reads


def is_tracking(request: HttpRequest) -> bool:
    """Whether this request belongs to someone whose progress is kept (learner or guest).

    False for requests that never got a user or session (a bad Host header, say).
    """
    user, session = getattr(request, "user", None), getattr(request, "session", None)
    if user is None or session is None:
        return False
    return user.is_authenticated or GUEST_KEY in session


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


def guest_statuses(request: HttpRequest) -> dict[int, str]:
    """The guest's statuses from the session, as step id -> status."""
    return {step_id: status for step_id, (status, _) in guest_progress(request).items()}


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


# ---------------------------------------------------------------- writes


def guest_start(request: HttpRequest) -> None:
    """Let this visitor track progress in their session, without an account."""
    request.session.setdefault(GUEST_KEY, {})
    request.session.modified = True


def guest_progress_set(request: HttpRequest, *, step: Step, status: str) -> None:
    """Record a guest's status on a step in their session (RESET forgets it)."""
    services.check_status(status)
    data = dict(request.session.get(GUEST_KEY, {}))
    if status == services.RESET:
        data.pop(str(step.pk), None)
    else:
        data[str(step.pk)] = {"status": status, "at": timezone.now().isoformat()}
    request.session[GUEST_KEY] = data


def guest_checkpoint_tick(request: HttpRequest, *, checkpoint: Checkpoint, ticked: bool) -> None:
    """Record a guest's tick (or untick) on a checkpoint in their session."""
    data = dict(request.session.get(GUEST_TICKS_KEY, {}))
    if ticked:
        data.setdefault(str(checkpoint.pk), timezone.now().isoformat())
    else:
        data.pop(str(checkpoint.pk), None)
    request.session[GUEST_TICKS_KEY] = data


def guest_merge_into(request: HttpRequest, *, user: User) -> int:
    """On sign-in or sign-up: move the session's guest progress into the account."""
    merged = services.progress_merge(user=user, guest=guest_progress(request))
    services.ticks_merge(user=user, guest=guest_ticks(request))
    request.session.pop(GUEST_KEY, None)
    request.session.pop(GUEST_TICKS_KEY, None)
    return merged
