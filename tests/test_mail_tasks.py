"""All mail goes through a task (roadmap_site/mail.py, roadmap_site/tasks.py).

The test settings send mail straight to Django's outbox; these tests put the queue
back in front of it ("default" queues, "outgoing" sends), as the site has it.
"""

import itertools
import re
import signal
import socket
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from roadmap_site import mail as site_mail
from roadmap_site.tasks import EmailNotSent, send_email
from tests.support import sign_up

LOCMEM = {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
QUEUED = {"BACKEND": "roadmap_site.mail.QueuedEmailBackend"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued_mail(settings):
    """The site's mail set-up, the outgoing mailer being the test outbox."""
    settings.MAILERS = {"default": QUEUED, "outgoing": LOCMEM}


@pytest.fixture
def database_tasks(settings, queued_mail):
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def closed_port():
    """A loopback port where nothing listens: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def smtp_refusing(settings, closed_port):
    settings.MAILERS = {
        "default": QUEUED,
        "outgoing": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port, "use_tls": False, "timeout": 5},
        },
    }


@pytest.fixture
def worker_signals(monkeypatch):
    """The worker, run in this process: it sets SIGINT/SIGTERM handlers of its own (give
    pytest its own back), and closes a connection left in a transaction, as the test's
    is (leave it open)."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def message(to: str = "dora@example.com") -> dict:
    return site_mail.message_as_dict(mail.EmailMessage("Hello", "Body", to=[to]))


def queued(**filters) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=send_email.module_path, **filters))


# ---------------------------------------------------------------- immediate (the default)


def test_immediate_default_prints_the_email_at_once_as_before(
    client, db, settings, capsys, caplog, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": QUEUED,
        "outgoing": {"BACKEND": "roadmap_site.mail.ReadableConsoleEmailBackend"},
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)

    assert response.status_code == 302
    printed = capsys.readouterr().out
    assert printed.startswith(
        "From: Python Backend Roadmap <noreply@localhost>\nTo: dora@example.com\n"
    )
    assert "\nSubject: [Python Backend Roadmap] Confirm" in printed
    assert re.search(r"\nhttps?://\S+/accounts/confirm-email/\S+/\n", printed)  # whole, clickable
    assert printed.endswith("-" * 79 + "\n")
    assert not DBTaskResult.objects.exists()
    assert "state=RUNNING" not in caplog.text  # no task chatter in `make run`'s console


def test_immediate_send_keeps_every_part_of_the_message(
    db, queued_mail, django_capture_on_commit_callbacks
):
    original = mail.EmailMultiAlternatives(
        "Subject", "Text", "from@example.com", ["to@example.com"],
        cc=["cc@example.com"], reply_to=["reply@example.com"], headers={"X-Tag": "t"},
    )  # fmt: skip
    original.attach_alternative("<p>HTML</p>", "text/html")

    with django_capture_on_commit_callbacks(execute=True):
        assert mail.mailers.default.send_messages([original]) == 1

    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.from_email) == ("Subject", "Text", "from@example.com")
    assert (sent.to, sent.cc, sent.reply_to) == (
        ["to@example.com"],
        ["cc@example.com"],
        ["reply@example.com"],
    )
    assert sent.extra_headers == {"X-Tag": "t"}
    assert sent.alternatives == [("<p>HTML</p>", "text/html")]


