"""The weekly email's benchmark: `make bench` runs it after the mail queue's (or
`.venv/bin/python bench/weekly.py`).

On a PostgreSQL database of its own (TASKS_BACKEND=database), with LEARNERS opted-in
learners (default 10,000) and a local SMTP sink (aiosmtpd, on loopback):

* `manage.py send_weekly_emails --now`: its wall time and peak memory (the process's
  maximum resident set), first with a tenth of the learners, then with all of them, so
  that memory staying flat shows the batches bound it;
* its queries per batch (the same run in a shell, counted with CaptureQueriesContext);
* what two `db_worker` processes then do in WORKER_SECONDS: weekly emails built (the
  batch tasks: each learner's "sent" row and email task) and emails delivered to the sink.

Environment: BENCH_WEEKLY_LEARNERS (default 10000), BENCH_PG (default
postgres://postgres@127.0.0.1:5432).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("LIVE_PG", os.getenv("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))

from bench.mail import write_results  # noqa: E402
from tests.live_servers import Site  # noqa: E402
from tests.mail_support import SmtpSink, mail_env, start_worker, stop  # noqa: E402

LEARNERS = int(os.getenv("BENCH_WEEKLY_LEARNERS", "10000"))
WORKER_SECONDS = 30

ADD_LEARNERS = """
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from plans.models import Plan
start = User.objects.count()
users = User.objects.bulk_create(
    User(username=f"learner{{n}}", email=f"learner{{n}}@example.com", password="!")
    for n in range(start, start + {count})
)
EmailAddress.objects.bulk_create(
    EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
)
Plan.objects.bulk_create(Plan(user=u, hours_per_week=5, weekly_email=True) for u in users)
"""
CLEAR_QUEUE = "from django_tasks_db.models import DBTaskResult\nDBTaskResult.objects.all().delete()"
QUERIES_PER_BATCH = """
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from plans import weekly
with CaptureQueriesContext(connection) as queries:
    call_command("send_weekly_emails", "--now", stdout=open("/dev/null", "w"))
batches = DBTaskResult.objects.count()
print(len(queries), batches, weekly.BATCH_SIZE)
"""
PROGRESS = """
from django_tasks_db.models import DBTaskResult
from plans.models import SentWeeklyEmail
print(SentWeeklyEmail.objects.count())
"""


def timed_command(site: Site) -> tuple[float, int]:
    """`send_weekly_emails --now`'s wall time (s) and peak memory (MiB)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "send_weekly_emails", "--now"],
        cwd=ROOT,
        env=site.env,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"send_weekly_emails exited with {process.returncode}")
    return elapsed, usage.ru_maxrss // 1024


def main() -> int:
    sink = SmtpSink().start()
    site = Site(database="roadmap_bench_weekly", static_root=Path(tempfile.mkdtemp()))
    site.env.update(mail_env(sink.port), LOG_LEVEL="ERROR", SITE_URL="https://roadmap.example")
    print("Seeding roadmap_bench_weekly")
    site.create()
    lines = []
    try:
        tenth = LEARNERS // 10
        for count, added in ((tenth, tenth), (LEARNERS, LEARNERS - tenth)):
            site.python(ADD_LEARNERS.format(count=added))
            site.python(CLEAR_QUEUE)
            seconds, mib = timed_command(site)
            lines.append(
                f"send_weekly_emails --now, {count} learners: {seconds:.2f} s, "
                f"peak memory {mib} MiB (the process, Django included)"
            )
            print(lines[-1])
        site.python(CLEAR_QUEUE)
        queries, batches, size = map(int, site.python(QUERIES_PER_BATCH).split())
        lines.append(
            f"queries: {queries} for {batches} batches of up to {size} learners "
            f"({(queries - 1) / batches:.0f} a batch, and one to find the end)"
        )
        print(lines[-1])
        workers = [start_worker(site, f"bench{n}") for n in range(2)]
        try:
            time.sleep(WORKER_SECONDS)
        finally:
            for worker in workers:
                stop(worker)
        built = int(site.python(PROGRESS))
        delivered = len(sink.received)
        lines.append(
            f"two workers, {WORKER_SECONDS} s (start-up included): {built / WORKER_SECONDS:.0f} "
            f"weekly emails built/s, {delivered / WORKER_SECONDS:.0f} delivered/s"
        )
        print(lines[-1])
    finally:
        sink.stop()
        site.drop()
    write_results("weekly.txt", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
