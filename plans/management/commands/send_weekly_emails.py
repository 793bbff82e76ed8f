"""`manage.py send_weekly_emails`: enqueue every weekly email due now. Run it hourly
(cron or a systemd timer, docs/deploying.md); running it twice sends nothing twice."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from plans import tasks, weekly


class Command(BaseCommand):
    help = "Enqueue the weekly emails due now, one task per batch of learners."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="Take every opted-in learner's chosen weekday and hour as come.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=weekly.BATCH_SIZE,
            help=f"Learners looked at per batch (default {weekly.BATCH_SIZE}).",
        )

    def handle(self, **options: Any) -> None:
        now = timezone.now()
        learners = batches = 0
        for user_ids in weekly.due_batches(
            now=now, force=options["now"], size=max(options["batch_size"], 1)
        ):
            if user_ids:
                tasks.send_weekly_emails.using(priority=weekly.BATCH_PRIORITY).enqueue(
                    user_ids=user_ids, now=now.isoformat()
                )
                learners += len(user_ids)
                batches += 1
        self.stdout.write(
            f"Enqueued the weekly emails of {learners} learner(s) in {batches} task(s)."
        )
