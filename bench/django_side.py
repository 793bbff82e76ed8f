"""The benchmark's Django-side steps, run in the benchmark's environment.

    python bench/django_side.py learner       -> JSON: a signed-in learner's cookies and URLs
    python bench/django_side.py fill USERS ROWS -> fills the database with learners and progress
    python bench/django_side.py plans         -> EXPLAIN ANALYZE of the learner pages' queries

`fill` writes with set-based SQL (generate_series), never row by row through the
ORM: 2,000,000 rows take seconds, not hours. Each progress row also gets its
activity event, as the app would have logged it.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_site.settings")

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from plans.models import Plan  # noqa: E402
from progress import services  # noqa: E402
from progress.models import StepProgress  # noqa: E402
from roadmap.models import Step  # noqa: E402

LEARNER = "bench-learner"
CSRF_SECRET = "benchcsrfsecret0123456789abcdefA"  # 32 characters: a valid unmasked token


def _learner():
    user, created = get_user_model().objects.get_or_create(
        username=LEARNER, defaults={"email": f"{LEARNER}@example.org"}
    )
    if created:
        user.set_password("bench-password-not-secret")
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        steps = list(Step.objects.published().in_roadmap_order()[:12])
        for step in steps[:8]:
            services.progress_set(user=user, step=step, status=StepProgress.Status.DONE)
        for step in steps[8:]:
            services.progress_set(user=user, step=step, status=StepProgress.Status.IN_PROGRESS)
    # A plan, so that /plan/ shows all it can: the figures, this week's steps, the settled.
    Plan.objects.update_or_create(user=user, defaults={"hours_per_week": 8})
    return user


def learner() -> dict:
    """Sign the benchmark learner in (a real session, in the shared store) and name the URLs."""
    user = _learner()
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    step = Step.objects.published().select_related("stage").in_roadmap_order()[20]
    return {
        "session_cookie": f"{name}={client.cookies[name].value}",
        "csrf_secret": CSRF_SECRET,
        "csrf_cookie": f"{settings.CSRF_COOKIE_NAME}={CSRF_SECRET}",
        "stage_url": step.stage.get_absolute_url(),
        "step_url": step.get_absolute_url(),
        "status_url": f"{step.get_absolute_url()}status/",
        "tick_url": f"{step.get_absolute_url()}checkpoints/{step.checkpoints.first().pk}/",
        "naive_post_url": f"/bench/naive/{step.pk}/",
    }


def fill(users: int, rows: int) -> dict:
    """Add `users` learners and `rows` progress rows (spread evenly) with set-based SQL."""
    step_ids = list(Step.objects.values_list("pk", flat=True))
    per_user = min(len(step_ids), -(-rows // users))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,
                                   email, is_staff, is_active, date_joined)
            SELECT '!', false, 'scale-' || n, '', '', 'scale-' || n || '@example.org',
                   false, true, now() - (n || ' minutes')::interval
            FROM generate_series(1, %s) AS n
            """,
            [users],
        )
        cursor.execute(
            """
            WITH learners AS (
                SELECT id, row_number() OVER (ORDER BY id) AS k FROM auth_user
                WHERE username LIKE 'scale-%%'
            ), steps AS (
                SELECT id, row_number() OVER (ORDER BY id) AS j FROM roadmap_step
            )
            INSERT INTO roadmap_stepprogress (user_id, step_id, status, created_at, updated_at)
            SELECT l.id, s.id,
                   (ARRAY['done', 'in_progress', 'skipped'])[1 + (l.k + s.j) %% 3],
                   now() - ((l.k + s.j) || ' minutes')::interval,
                   now() - ((l.k + s.j) || ' minutes')::interval
            FROM learners l JOIN steps s ON s.j <= %s
            ORDER BY l.id
            LIMIT %s
            """,
            [per_user, rows],
        )
        # Each of those statuses was a change: its activity event, as the app logs it
        # (the dashboard's calendar reads these, so they must be at scale too).
        cursor.execute(
            """
            INSERT INTO roadmap_progressevent (user_id, step_id, status, created_at)
            SELECT p.user_id, p.step_id, p.status, p.updated_at
            FROM roadmap_stepprogress p JOIN auth_user u ON u.id = p.user_id
            WHERE u.username LIKE 'scale-%%'
            """
        )
        # What autovacuum would do soon after such an insert (and what a live
        # database has long done): run it now, not under the measurement.
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("SELECT count(*) FROM auth_user")
        total_users = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM roadmap_stepprogress")
        total_rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM roadmap_progressevent")
        total_events = cursor.fetchone()[0]
    return {"users": total_users, "progress_rows": total_rows, "events": total_events}


def plans() -> str:
    """EXPLAIN ANALYZE every query the learner's /, stage, step, /progress/ and /plan/
    pages run."""
    info = learner()
    client = Client()
    client.force_login(_learner())
    out = []
    for url in ("/", info["stage_url"], info["step_url"], "/progress/", "/plan/"):
        with CaptureQueriesContext(connection) as queries:
            client.get(url, HTTP_HOST="127.0.0.1")
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            out.append(f"-- {url}\n{sql}\n{plan}\n")
    return "\n".join(out)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "learner":
        print(json.dumps(learner()))
    elif command == "fill":
        print(json.dumps(fill(int(args[0]), int(args[1]))))
    elif command == "plans":
        print(plans())
    else:
        sys.exit(f"unknown command {command!r}")
