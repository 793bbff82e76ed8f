"""The mail benchmark: `make bench` runs it after the pages (or `.venv/bin/python bench/mail.py`).

On a PostgreSQL database of its own, with a local SMTP sink (aiosmtpd, on loopback):

* emails per second that one `db_worker` sends, then two (EMAILS queued each time,
  timed from the workers' start to the last email received; a worker's start-up,
  about a second, is in the time);
* sign-up's time (the POST, median of SIGNUPS) with the email enqueued
  (TASKS_BACKEND=database, as in production) against sending it inside the request
  (TASKS_BACKEND=immediate, which is what every sign-up did before the queue), with
  SMTP up and with SMTP hanging (a port that accepts and never answers; EMAIL_TIMEOUT=5).

Sign-up is limited to 20 a minute per address (allauth): each series stays under
that and the limits are cleared between series. Environment: BENCH_EMAILS (default
1000), BENCH_PG (default postgres://postgres@127.0.0.1:5432).
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("LIVE_PG", os.getenv("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))

from tests.live_servers import Browser, Site, bound_socket  # noqa: E402
from tests.mail_support import SmtpSink, enqueue_emails, mail_env, start_worker, stop  # noqa: E402

EMAILS = int(os.getenv("BENCH_EMAILS", "1000"))
SIGNUPS = 8
PASSWORD = "a-long-and-unusual-benchmark-passphrase"


def emails_per_second(site: Site, sink: SmtpSink, workers: int) -> float:
    site.python(
        "from django_tasks_db.models import DBTaskResult\nDBTaskResult.objects.all().delete()"
    )
    sink.received.clear()
    enqueue_emails(site, EMAILS)
    started = time.monotonic()
    processes = [start_worker(site, f"bench{n}") for n in range(workers)]
    try:
        sink.wait_for(EMAILS, timeout=600)
        return EMAILS / (time.monotonic() - started)
    finally:
        for process in processes:
            stop(process)


def sign_up_seconds(site: Site, env: dict, label: str) -> float:
    site.python("from django.core.cache import cache\ncache.clear()")  # allauth's limits
    server = site.start(env=env)
    times = []
    try:
        for n in range(SIGNUPS):
            browser = Browser()
            browser.get(f"{server.url}/accounts/signup/")
            fields = {
                "email": f"{label}-{n}-{time.time_ns()}@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "csrfmiddlewaretoken": browser.csrf_token(),
            }
            started = time.monotonic()
            answer = browser.post(f"{server.url}/accounts/signup/", fields)
            times.append(time.monotonic() - started)
            if answer.status != 302:
                sys.exit(f"{label}: sign-up answered {answer.status}")
    finally:
        server.stop()
    return statistics.median(times)


def main() -> int:
    sink = SmtpSink().start()
    site = Site(database="roadmap_bench_mail", static_root=Path(tempfile.mkdtemp()))
    site.env.update(mail_env(sink.port), LOG_LEVEL="ERROR")
    print("Seeding roadmap_bench_mail")
    site.create()
    hanging = bound_socket()
    hanging.listen(64)  # accepts connections (the kernel does) and never answers
    hanging_port = str(hanging.getsockname()[1])
    lines = []
    try:
        for workers in (1, 2):
            rate = emails_per_second(site, sink, workers)
            lines.append(f"{workers} worker(s): {rate:.0f} emails/s ({EMAILS} emails)")
            print(lines[-1])
        series = [
            ("enqueued, SMTP up", {"TASKS_BACKEND": "database"}),
            ("inline, SMTP up", {"TASKS_BACKEND": "immediate"}),
            ("enqueued, SMTP hanging", {"TASKS_BACKEND": "database", "EMAIL_PORT": hanging_port}),
            ("inline, SMTP hanging", {"TASKS_BACKEND": "immediate", "EMAIL_PORT": hanging_port}),
        ]
        for label, env in series:
            seconds = sign_up_seconds(site, env, label.split(",")[0])
            lines.append(f"sign-up, {label}: {seconds * 1000:.0f} ms (median of {SIGNUPS})")
            print(lines[-1])
    finally:
        hanging.close()
        sink.stop()
        site.drop()
    write_results("mail.txt", lines)
    return 0


def write_results(name: str, lines: list[str]) -> None:
    """bench/results/`name`: the machine, then `lines`."""
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / name).write_text(f"machine: {os.cpu_count()} cores\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