def test_a_rolled_back_request_sends_nothing(db, queued_mail, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mail.send_mail("Hello", "Body", None, ["dora@example.com"])

    assert len(callbacks) == 1  # waits for the commit
    assert mail.outbox == []


def test_immediate_sign_up_still_answers_when_smtp_refuses(
    client, db, smtp_refusing, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)

    assert response.status_code == 302
    assert "failed (try 1): ConnectionRefusedError" in caplog.text


# ---------------------------------------------------------------- the database queue


def test_sign_up_with_smtp_down_answers_fast_and_queues_the_email(
    client, db, settings, smtp_refusing, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert elapsed < 1
    [task] = queued(status=TaskResultStatus.READY)
    assert task.args_kwargs["kwargs"]["message"]["to"] == ["dora@example.com"]
    assert "/accounts/confirm-email/" in task.args_kwargs["kwargs"]["message"]["body"]


def test_the_worker_sends_a_queued_email(db, database_tasks, worker_signals):
    send_email.enqueue(message=message())

    run_worker()

    [sent] = mail.outbox
    assert sent.to == ["dora@example.com"]
    [task] = queued()
    assert (task.status, task.return_value) == (TaskResultStatus.SUCCESSFUL, "sent")


def test_a_failed_send_is_tried_again_later(db, settings, smtp_refusing, worker_signals):
    settings.TASKS = DATABASE_TASKS
    send_email.enqueue(message=message())

    run_worker()

    [first] = queued(status=TaskResultStatus.SUCCESSFUL)
    assert first.return_value.startswith("try 1 failed (ConnectionRefusedError")
    [retry] = queued(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    wait = retry.run_after - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)


def test_retries_wait_longer_each_time_and_span_a_day():
    delays = [site_mail.retry_delay(attempt) for attempt in range(1, site_mail.MAX_ATTEMPTS)]

    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert all(a <= b for a, b in itertools.pairwise(delays))
    assert timedelta(hours=24) <= sum(delays, timedelta()) < timedelta(hours=26)


@pytest.mark.parametrize("attempt", [2, 7, 13])
def test_each_retry_schedules_the_next_with_its_delay(db, database_tasks, attempt, monkeypatch):
    monkeypatch.setattr(site_mail, "send_now", _refuse)

    send_email.call(message=message(), attempt=attempt)

    [retry] = queued(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"]["attempt"] == attempt + 1
    expected = timezone.now() + site_mail.retry_delay(attempt)
    assert abs(retry.run_after - expected) < timedelta(seconds=5)


def test_after_the_last_try_it_fails_with_the_reason_logged(
    db, database_tasks, monkeypatch, caplog, worker_signals
):
    monkeypatch.setattr(site_mail, "send_now", _refuse)
    send_email.enqueue(message=message(), attempt=site_mail.MAX_ATTEMPTS)

    run_worker()

    [task] = queued()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "roadmap_site.tasks.EmailNotSent"
    assert "failed after 14 tries: ConnectionRefusedError" in task.traceback
    assert "to dora@example.com failed (try 14): ConnectionRefusedError" in caplog.text
    with pytest.raises(EmailNotSent):
        send_email.call(message=message(), attempt=site_mail.MAX_ATTEMPTS)


def test_a_task_left_running_by_a_dead_worker_runs_again(
    db, database_tasks, worker_signals, settings
):
    result = send_email.enqueue(message=message())
    stale = DBTaskResult.objects.get(pk=result.id)
    stale.claim("a-worker-that-was-killed")
    DBTaskResult.objects.filter(pk=stale.pk).update(
        started_at=timezone.now() - timedelta(seconds=settings.TASKS_RUNNING_TIMEOUT + 1)
    )
    fresh = DBTaskResult.objects.get(pk=send_email.enqueue(message=message("eve@example.com")).id)
    fresh.claim("a-worker-still-sending")

    run_worker()

    assert [m.to for m in mail.outbox] == [["dora@example.com"]]
    stale.refresh_from_db()
    assert stale.status == TaskResultStatus.SUCCESSFUL
    assert stale.worker_ids[0] == "a-worker-that-was-killed" and len(stale.worker_ids) == 2
    fresh.refresh_from_db()
    assert fresh.status == TaskResultStatus.RUNNING  # its worker may still be on it


@pytest.mark.parametrize("emails", [1, 5])
def test_queries_per_email_are_constant(db, database_tasks, worker_signals, emails):
    with CaptureQueriesContext(connection) as enqueueing:
        for n in range(emails):
            send_email.enqueue(message=message(f"learner{n}@example.com"))
    with CaptureQueriesContext(connection) as working:
        run_worker()

    assert len(mail.outbox) == emails
    assert len(enqueueing) == emails  # one INSERT each
    # Per email: claim it (SELECT ... FOR UPDATE SKIP LOCKED, UPDATE, in a transaction:
    # a savepoint and its release inside the test's) and record the outcome (UPDATE).
    # Then two rounds' upkeep: requeue stale tasks (UPDATE), look for more (SELECT).
    per_email = 3 + 2
    assert len(working) == per_email * emails + 2 * (1 + 1 + 2)


def _refuse(values):
    raise ConnectionRefusedError(111, "Connection refused")


# ---------------------------------------------------------------- health, admin, accounts


def _ready_task(age: timedelta, run_after=None) -> None:
    result = send_email.using(run_after=run_after).enqueue(message=message())
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - age)


def test_healthz_reports_the_oldest_ready_task(client, db, database_tasks):
    _ready_task(timedelta(minutes=5))
    _ready_task(timedelta(hours=2), run_after=timezone.now() + timedelta(minutes=1))  # not yet

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content.decode().endswith("\nqueue: ok (oldest ready task 300 s)\n")


def test_healthz_says_degraded_past_15_minutes_and_stays_200(client, db, database_tasks):
    _ready_task(timedelta(minutes=16))
    _ready_task(timedelta(hours=3), run_after=timezone.now() - timedelta(minutes=20))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content.decode().endswith("\nqueue: degraded (oldest ready task 1200 s)\n")


def test_superusers_see_task_results_in_the_admin(client, superuser, database_tasks):
    send_email.enqueue(message=message())
    client.force_login(superuser)

    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 200
    assert "Task Results" in client.get("/admin/").content.decode()


def test_editors_do_not(client, charlie, database_tasks):
    client.force_login(charlie)

    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 403
    assert "Task Results" not in client.get("/admin/").content.decode()


def test_deleting_an_account_drops_the_email_queued_for_it(db, database_tasks, alice, bob):
    send_email.enqueue(message=message(alice.email))
    send_email.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(
        message=message(alice.email.upper()), attempt=5
    )
    send_email.enqueue(message=message(bob.email))
    send_email.enqueue(message=message(f"x{alice.email}"))  # another address that contains it

    alice.delete()

    left = [task.args_kwargs["kwargs"]["message"]["to"] for task in queued()]
    assert sorted(left) == [[bob.email], [f"x{alice.email}"]]
