"""The task queue's state (for /healthz) and its upkeep (for `manage.py db_worker`)."""

import logging
from datetime import timedelta

from django.db.models import Case, F, Min, When
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

#: /healthz says the queue is degraded when a ready task has waited longer than this.
DEGRADED_AFTER = timedelta(minutes=15)


def oldest_ready_age() -> timedelta:
    """How long the task that has been ready the longest has waited (zero for none):
    since it was enqueued, or since its `run_after` for one that was deferred."""
    ready_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
    )
    oldest = DBTaskResult.objects.ready().aggregate(oldest=Min(ready_since))["oldest"]
    return max(timezone.now() - oldest, timedelta(0)) if oldest else timedelta(0)


def queue_state() -> str:
    """`ok` or `degraded`, and the oldest ready task's age: /healthz's queue line."""
    age = oldest_ready_age()
    state = "degraded" if age > DEGRADED_AFTER else "ok"
    return f"{state} (oldest ready task {int(age.total_seconds())} s)"


def requeue_stale_tasks(running_timeout: float) -> int:
    """Make tasks that have been running longer than `running_timeout` seconds ready
    again: their worker died (killed, machine lost) before recording an outcome."""
    cutoff = timezone.now() - timedelta(seconds=running_timeout)
    stale = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    count = stale.update(status=TaskResultStatus.READY)
    if count:
        logger.warning("Requeued %d task(s) left running by a worker that stopped.", count)
    return count
