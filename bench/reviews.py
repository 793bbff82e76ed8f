"""What scheduling reviews costs the status POST: `make bench` runs it after the pages
(or `.venv/bin/python bench/reviews.py`). Issue 23 allows at most 10%.

A step marked done gets a review (plans/receivers.py, on progress's `status_changed`):
one INSERT that a conflict turns into nothing. This times the learner's status POST,
as the page's script sends it (JSON back), in one process on a PostgreSQL database of
its own (made afresh, migrated and seeded), cycling every published step through done,
in progress and skipped: ROUNDS rounds of POSTS requests each, with the receiver
connected and disconnected in turn, so that both see the same machine. It prints the
median time per POST of each and their ratio, and exits non-zero above 1.10.

Environment: BENCH_PG (default postgres://postgres@127.0.0.1:5432), BENCH_POSTS
(default 600), BENCH_ROUNDS (default 7).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = os.getenv("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "roadmap_bench_reviews"
POSTS = int(os.getenv("BENCH_POSTS", "600"))
ROUNDS = int(os.getenv("BENCH_ROUNDS", "7"))
LIMIT = 1.10
STATUSES = ("done", "in_progress", "skipped")

os.environ.update(
    DATABASE_URL=f"{PG}/{DATABASE}",
    DEBUG="false",
    SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdefghij",
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="false",
    LOG_LEVEL="WARNING",
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_site.settings")


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def main() -> int:
    fresh_database()
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from plans.receivers import schedule_review
    from progress.services import status_changed
    from roadmap.models import Step

    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)
    learner = User.objects.create_user("bench-learner", "bench@example.com", "!")
    client = Client(HTTP_ACCEPT="application/json")
    client.force_login(learner)
    urls = [f"{step.get_absolute_url()}status/" for step in Step.objects.published()]
    n = 0

    def one_round() -> float:
        nonlocal n
        started = time.perf_counter()
        for _ in range(POSTS):
            response = client.post(urls[n % len(urls)], {"status": STATUSES[n % 3]})
            if response.status_code != 200:
                sys.exit(f"The status POST answered {response.status_code}")
            n += 1
        return (time.perf_counter() - started) / POSTS * 1000

    one_round()  # warm up: imports, templates, the first review of every step
    timings: dict[str, list[float]] = {"with reviews": [], "without": []}
    for _ in range(ROUNDS):
        timings["with reviews"].append(one_round())
        status_changed.disconnect(dispatch_uid="plans.schedule_review")
        try:
            timings["without"].append(one_round())
        finally:
            status_changed.connect(schedule_review, dispatch_uid="plans.schedule_review")

    with_reviews = statistics.median(timings["with reviews"])
    without = statistics.median(timings["without"])
    ratio = with_reviews / without
    print(f"status POST, {ROUNDS} rounds of {POSTS} (median ms per POST, in process):")
    print(f"  with review scheduling    {with_reviews:6.2f} ms")
    print(f"  without (receiver off)    {without:6.2f} ms")
    print(f"  cost of scheduling        {ratio:6.3f}x (target <= {LIMIT})")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
