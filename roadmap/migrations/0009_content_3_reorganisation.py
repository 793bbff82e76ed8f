"""Content 3.0 (issue 25): what `seed --force` cannot do by itself over an existing database.

Loading fixtures finds a step by (stage slug, step slug) and never deletes, so this migration
does to existing rows first what the new fixtures assume, keeping every learner's data:

- Two steps move: `automated-testing` comes before the CRUD project that now needs tests, and
  `caching-and-background-jobs` becomes `caching`. A step keeps its primary key, and with it
  progress, notes, projects and ticks.
- Two steps split: regular expressions, logging and dates leave `intermediate-python`, and
  background jobs leave `caching`. The new step is created here, takes the self-checks that
  moved with their ticks, and gets a copy of each learner's status on the step it came from
  (whoever finished the whole step finished its half). Notes and projects stay where they were.
- Self-checks that could not be ticked by a learner alone, or that now repeat another step, are
  retired with their ticks; course links the new fixtures drop, and the 2016 course, are retired
  as Content 2.0 did.

Then `migrate` followed by `seed --force` fills in the new steps' text and updates the rest in place.
"""

import importlib

from django.db import migrations

content_2 = importlib.import_module("roadmap.migrations.0005_content_2_reorganisation")

PF, BF, SA, SJ = (
    "python-fundamentals",
    "backend-frameworks",
    "servers-apis-devops",
    "skills-and-jobs",
)

# (stage, slug) before -> (stage, slug) after
MOVES = {
    (SA, "automated-testing"): (BF, "automated-testing"),
    (SA, "caching-and-background-jobs"): (SA, "caching"),
}

# (stage, step after the moves, new step, its title, the slugs of the self-checks that go with it)
SPLITS = [
    (
        PF,
        "intermediate-python",
        "regex-logging-and-dates",
        "Regular expressions, logging and dates",
        [
            "extract-fields-from-text-with-a-regular-expression-that-uses",
            "convert-an-aware-utc-datetime-to-another-time-zone-with",
        ],
    ),
    (
        SA,
        "caching",
        "background-jobs",
        "Background jobs: Celery and Django's tasks framework",
        ["move-a-slow-task-such-as-sending-email-into-a-background"],
    ),
]

# (stage, step, self-check slug): repeats another step, or needs other people to tick
RETIRED_CHECKPOINTS = [
    (SA, "rest-apis", "explain-the-parts-of-an-http-request-and-response-method-url"),
    (SJ, "clean-code-and-review", "respond-to-review-feedback-without-taking-it-personally"),
    (SJ, "applying-for-jobs", "compare-an-offers-salary-learning-opportunities-and"),
    (SJ, "applying-for-jobs", "get-referrals-or-introductions-through-meetups"),
]

# (stage, step, course) after the moves: replaced by a better fit, or moved to a split step
RETIRED_LINKS = [
    (PF, "syntax-and-types", "python-tutorial"),
    (PF, "control-flow", "python-tutorial"),
    (PF, "functions", "python-tutorial"),
    (BF, "django-templates-forms", "django-tutorial"),
    ("frontend-basics", "html", "html-css-js-for-web-developers"),
    (PF, "intermediate-python", "python-regex-howto"),
    (PF, "intermediate-python", "python-zoneinfo"),
    (PF, "intermediate-python", "python-logging-howto"),
    (BF, "automated-testing", "pytest-getting-started"),
    (SA, "caching", "django-tasks"),
    (SA, "caching", "celery-first-steps"),
]
RETIRED_COURSES = ["html-css-js-for-web-developers"]


def split_steps(apps) -> None:
    Step = apps.get_model("roadmap", "Step")
    Checkpoint = apps.get_model("roadmap", "Checkpoint")
    StepProgress = apps.get_model("progress", "StepProgress")
    for stage, slug, new_slug, title, checkpoints in SPLITS:
        source = Step.objects.filter(stage__slug=stage, slug=slug).first()
        if source is None or Step.objects.filter(stage=source.stage, slug=new_slug).exists():
            continue  # never seeded here, already split, or an editor's step holds the place
        new = Step.objects.create(
            stage=source.stage,
            slug=new_slug,
            title=title,
            position=source.position,
            is_optional=source.is_optional,
            is_published=source.is_published,
        )
        Checkpoint.objects.filter(step=source, slug__in=checkpoints).update(step=new)
        StepProgress.objects.bulk_create(
            StepProgress(user_id=progress.user_id, step=new, status=progress.status)
            for progress in StepProgress.objects.filter(step=source)
        )


def retire_checkpoints(apps) -> None:
    Checkpoint = apps.get_model("roadmap", "Checkpoint")
    for stage, step, slug in RETIRED_CHECKPOINTS:
        Checkpoint.objects.filter(step__stage__slug=stage, step__slug=step, slug=slug).delete()


def forwards(apps, schema_editor) -> None:
    content_2.move_steps(apps, MOVES)
    split_steps(apps)
    retire_checkpoints(apps)
    content_2.retire_courses(apps, RETIRED_LINKS, RETIRED_COURSES)


def backwards(apps, schema_editor) -> None:
    """Moves the steps back. The split steps stay, with their self-checks, ticks and progress
    (the old fixtures never mention them, so nothing is lost); what was retired stays retired."""
    content_2.move_steps(apps, {after: before for before, after in MOVES.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0008_checkpoints_from_step_bodies"),
        ("courses", "0003_editors_review_learner_input"),
        ("progress", "0003_checkpoint_ticks"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
