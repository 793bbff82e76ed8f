"""The weekly email with real processes on PostgreSQL: `manage.py send_weekly_emails` run
twice at once, two `manage.py db_worker` workers, one of them killed in the middle of a
batch, and an SMTP server of the test's own (aiosmtpd, on loopback).

1,000 opted-in learners get exactly one email each: the killed worker's batch, half done,
is run again by the other, and the unique "sent this week" row, committed with each
email's task, turns every repeat into a skip.
"""

import datetime as dt
import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import psycopg
import pytest

from tests.live_servers import ROOT, Site, own_database, shared_static_root
from tests.mail_support import SmtpSink, free_port, mail_env, start_worker, stop

# Real processes on PostgreSQL: run once, on PostgreSQL, in CI.
pytestmark = pytest.mark.slow

LEARNERS = 1000
BATCH = 100
#: Seconds after which a task still marked running is run again (TASKS_RUNNING_TIMEOUT):
#: far longer than a worker waits at HELD, so no task is run again before the test says.
RUNNING_TIMEOUT = 300
#: The learner whose row the test holds: mid-batch, in the sixth batch of each run.
HELD = 550

LEARNERS_CODE = f"""
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from plans.models import Plan
users = User.objects.bulk_create(
    User(username=f"learner{{n}}", email=f"learner{{n}}@example.com", password="!")
    for n in range({LEARNERS})
)
EmailAddress.objects.bulk_create(
    EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
)
Plan.objects.bulk_create(Plan(user=u, hours_per_week=5, weekly_email=True) for u in users)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(database=own_database("roadmap_weekly"), static_root=shared_static_root())
    site.env.update(
        mail_env(free_port(), TASKS_RUNNING_TIMEOUT=str(RUNNING_TIMEOUT)),
        SITE_URL="https://roadmap.example",
    )
    site.create()
    site.logs = tmp_path_factory.mktemp("weekly-logs")
    try:
        yield site
    finally:
        site.drop()


def command(site: Site) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "send_weekly_emails", "--now", "--batch-size", str(BATCH)],
        cwd=ROOT,
        env=site.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def waiting_on_locks(db: psycopg.Connection, database: str) -> int:
    return db.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
        [database],
    ).fetchone()[0]


def queue(db: psycopg.Connection) -> dict[str, int]:
    rows = db.execute(
        "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
    )
    return dict(rows.fetchall())


def wait_until(check, timeout: float, message) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, message()
        time.sleep(0.05)


def test_1000_learners_get_one_email_each_with_two_runs_and_a_worker_killed_mid_batch(site):
    site.python(LEARNERS_CODE)
    sink = SmtpSink().start()
    env = {"EMAIL_PORT": str(sink.port)}
    db = psycopg.connect(site.database_url, autocommit=True)
    holder = psycopg.connect(site.database_url)  # a transaction left open
    # The learner HELD's row for this week, inserted and not committed: whichever worker
    # reaches HELD waits there, in the middle of a batch, the learners before committed.
    week = dt.datetime.now(dt.UTC).date()
    week -= dt.timedelta(days=week.weekday())
    holder.execute(
        "INSERT INTO plans_sentweeklyemail (user_id, week, created_at) "
        "SELECT id, %s, now() FROM auth_user WHERE username = %s",
        [week, f"learner{HELD}"],
    )
    doomed = survivor = None
    try:
        runs = [command(site), command(site)]  # two machines' cron, at the same moment
        for run in runs:
            out, err = run.communicate(timeout=60)
            assert run.returncode == 0, err
        batches = LEARNERS // BATCH
        assert "in 10 task(s)" in out
        assert queue(db) == {"READY": 2 * batches}

        doomed = start_worker(site, "doomed", log=site.logs / "doomed.log", **env)
        survivor = start_worker(site, "survivor", log=site.logs / "survivor.log", **env)
        # Both runs' sixth batch hold HELD: each worker ends up waiting at HELD in one.
        wait_until(
            lambda: waiting_on_locks(db, site.database) == 2,
            timeout=240,
            message=lambda: f"{waiting_on_locks(db, site.database)} waiting; {queue(db)}",
        )
        [doomed_task] = db.execute(
            "SELECT id FROM django_tasks_database_dbtaskresult "
            "WHERE status = 'RUNNING' AND worker_ids ->> -1 = 'doomed'"
        ).fetchall()
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait()
        # What waiting TASKS_RUNNING_TIMEOUT would do: the survivor runs it again.
        db.execute(
            "UPDATE django_tasks_database_dbtaskresult "
            "SET started_at = now() - interval '1 hour' WHERE id = %s",
            doomed_task,
        )
        holder.rollback()  # HELD's row was never sent: the survivor sends it

        wait_until(
            lambda: len(sink.received) >= LEARNERS and set(queue(db)) == {"SUCCESSFUL"},
            timeout=240,
            message=lambda: f"{len(sink.received)} received; {queue(db)}",
        )
    finally:
        if survivor:
            stop(survivor)
        if doomed:
            doomed.kill()
        sink.stop()
        holder.close()

    # The killed worker's batch was run again to the end, by the survivor.
    [(worker_ids,)] = db.execute(
        "SELECT worker_ids FROM django_tasks_database_dbtaskresult WHERE id = %s", doomed_task
    ).fetchall()
    assert worker_ids == ["doomed", "survivor"]
    sent = db.execute("SELECT count(*) FROM plans_sentweeklyemail").fetchone()[0]
    db.close()
    received = Counter(address for to, _ in sink.received for address in to)
    assert received == Counter({f"learner{n}@example.com": 1 for n in range(LEARNERS)})
    assert sent == LEARNERS
    message = email.message_from_bytes(sink.received[0][1], policy=email.policy.default)
    assert message["List-Unsubscribe"].startswith("<https://roadmap.example/plan/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
