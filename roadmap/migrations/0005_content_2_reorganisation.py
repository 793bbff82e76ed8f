"""Content 2.0 (issue 13): what `seed --force` cannot do by itself over an existing database.

`seed --force` finds a step by its natural key, (stage slug, step slug). Over a database
seeded before this change, the new fixtures would not find the three steps that moved to
another stage, nor the renamed one: they would create them a second time and leave the old
rows published where they were, with every learner's progress, notes and projects on them.
Moving the existing rows first lets `seed --force` update them in place; a step keeps its
primary key, and with it everything learners recorded on it.

Loading fixtures never deletes either, so the course links Content 2.0 drops, and the
outdated course it retires, are removed here.
"""

from django.db import migrations

# (stage, slug) before -> (stage, slug) after
MOVES = {
    ("backend-frameworks", "how-the-web-works"): ("frontend-basics", "how-the-web-works"),
    ("databases", "orms"): ("backend-frameworks", "orms"),
    ("databases", "migrations-and-modelling"): ("backend-frameworks", "migrations-and-modelling"),
    ("databases", "mysql"): ("databases", "postgresql-or-mysql"),
}

# (stage, step, course) after the moves: outdated for the step, or replaced by a better fit.
RETIRED_LINKS = [
    ("frontend-basics", "how-the-web-works", "cs50-web"),
    ("frontend-basics", "css", "html-css-js-for-web-developers"),
    ("frontend-basics", "dom-and-fetch", "html-css-js-for-web-developers"),
    ("python-fundamentals", "modules-and-packages", "cs50-python"),
    ("backend-frameworks", "django-templates-forms", "python-django-bootcamp"),
    ("build-projects", "flask-project", "sqlalchemy-tutorial"),
    ("build-projects", "flask-project", "pytest-getting-started"),
]
RETIRED_COURSES = ["python-django-bootcamp"]


def move_steps(apps, moves: dict[tuple[str, str], tuple[str, str]]) -> None:
    Stage = apps.get_model("roadmap", "Stage")
    Step = apps.get_model("roadmap", "Step")
    for (old_stage, old_slug), (new_stage, new_slug) in moves.items():
        step = Step.objects.filter(stage__slug=old_stage, slug=old_slug).first()
        stage = Stage.objects.filter(slug=new_stage).first()
        if step is None or stage is None:
            continue  # never seeded here, or already moved by an editor
        if Step.objects.filter(stage=stage, slug=new_slug).exists():
            continue  # an editor's own step holds the place: leave both alone
        step.stage, step.slug = stage, new_slug
        step.save(update_fields=["stage", "slug"])


def retire_courses(apps, links=RETIRED_LINKS, courses=RETIRED_COURSES) -> None:
    """Deletes the (stage, step, course) links, then the courses, unless still linked or voted on."""
    StepCourse = apps.get_model("courses", "StepCourse")
    Course = apps.get_model("courses", "Course")
    CourseFeedback = apps.get_model("courses", "CourseFeedback")
    LinkReport = apps.get_model("courses", "LinkReport")
    for stage, step, course in links:
        StepCourse.objects.filter(
            step__stage__slug=stage, step__slug=step, course__slug=course
        ).delete()
    for course in Course.objects.filter(slug__in=courses):
        if StepCourse.objects.filter(course=course).exists():
            continue  # an editor linked it to another step: their call
        learners_said = (
            CourseFeedback.objects.filter(course=course).exists()
            or LinkReport.objects.filter(course=course).exists()
        )
        if learners_said:  # deleting would delete learners' votes and reports with it
            Course.objects.filter(pk=course.pk).update(is_published=False)
        else:
            course.delete()


def forwards(apps, schema_editor) -> None:
    move_steps(apps, MOVES)
    retire_courses(apps)


def backwards(apps, schema_editor) -> None:
    """Moves the steps back; retired links and courses stay retired."""
    move_steps(apps, {after: before for before, after in MOVES.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0004_learner_data_protects_steps"),
        ("courses", "0003_editors_review_learner_input"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
