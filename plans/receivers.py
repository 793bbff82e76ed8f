"""What the study plan does when a learner's progress changes (progress.services signals)."""

from typing import Any

from django.contrib.auth.models import User
from django.dispatch import receiver

from plans import reviews
from progress.models import StepProgress
from progress.services import status_changed


@receiver(status_changed, dispatch_uid="plans.schedule_review")
def schedule_review(sender: type, *, user: User, step_id: int, status: str, **kwargs: Any) -> None:
    """A step marked done gets a review (see plans.reviews.schedule)."""
    if status == StepProgress.Status.DONE:
        reviews.schedule(user=user, step_id=step_id, done_at=kwargs["when"])
