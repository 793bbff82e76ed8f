"""`manage.py db_worker`: django-tasks-db's worker, which also runs again the tasks of
a worker that died mid-run.

The library's worker marks a task RUNNING when it claims it and records the outcome
when it ends; a worker killed in between leaves the task RUNNING for ever, and an
email in it would never be sent. So this one runs the library's worker in rounds of
at most ROUND tasks (its --batch mode: a round also ends when the queue is empty), and
before each round makes ready again the tasks left RUNNING for longer than
TASKS_RUNNING_TIMEOUT (roadmap_site/task_queue.py).
"""

import threading
import time
from typing import Any

from django.conf import settings
from django.utils.autoreload import run_with_reloader
from django_tasks_db.management.commands import db_worker

from roadmap_site.task_queue import requeue_stale_tasks

#: Tasks one round runs at most, so stale tasks are looked for even on a busy queue.
ROUND = 100


class Worker(db_worker.Worker):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.ran = 0

    def run_task(self, db_task_result: Any) -> None:
        self.ran += 1
        super().run_task(db_task_result)


class Command(db_worker.Command):
    help = "Run queued tasks (django-tasks-db), and again those of a worker that died."

    def handle(self, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        if options["reload"] and not options["batch"]:
            # Development: the reloader runs the work in a thread, which cannot take
            # signals; Ctrl+C stops the process at once.
            run_with_reloader(self.work, **options)
        else:
            self.work(**options)

    def work(self, **options: Any) -> None:
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        left = options["max_tasks"]
        startup_delay = options["startup_delay"]
        while True:
            requeue_stale_tasks(settings.TASKS_RUNNING_TIMEOUT)
            worker = Worker(
                queue_names=queue_names,
                excluded_queue_names=excluded,
                interval=options["interval"],
                batch=True,
                backend_name=options["backend_name"],
                startup_delay=startup_delay,
                max_tasks=min(ROUND, left) if left is not None else ROUND,
                worker_id=options["worker_id"],
            )
            if threading.current_thread() is threading.main_thread():
                worker.configure_signals()  # SIGTERM lets the running task finish
            worker.run()
            startup_delay = False
            if left is not None:
                left -= worker.ran
            if not worker.running or left == 0 or (options["batch"] and not worker.ran):
                return
            if not worker.ran:
                time.sleep(options["interval"])
